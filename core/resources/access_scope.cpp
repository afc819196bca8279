#include "core/resources/access_scope.hpp"

#include <boost/json.hpp>

namespace integrator {

bool access_scope::permits(resource_kind kind, const std::string& id,
                           const boost::json::value& doc) const {
  if (full)
    return true;
  if (!connector_id.empty()) {
    const auto* obj = doc.if_object();
    const auto* owner = obj ? obj->if_contains("_connectorId") : nullptr;
    return owner && owner->is_string() && owner->get_string() == connector_id;
  }
  if (invoke_only)  // which calls it may make is one_time_tokens::may's to say
    return kind == resource_kind::export_ || kind == resource_kind::import_ || kind == resource_kind::flow
           || kind == resource_kind::connection;
  auto listed = [&](const std::set<std::string>& ids) { return ids.count(id) > 0; };
  switch (kind) {
    case resource_kind::connection:
      if (listed(connection_ids))
        return true;
      break;
    case resource_kind::export_:
      if (listed(export_ids))
        return true;
      break;
    case resource_kind::import_:
      if (listed(import_ids))
        return true;
      break;
    case resource_kind::integration:
      return listed(integration_ids);
    case resource_kind::flow:
      break;
    default:
      return false;
  }
  // Contained in a listed integration.
  if (const auto* obj = doc.if_object())
    if (auto it = obj->find("_integrationId"); it != obj->end() && it->value().is_string())
      return integration_ids.count(std::string(it->value().get_string())) > 0;
  return false;
}

}  // namespace integrator
