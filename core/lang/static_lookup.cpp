#include "core/lang/static_lookup.hpp"

#include <boost/json.hpp>

#include "core/json/json_path.hpp"

namespace integrator {

namespace json = boost::json;

std::optional<json::value> static_lookup::apply(const json::value& v, std::string& error) const {
  auto key = text_of(v);
  if (auto it = map.find(key); it != map.end())
    return it->value();
  if (fallback)
    return *fallback;
  if (allow_failures)
    return json::value("");
  error = "Lookup \"" + name + "\" has no value for \"" + key + "\"";
  return std::nullopt;
}

static_lookup static_lookup::from(const json::object& o) {
  static_lookup lk;
  lk.name = string_member(o, "name");
  if (auto m = o.find("map"); m != o.end() && m->value().is_object())
    lk.map = m->value().get_object();
  if (auto d = o.find("default"); d != o.end() && !d->value().is_null())
    lk.fallback = d->value();
  if (auto a = o.find("allowFailures"); a != o.end() && a->value().is_bool())
    lk.allow_failures = a->value().get_bool();
  return lk;
}

std::optional<std::vector<static_lookup>> parse_static_lookups(const json::value& lookups,
                                                               std::string& error) {
  std::vector<static_lookup> out;
  const auto* arr = lookups.if_array();
  if (!arr)
    return out;
  for (const auto& l : *arr) {
    const auto* o = l.if_object();
    if (!o || !o->contains("name") || !o->at("name").is_string()) {
      error = "every lookup needs a name";
      return std::nullopt;
    }
    out.push_back(static_lookup::from(*o));
  }
  return out;
}

const static_lookup* find_lookup(const std::vector<static_lookup>& lookups, std::string_view name) {
  for (const auto& l : lookups)
    if (l.name == name)
      return &l;
  return nullptr;
}

}  // namespace integrator
