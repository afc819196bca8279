#include "core/resources/dependents.hpp"

#include <boost/json.hpp>

#include "core/json/json_depth.hpp"
#include "core/json/json_path.hpp"
#include "core/resources/key_codec.hpp"

namespace integrator {

namespace json = boost::json;

namespace {

bool is_reference_key(std::string_view key) {
  return key.size() > 3 && key.front() == '_' && (key.ends_with("Id") || key.ends_with("Ids"));
}

// The paths under `v` (at `path`) whose reference field names `id`.
void find_references(const json::value& v, const std::string& path, const std::string& id,
                     json::array& paths) {
  if (const auto* o = v.if_object()) {
    for (const auto& [k, child] : *o) {
      std::string_view key(k.data(), k.size());
      auto here = path.empty() ? std::string(key) : path + "." + std::string(key);
      if (is_reference_key(key)) {
        bool names = child.is_string() && child.get_string() == id;
        if (const auto* a = child.if_array())
          for (const auto& e : *a)
            names = names || (e.is_string() && e.get_string() == id);
        if (names)
          paths.emplace_back(here);
        continue;
      }
      find_references(child, here, id, paths);
    }
  } else if (const auto* a = v.if_array()) {
    for (std::size_t i = 0; i < a->size(); ++i)
      find_references((*a)[i], path + "[" + std::to_string(i) + "]", id, paths);
  }
}

}  // namespace

json::object dependents_of(const resource_store& resources, const std::string& account,
                           const access_scope& scope, const std::string& id) {
  json::object out;
  for (auto kind : all_resource_kinds()) {
    json::array found;
    resources.store().scan(keys::space_of(kind), account, [&](std::string_view key, std::string_view value) {
      if (value.find(id) == std::string_view::npos)  // most documents name it nowhere
        return true;
      boost::system::error_code ec;
      auto doc = parse_json(value, ec);
      auto doc_id = std::string(key.substr(account.size()));
      if (ec || !doc.is_object() || doc_id == id || !scope.permits(kind, doc_id, doc))
        return true;
      json::array paths;
      find_references(doc, "", id, paths);
      if (!paths.empty())
        found.push_back(json::object{{"_id", doc_id}, {"name", string_member(doc.get_object(), "name")},
                                     {"paths", std::move(paths)}});
      return true;
    });
    if (!found.empty())
      out[info(kind).collection] = std::move(found);
  }
  return out;
}

}  // namespace integrator
