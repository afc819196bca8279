#pragma once
// The options a call to user code in a flow carries, built once for every
// kind (preSavePage, script transforms and filters, import hooks): the
// flow's context, and a page's records spliced in as the texts they are
// (a page is never built into documents to be sent).

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <string>
#include <string_view>

#include "core/json/record_page.hpp"

namespace integrator {

struct flow_plan;

/// {<step_key>: step_id, _connectionId, _flowId, _integrationId, settings,
/// configuration}; configuration only when the function has one.
boost::json::object flow_call_options(const flow_plan& plan, std::string_view step_key, std::string_view step_id,
                                      std::string_view connection_id, const boost::json::value& configuration);

/// The text of `rest` with `key`: [the page's records] put first.
std::string with_page_records(std::string_view key, const record_page& page, const boost::json::object& rest);

}  // namespace integrator
