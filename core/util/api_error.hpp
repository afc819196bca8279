#pragma once
// The one error vocabulary of Integrator. Every layer reports failures as an
// api_error; only http/ turns `kind` into a status code and the
// {"errors":[{"code","message","field"}]} body.

#include <cstdint>
#include <iosfwd>
#include <string>
#include <utility>

namespace integrator {

/// Protocol-neutral failure classes. http/status_map.cpp maps them to HTTP.
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
  validation_failed,   ///< well-formed but invalid content (422)
  rate_limited,        ///< leaky bucket empty (429)
  internal,            ///< a bug or a storage failure (500)
  unavailable,         ///< an actor did not answer in time (503)
};

/// Name of an errc, stable; used as the default error `code` string.
const char* to_string(errc e);

/// Prints the name (for logs and test diagnostics).
std::ostream& operator<<(std::ostream& os, errc e);

/// One entry of the API's error array, with the class that picks the status.
struct api_error {
  errc kind = errc::none;
  std::string code;     ///< e.g. "invalid_field", "rate_limited"
  std::string message;  ///< human readable
  std::string field;    ///< optional JSON path of the offending field

  explicit operator bool() const { return kind != errc::none; }
};

api_error make_api_error(errc kind, std::string message, std::string field = {});
api_error make_api_error(errc kind, std::string code, std::string message, std::string field);

/// {"errors":[{"code":..,"message":..,"field":..}]} for one error.
std::string error_body(const api_error& e);

}  // namespace integrator
