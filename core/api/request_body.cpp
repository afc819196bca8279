#include "core/api/request_body.hpp"

#include <cctype>

#include "core/json/json_depth.hpp"

#include <boost/json.hpp>

namespace integrator {

namespace json = boost::json;

result<json::value> parse_body(const std::string& body) {
  boost::system::error_code ec;
  auto v = parse_json(body.empty() ? std::string_view("{}") : std::string_view(body), ec);
  if (ec == boost::json::error::too_deep)
    return make_api_error(error_code::invalid_json,
                          "The request body nests deeper than " + std::to_string(max_json_depth) + " levels", "");
  if (ec)
    return make_api_error(error_code::invalid_json,
                          "Malformed JSON in request body: " + ec.message(), "");
  return v;
}

result<json::object> object_body(const std::string& body, std::string_view expected) {
  auto v = parse_body(body);
  if (!v || !v->is_object())
    return make_api_error(error_code::invalid_body,
                          "The body must be " + std::string(expected), "");
  return std::move(v->get_object());
}

std::string header_of(const api_call& call, std::string_view name) {
  for (const auto& [k, v] : call.headers)
    if (k == name)
      return v;
  return {};
}

result<std::optional<std::set<std::string>>> string_set(const json::object& body,
                                                        std::string_view name) {
  const auto* v = body.if_contains(name);
  if (!v)
    return std::optional<std::set<std::string>>();
  auto bad = make_api_error(error_code::invalid_body,
                            std::string(name) + " must be an array of strings", std::string(name));
  if (!v->is_array())
    return bad;
  std::set<std::string> out;
  for (const auto& s : v->get_array()) {
    if (!s.is_string())
      return bad;
    out.emplace(s.get_string());
  }
  return std::optional<std::set<std::string>>(std::move(out));
}

api_error check_body_type(const api_call& call) {
  if (call.content_type.empty() || call.op == api_op::connection_proxy)
    return {};
  std::string_view type = call.content_type;
  type = type.substr(0, type.find(';'));
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t'))
    type.remove_suffix(1);
  while (!type.empty() && (type.front() == ' ' || type.front() == '\t'))
    type.remove_prefix(1);
  std::string lower(type);
  for (auto& c : lower)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "application/json" || (lower.starts_with("application/") && lower.ends_with("+json")))
    return {};
  return make_api_error(error_code::unsupported_media_type,
                        "The body must be JSON; it was declared as " + std::string(type), "");
}

api_reply no_such(resource_kind kind) {
  return api_reply::fail(
    make_api_error(error_code::not_found, std::string("No ") + info(kind).singular + " with that id"));
}

}  // namespace integrator
