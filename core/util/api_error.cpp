#include "core/util/api_error.hpp"

#include <boost/json.hpp>

#include <array>
#include <ostream>

namespace integrator {

namespace {

using e = error_code;

// The registry: one row per code, in the enum's order (checked below).
constexpr std::array<std::pair<error_code, error_code_info>, 55> registry{{
  {e::none, {"none", errc::none, ""}},
  {e::invalid_json, {"invalid_json", errc::invalid_json, "Malformed JSON in request body"}},
  {e::invalid_request, {"invalid_request", errc::invalid_request, "Malformed request"}},
  {e::invalid_query, {"invalid_query", errc::invalid_request, "Invalid query"}},
  {e::invalid_query_params, {"invalid_query_params", errc::invalid_request, "Invalid query parameters"}},
  {e::invalid_paged_export_state,
   {"invalid_paged_export_state", errc::invalid_request,
    "pagedExportState was not issued for this export or was altered"}},
  {e::unauthorized, {"unauthorized", errc::unauthorized, "Missing, invalid or revoked API token"}},
  {e::forbidden, {"forbidden", errc::forbidden, "This token may not do that"}},
  {e::not_found, {"not_found", errc::not_found, "No such endpoint"}},
  {e::method_not_allowed, {"method_not_allowed", errc::method_not_allowed, "Method not allowed here"}},
  {e::conflict, {"conflict", errc::conflict, "The resource's state does not allow that"}},
  {e::job_finished, {"job_finished", errc::conflict, "The job is already over"}},
  {e::payload_too_large, {"payload_too_large", errc::payload_too_large, "Request too large"}},
  {e::unsupported_media_type,
   {"unsupported_media_type", errc::unsupported_media_type, "The body must be JSON (Content-Type: application/json)"}},
  {e::rate_limited, {"rate_limited", errc::rate_limited, "Too many requests"}},
  {e::invalid_field, {"invalid_field", errc::validation_failed, "Invalid field"}},
  {e::invalid_body, {"invalid_request", errc::validation_failed, "The body does not have the required shape"}},
  {e::missing_required_field, {"missing_required_field", errc::validation_failed, "Missing required field"}},
  {e::missing_header, {"missing_header", errc::validation_failed, "A required header is missing"}},
  {e::invalid_reference, {"invalid_reference", errc::validation_failed, "Invalid reference"}},
  {e::invalid_patch, {"invalid_patch", errc::validation_failed, "Invalid JSON Patch"}},
  {e::invalid_date, {"invalid_date", errc::validation_failed, "Invalid date"}},
  {e::invalid_user, {"invalid_user", errc::validation_failed, "No such user"}},
  {e::duplicate_email, {"duplicate_email", errc::validation_failed, "The email is taken"}},
  {e::resource_in_use, {"resource_in_use", errc::validation_failed, "The resource is referenced"}},
  {e::invalid_mapping, {"invalid_mapping", errc::validation_failed, "Invalid mapping"}},
  {e::invalid_export, {"invalid_export", errc::validation_failed, "The export cannot run"}},
  {e::invalid_connection, {"invalid_connection", errc::validation_failed, "The connection cannot be used"}},
  {e::flow_disabled, {"flow_disabled", errc::validation_failed, "The flow is disabled"}},
  {e::missing_page_generator,
   {"missing_page_generator", errc::validation_failed, "The flow has no page generator"}},
  {e::nothing_to_retry, {"nothing_to_retry", errc::validation_failed, "No open error with retry data matches"}},
  {e::not_a_flow_job, {"not_a_flow_job", errc::validation_failed, "Not a flow job"}},
  {e::ping_failed, {"ping_failed", errc::validation_failed, "The ping failed"}},
  {e::export_failed, {"export_failed", errc::validation_failed, "The export failed"}},
  {e::url_outside_base,
   {"url_outside_base", errc::validation_failed, "The request's URL is not under the connection's baseURI"}},
  {e::template_limit, {"template_limit", errc::validation_failed, "A template went over its rendering limits"}},
  {e::user_code_unavailable,
   {"user_code_unavailable", errc::validation_failed, "The step configures user code, which this server does not run yet"}},
  {e::pre_save_rejected, {"pre_save_rejected", errc::validation_failed, "The resource's preSave script rejected the save"}},
  {e::extension_failed, {"extension_failed", errc::validation_failed, "The extension function (a connector's, a hook) failed"}},
  {e::internal_error, {"internal_error", errc::internal, "Internal error"}},
  {e::storage_full,
   {"storage_full", errc::insufficient_storage, "The server's disk is full; nothing was written, retry later"}},
  {e::storage_failed,
   {"storage_failed", errc::unavailable, "The server could not read or write its data; retry later"}},
  {e::unavailable, {"unavailable", errc::unavailable, "The service did not answer"}},
  {e::proxy_failed, {"proxy_failed", errc::unavailable, "The target did not answer"}},
  {e::invalid_record, {"invalid_record", errc::validation_failed, "a record is not valid JSON"}},
  {e::import_failed, {"import_failed", errc::validation_failed, "The import failed"}},
  {e::lookup_failed, {"lookup_failed", errc::validation_failed, "The lookup failed"}},
  {e::mapping_failed, {"mapping_failed", errc::validation_failed, "The mapping failed"}},
  {e::transform_failed, {"transform_failed", errc::validation_failed, "The transform failed"}},
  {e::once_failed, {"once_failed", errc::validation_failed, "Flagging the record failed"}},
  {e::invalid_flow, {"invalid_flow", errc::validation_failed, "The flow cannot run"}},
  {e::step_crashed, {"step_crashed", errc::internal, "A step of the job stopped"}},
  {e::wrapper_failed, {"wrapper_failed", errc::validation_failed, "The wrapper function failed or answered out of shape"}},
  {e::job_failed, {"job_failed", errc::internal, "The job failed"}},
  {e::connection_error, {"connection_error", errc::unavailable, "The connection failed"}},
}};

constexpr bool in_enum_order() {
  for (std::size_t i = 0; i < registry.size(); ++i)
    if (static_cast<std::size_t>(registry[i].first) != i)
      return false;
  return true;
}
static_assert(in_enum_order(), "the registry's rows must follow error_code's order");
static_assert(registry.size() == static_cast<std::size_t>(error_code::connection_error) + 1,
              "every error_code has a row");

}  // namespace

const error_code_info& info(error_code c) {
  auto i = static_cast<std::size_t>(c);
  return registry[i < registry.size() ? i : 0].second;
}

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
    case errc::unsupported_media_type: return "unsupported_media_type";
    case errc::validation_failed: return "validation_failed";
    case errc::rate_limited: return "rate_limited";
    case errc::internal: return "internal";
    case errc::insufficient_storage: return "insufficient_storage";
    case errc::unavailable: return "unavailable";
  }
  return "unknown";
}

std::ostream& operator<<(std::ostream& os, errc e) {
  return os << to_string(e);
}

std::ostream& operator<<(std::ostream& os, error_code c) {
  return os << code_name(c);
}

api_error make_api_error(error_code code, std::string message, std::string field) {
  if (message.empty())
    message = std::string(info(code).message);
  return api_error{code, std::move(message), std::move(field)};
}

std::string error_body(const api_error& e) {
  boost::json::object entry{{"code", code_name(e.code)}, {"message", e.message}};
  if (!e.field.empty())
    entry["field"] = e.field;
  boost::json::object body{{"errors", boost::json::array{std::move(entry)}}};
  return boost::json::serialize(body);
}

}  // namespace integrator
