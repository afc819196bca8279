#include "core/resources/references.hpp"

#include <boost/json.hpp>

#include <string_view>

namespace integrator {

namespace json = boost::json;

namespace {

bool reference_target(std::string_view field, resource_kind& out) {
  struct row {
    std::string_view field;
    resource_kind kind;
  };
  static constexpr row rows[] = {
    {"_connectionId", resource_kind::connection},
    {"_borrowConcurrencyFromConnectionId", resource_kind::connection},
    {"_exportId", resource_kind::export_},
    {"_sharedExportIds", resource_kind::export_},
    {"_importId", resource_kind::import_},
    {"_sharedImportIds", resource_kind::import_},
    {"_integrationId", resource_kind::integration},
    {"_connectorId", resource_kind::connector},
    {"_iClientId", resource_kind::iclient},
    {"_scriptId", resource_kind::script},
    {"_stackId", resource_kind::stack},
    {"_flowId", resource_kind::flow},
    {"_runNextFlowIds", resource_kind::flow},
    {"_asyncHelperId", resource_kind::asynchelper},
  };
  for (const auto& r : rows)
    if (r.field == field) {
      out = r.kind;
      return true;
    }
  return false;
}

void walk(const json::value& v, const std::string& path, std::vector<reference>& out) {
  if (const auto* obj = v.if_object()) {
    for (const auto& member : *obj) {
      std::string key(member.key());
      std::string child = path.empty() ? key : path + "." + key;
      resource_kind target;
      if (reference_target(key, target)) {
        const auto& val = member.value();
        if (val.is_string() && !val.get_string().empty()) {
          out.push_back({key, child, target, std::string(val.get_string())});
        } else if (const auto* arr = val.if_array()) {
          for (size_t i = 0; i < arr->size(); ++i)
            if ((*arr)[i].is_string() && !(*arr)[i].get_string().empty())
              out.push_back({key, child + "[" + std::to_string(i) + "]", target,
                             std::string((*arr)[i].get_string())});
        }
        continue;
      }
      walk(member.value(), child, out);
    }
  } else if (const auto* arr = v.if_array()) {
    for (size_t i = 0; i < arr->size(); ++i)
      walk((*arr)[i], path + "[" + std::to_string(i) + "]", out);
  }
}

}  // namespace

std::vector<reference> collect_references(const json::value& doc) {
  std::vector<reference> out;
  walk(doc, "", out);
  return out;
}

}  // namespace integrator
