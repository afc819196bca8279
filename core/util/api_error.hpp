#pragma once
// The one error vocabulary of Integrator: every error code a client can get
// or a job can record, each with its class and default message, in one
// registry (api_error.cpp). Every layer reports failures as an api_error;
// only http/server turns the class into a status code (status_map.cpp) and
// the error into the {"errors":[{"code","message","field"}]} body.

#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <utility>

namespace integrator {

/// Protocol-neutral failure classes; each maps to one HTTP status.
enum class errc : std::uint8_t {
  none = 0,
  invalid_json,        ///< body is not JSON (400)
  invalid_request,     ///< malformed query, header or path (400)
  unauthorized,        ///< missing or bad credentials (401)
  forbidden,           ///< authenticated but not allowed (403)
  not_found,           ///< unknown id, or not visible to the caller (404)
  method_not_allowed,  ///< path exists, verb does not (405)
  conflict,            ///< state does not allow the change (409)
  payload_too_large,   ///< body or headers over the limit (413)
  unsupported_media_type,  ///< a body declared as something other than JSON (415)
  validation_failed,   ///< well-formed but invalid content (422)
  rate_limited,        ///< leaky bucket empty (429)
  internal,            ///< a bug (500)
  insufficient_storage,  ///< the disk is full: nothing was written (507)
  unavailable,         ///< an actor or a target did not answer (503)
};

/// Every error code. The name of each value is the `code` clients see,
/// except `invalid_body` (code "invalid_request", with 422 where the
/// request itself was readable). Job error codes are stored with a job's
/// errors rather than answered.
enum class error_code : std::uint8_t {
  none = 0,
  // -- the request as sent (400) ---------------------------------------------
  invalid_json,
  invalid_request,
  invalid_query,
  invalid_query_params,
  invalid_paged_export_state,
  // -- who asks (401, 403) ---------------------------------------------------
  unauthorized,
  forbidden,
  // -- what it names (404, 405, 409, 413, 415, 429) -----------------------------
  not_found,
  method_not_allowed,
  conflict,
  job_finished,
  payload_too_large,
  unsupported_media_type,
  rate_limited,
  // -- what it says (422) -----------------------------------------------------
  invalid_field,
  invalid_body,
  missing_required_field,
  missing_header,
  invalid_reference,
  invalid_patch,
  invalid_date,
  invalid_user,
  duplicate_email,
  resource_in_use,
  invalid_mapping,
  invalid_export,
  invalid_connection,
  flow_disabled,
  missing_page_generator,
  nothing_to_retry,
  not_a_flow_job,
  ping_failed,
  export_failed,
  url_outside_base,
  template_limit,
  user_code_unavailable,
  pre_save_rejected,
  extension_failed,
  // -- the server (500, 503, 507) ---------------------------------------------
  internal_error,
  storage_full,
  storage_failed,
  unavailable,
  proxy_failed,
  // -- job errors -------------------------------------------------------------
  invalid_record,
  import_failed,
  lookup_failed,
  mapping_failed,
  transform_failed,
  once_failed,
  invalid_flow,
  step_crashed,
  wrapper_failed,
  job_failed,
  connection_error,
};

/// One row of the registry.
struct error_code_info {
  std::string_view name;     ///< the `code` clients and job errors show
  errc kind;                 ///< picks the HTTP status
  std::string_view message;  ///< when the caller has nothing more precise
};

const error_code_info& info(error_code c);

/// The `code` text of `c`.
inline std::string_view code_name(error_code c) {
  return info(c).name;
}

/// Name of an errc, stable (for logs and test diagnostics).
const char* to_string(errc e);
std::ostream& operator<<(std::ostream& os, errc e);
std::ostream& operator<<(std::ostream& os, error_code c);

/// One entry of the API's error array.
struct api_error {
  error_code code = error_code::none;
  std::string message;  ///< human readable
  std::string field;    ///< optional JSON path of the offending field

  errc kind() const { return info(code).kind; }
  explicit operator bool() const { return code != error_code::none; }
};

/// An error with `code`; an empty `message` takes the code's default.
api_error make_api_error(error_code code, std::string message = {}, std::string field = {});

/// {"errors":[{"code":..,"message":..,"field":..}]} for one error.
std::string error_body(const api_error& e);

}  // namespace integrator
