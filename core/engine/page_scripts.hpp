#pragma once
// An export's script transform and script output filter
// ({"type":"script","script":{_scriptId, function}}): the function runs once
// per record (options {record, settings, …}) in one worker call per page,
// the transform first. A transform returns the record (null: the record as
// it was); a filter returns whether the record goes on (those it drops are
// ignored). A call that fails turns the page's records into errors with
// retry data (source transformation or output_filter); the flow goes on.

#include <boost/json/value.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "core/engine/job_model.hpp"
#include "core/engine/user_code_answer.hpp"
#include "core/json/record_page.hpp"
#include "core/util/object_id.hpp"

namespace integrator {

struct export_step;
struct flow_plan;

enum class page_script : std::uint8_t { transform, filter };

/// The options of a page script call: {records, settings, _exportId,
/// _connectionId, _flowId, _integrationId} (records spliced as they are).
std::string page_script_options(const flow_plan& plan, const export_step& step, const record_page& page);

/// A page after a page script.
struct scripted_page {
  record_page page;  ///< what goes on (the input's origin kept)
  std::int64_t ignored = 0;
  std::vector<job_error_entry> errors;
};

/// What `answer` (one result per record) makes of `page`; `settings` (the
/// flow's) is what an expression filter after a script transform sees.
scripted_page apply_page_script(page_script kind, user_code_answer& answer, const record_page& page,
                                const export_step& step, const boost::json::value& settings,
                                object_id_generator& ids, std::int64_t now_ms);

}  // namespace integrator
