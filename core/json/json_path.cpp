#include "core/json/json_path.hpp"

#include <boost/json.hpp>

#include "core/util/decimal.hpp"

namespace integrator {

std::string string_member(const boost::json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it != o.end() && it->value().is_string() ? std::string(it->value().get_string()) : "";
}

std::string first_text(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v && v->is_array())
    v = v->get_array().empty() ? nullptr : &v->get_array()[0];
  return v ? text_of(*v) : std::string();
}

const boost::json::object* object_member(const boost::json::value& doc, std::string_view key) {
  const auto* o = doc.if_object();
  const auto* member = o ? o->if_contains(key) : nullptr;
  return member ? member->if_object() : nullptr;
}

bool js_truthy(const boost::json::value& v) {
  if (v.is_bool())
    return v.get_bool();
  if (v.is_string())
    return !v.get_string().empty();
  if (v.is_number())
    return v.to_number<double>() != 0;
  return !v.is_null();
}

bool js_truthy_text(std::string_view t) {
  return !(t == "false" || t == "null" || t == "0" || t == "\"\"" || t == "-0" || t == "0.0");
}

std::string text_of(const boost::json::value& v) {
  if (v.is_string())
    return std::string(v.get_string());
  if (v.is_null())
    return "";
  return boost::json::serialize(v);
}

const boost::json::value* find_path(const boost::json::value& root,
                                    const std::vector<std::string>& segments) {
  const boost::json::value* cur = &root;
  for (const auto& s : segments) {
    if (const auto* o = cur->if_object()) {
      auto it = o->find(s);
      if (it == o->end())
        return nullptr;
      cur = &it->value();
    } else if (const auto* a = cur->if_array()) {
      std::uint64_t idx = 0;
      if (!parse_decimal(s, idx, 9) || idx >= a->size())
        return nullptr;
      cur = &(*a)[idx];
    } else {
      return nullptr;
    }
  }
  return cur;
}

void assign_path(boost::json::object& target, const std::vector<std::string>& path,
                 boost::json::value v) {
  if (path.empty())
    return;
  boost::json::object* cur = &target;
  for (size_t i = 0; i + 1 < path.size(); ++i) {
    auto& next = (*cur)[path[i]];
    if (!next.is_object())
      next = boost::json::object{};
    cur = &next.get_object();
  }
  (*cur)[path.back()] = std::move(v);
}

std::string escape_pointer_token(std::string_view t) {
  std::string out;
  for (char c : t) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

std::vector<std::string> split_path(std::string_view p) {
  if (p.substr(0, 2) == "$.")
    p.remove_prefix(2);
  else if (p == "$")
    p = {};
  std::vector<std::string> out;
  std::string cur;
  for (char c : p) {
    if (c == '.' || c == '[' || c == ']') {
      if (!cur.empty())
        out.push_back(std::move(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty())
    out.push_back(std::move(cur));
  return out;
}

boost::json::value extract_all(const boost::json::value& v, const std::vector<std::string>& path,
                               size_t i) {
  if (i == path.size())
    return v;
  const auto& step = path[i];
  if (step == "*") {
    boost::json::array out;
    if (const auto* a = v.if_array())
      for (const auto& e : *a)
        out.push_back(extract_all(e, path, i + 1));
    return out;
  }
  if (const auto* o = v.if_object()) {
    auto it = o->find(step);
    return it == o->end() ? boost::json::value(nullptr) : extract_all(it->value(), path, i + 1);
  }
  if (const auto* a = v.if_array()) {
    std::uint64_t idx = 0;
    if (parse_decimal(step, idx, 9) && idx < a->size())
      return extract_all((*a)[idx], path, i + 1);
  }
  return nullptr;
}

}  // namespace integrator
