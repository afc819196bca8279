#include "core/util/api_error.hpp"

#include <boost/json.hpp>

#include <ostream>

namespace integrator {

const char* to_string(errc e) {
  switch (e) {
    case errc::none: return "none";
    case errc::invalid_json: return "invalid_json";
    case errc::invalid_request: return "invalid_request";
    case errc::unauthorized: return "unauthorized";
    case errc::forbidden: return "forbidden";
    case errc::not_found: return "not_found";
    case errc::method_not_allowed: return "method_not_allowed";
    case errc::conflict: return "conflict";
    case errc::payload_too_large: return "payload_too_large";
    case errc::validation_failed: return "invalid_field";
    case errc::rate_limited: return "rate_limited";
    case errc::internal: return "internal_error";
    case errc::unavailable: return "unavailable";
  }
  return "unknown";
}

std::ostream& operator<<(std::ostream& os, errc e) {
  return os << to_string(e);
}

api_error make_api_error(errc kind, std::string message, std::string field) {
  return api_error{kind, to_string(kind), std::move(message), std::move(field)};
}

api_error make_api_error(errc kind, std::string code, std::string message, std::string field) {
  return api_error{kind, std::move(code), std::move(message), std::move(field)};
}

std::string error_body(const api_error& e) {
  boost::json::object entry{{"code", e.code}, {"message", e.message}};
  if (!e.field.empty())
    entry["field"] = e.field;
  boost::json::object body{{"errors", boost::json::array{std::move(entry)}}};
  return boost::json::serialize(body);
}

}  // namespace integrator
