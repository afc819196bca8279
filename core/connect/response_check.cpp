#include "core/connect/response_check.hpp"

#include <boost/json.hpp>

#include <algorithm>

#include "core/json/json_path.hpp"

namespace integrator {

namespace json = boost::json;

namespace {

// A member that may be a string or an array of strings lined up by index.
const json::value* pick(const json::object& o, std::string_view key, std::size_t index) {
  auto it = o.find(key);
  if (it == o.end())
    return nullptr;
  if (const auto* a = it->value().if_array())
    return index < a->size() ? &(*a)[index] : nullptr;
  return &it->value();
}

std::vector<std::string> path_of(const json::object& o, std::string_view key, std::size_t index) {
  const auto* v = pick(o, key, index);
  return v && v->is_string() ? split_path(v->get_string()) : std::vector<std::string>{};
}

std::vector<std::string> values_of(const json::object& o, std::string_view key,
                                   std::size_t index) {
  std::vector<std::string> out;
  auto it = o.find(key);
  if (it == o.end() || !it->value().is_array())
    return out;
  const auto& a = it->value().get_array();
  // [[…],[…]] lines up with requests; […] applies to all.
  const json::array* list = &a;
  if (!a.empty() && a[0].is_array())
    list = index < a.size() && a[index].is_array() ? &a[index].get_array() : nullptr;
  if (list)
    for (const auto& v : *list)
      out.push_back(text_of(v));
  return out;
}

bool matches(const std::optional<std::string>& value, const std::vector<std::string>& values) {
  if (!value)
    return false;
  if (values.empty())
    return !is_falsy_text(*value);
  return std::find(values.begin(), values.end(), *value) != values.end();
}

}  // namespace

bool is_falsy_text(std::string_view s) {
  return s.empty() || s == "false" || s == "0" || s == "null";
}

response_check response_check::from(const json::value* block, std::size_t index) {
  response_check c;
  const auto* o = block ? block->if_object() : nullptr;
  if (!o)
    return c;
  c.success_path = path_of(*o, "successPath", index);
  c.success_values = values_of(*o, "successValues", index);
  c.fail_path = path_of(*o, "failPath", index);
  c.fail_values = values_of(*o, "failValues", index);
  c.error_path = path_of(*o, "errorPath", index);
  return c;
}

std::string describe_failure(const outbound_response& r, std::string_view detail) {
  if (!r.transport_error.empty())
    return r.transport_error;
  std::string msg = "HTTP " + std::to_string(r.status);
  std::string_view body = detail.empty() ? std::string_view(r.body) : detail;
  if (!body.empty())
    msg += ": " + std::string(body.substr(0, 300));
  return msg;
}

std::optional<std::string> response_check::failure(const outbound_response& r,
                                                   json_scan& scan) const {
  auto detail = [&]() -> std::string {
    if (!error_path.empty())
      if (auto e = scan.text_at(error_path))
        return *e;
    return {};
  };
  if (!r.ok())
    return describe_failure(r, detail());
  if (!fail_path.empty() && matches(scan.text_at(fail_path), fail_values))
    return describe_failure(r, detail());
  if (!success_path.empty() && !matches(scan.text_at(success_path), success_values))
    return describe_failure(r, detail());
  return std::nullopt;
}

}  // namespace integrator
