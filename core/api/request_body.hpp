#pragma once
// Reading what a client sent: the JSON body and the Integrator-* headers of
// a call, with the API's answers for what is malformed.

#include <boost/json/value.hpp>

#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "core/api/api_call.hpp"
#include "core/util/result.hpp"

namespace integrator {

/// The body as JSON; an empty body reads as `{}`. 400 invalid_json when
/// it is not JSON.
result<boost::json::value> parse_body(const std::string& body);

/// The body as a JSON object; an empty body reads as `{}`. 422
/// invalid_request saying `expected` when it is not one.
result<boost::json::object> object_body(const std::string& body, std::string_view expected);

/// Header `name` (lower case, e.g. "integrator-method") of the call; ""
/// when absent.
std::string header_of(const api_call& call, std::string_view name);

/// The strings of body[name]: nullopt when absent; an error when it is
/// there but not an array of strings.
result<std::optional<std::set<std::string>>> string_set(const boost::json::object& body,
                                                        std::string_view name);

/// 415 unsupported_media_type when the call has a body declared as
/// something other than JSON (application/json, or any type ending in
/// +json, with or without parameters). No Content-Type reads as JSON. The
/// proxy forwards bodies of any type and is not checked.
api_error check_body_type(const api_call& call);

/// 404 "No <kind> with that id".
api_reply no_such(resource_kind kind);

}  // namespace integrator
