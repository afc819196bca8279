#include "core/resources/list_query.hpp"

#include "core/json/json_path.hpp"
#include "core/util/decimal.hpp"

#include <boost/json.hpp>

#include <algorithm>

namespace integrator {

namespace json = boost::json;

namespace {

api_error bad_query(std::string message, std::string field) {
  return make_api_error(error_code::invalid_query_params, std::move(message),
                        std::move(field));
}

bool parse_size(const std::string& s, std::size_t& out) {
  std::uint64_t n = 0;
  if (!parse_decimal(s, n, 9))
    return false;
  out = static_cast<std::size_t>(n);
  return true;
}

std::vector<std::string> split_paths(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i)
    if (i == s.size() || s[i] == ',') {
      if (i > start)
        out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  return out;
}

void copy_path(const json::object& from, json::object& to, const std::vector<std::string>& parts,
               size_t i) {
  auto it = from.find(parts[i]);
  if (it == from.end())
    return;
  if (i + 1 == parts.size() || !it->value().is_object()) {
    if (i + 1 == parts.size())
      to[parts[i]] = it->value();
    return;
  }
  auto& child = to[parts[i]];
  if (!child.is_object())
    child = json::object{};
  copy_path(it->value().get_object(), child.get_object(), parts, i + 1);
}

void erase_path(json::object& obj, const std::vector<std::string>& parts, size_t i) {
  if (i + 1 == parts.size()) {
    obj.erase(parts[i]);
    return;
  }
  auto it = obj.find(parts[i]);
  if (it != obj.end() && it->value().is_object())
    erase_path(it->value().get_object(), parts, i + 1);
}

}  // namespace

api_error parse_list_query(resource_kind kind, const query_params& params, list_query& out) {
  const auto& allowed = info(kind).list_filters;
  for (const auto& [key, value] : params) {
    if (key == "skip") {
      if (!parse_size(value, out.skip))
        return bad_query("skip must be a non-negative integer", "skip");
    } else if (key == "limit") {
      if (!parse_size(value, out.limit) || out.limit == 0)
        return bad_query("limit must be a positive integer", "limit");
      out.limit = std::min(out.limit, default_list_limit);
    } else if (key == "include") {
      out.include = split_paths(value);
    } else if (key == "exclude") {
      out.exclude = split_paths(value);
    } else if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) {
      out.filters.emplace_back(key, value);
    } else {
      return bad_query("Unknown query parameter: " + key, key);
    }
  }
  if (!out.include.empty() && !out.exclude.empty())
    return bad_query("include and exclude cannot be used together", "include");
  return {};
}

bool matches_filters(const json::value& doc, const query_params& filters) {
  const auto* obj = doc.if_object();
  if (!obj)
    return false;
  for (const auto& [key, want] : filters) {
    auto it = obj->find(key);
    if (it == obj->end() || it->value().is_null()) {
      // "disabled=false" also matches documents that never set it.
      if (want == "false")
        continue;
      return false;
    }
    const auto& v = it->value();
    bool ok = false;
    if (v.is_string())
      ok = v.get_string() == want;
    else if (v.is_bool())
      ok = (want == "true") == v.get_bool() && (want == "true" || want == "false");
    else if (v.is_number())
      ok = json::serialize(v) == want;
    if (!ok)
      return false;
  }
  return true;
}

json::value project(resource_kind kind, const json::value& doc, const list_query& q) {
  const auto* obj = doc.if_object();
  if (!obj)
    return doc;
  if (!q.include.empty()) {
    json::object out;
    if (auto it = obj->find("_id"); it != obj->end())
      out["_id"] = it->value();
    for (const auto& path : q.include)
      if (auto parts = split_path(path); !parts.empty())
        copy_path(*obj, out, parts, 0);
    return out;
  }
  json::object out = *obj;
  for (const auto& field : info(kind).list_omits)
    out.erase(field);
  for (const auto& path : q.exclude)
    if (auto parts = split_path(path); !parts.empty())
      erase_path(out, parts, 0);
  return out;
}

}  // namespace integrator
