#include "core/api/document_rules.hpp"

#include <boost/json.hpp>

#include "core/json/json_path.hpp"
#include "core/util/iso_time.hpp"

namespace integrator {

namespace json = boost::json;

void strip_read_only(resource_kind kind, json::object& obj) {
  for (const char* f : {"_id", "createdAt", "lastModified", "apiIdentifier", "created", "user"})
    obj.erase(f);
  if (kind == resource_kind::flow)
    for (const char* f : {"lastExecutedAt", "resolvedAt", "_templateId", "_sourceId"})
      obj.erase(f);
  if (kind == resource_kind::connection)
    obj.erase("queues");
}

void stamp(resource_kind kind, json::object& obj, const std::string& id, std::int64_t created_ms,
           std::int64_t now_ms) {
  // _id first, so documents read naturally.
  json::object out;
  out["_id"] = id;
  if (kind == resource_kind::export_ || kind == resource_kind::import_)
    out["apiIdentifier"] = (kind == resource_kind::export_ ? "e" : "i") + id.substr(17);
  for (auto& m : obj)
    out[m.key()] = std::move(m.value());
  if (kind == resource_kind::license)
    out["created"] = format_iso_ms(created_ms);
  else
    out["createdAt"] = format_iso_ms(created_ms);
  out["lastModified"] = format_iso_ms(now_ms);
  obj = std::move(out);
}

std::int64_t created_of(const json::value& doc, resource_kind kind) {
  const auto* obj = doc.if_object();
  auto text = obj ? string_member(*obj, kind == resource_kind::license ? "created" : "createdAt")
                  : std::string();
  return parse_iso_ms(text).value_or(0);
}

void keep_server_fields(resource_kind kind, const json::value& old, json::object& obj) {
  if (kind != resource_kind::license)
    return;
  if (const auto* o = old.if_object())
    for (const char* f : {"user", "_connectorId"})
      if (auto it = o->find(f); it != o->end())
        obj[f] = it->value();
}

api_error prepare_document(resource_kind kind, json::value& doc,
                           const validation_context& validation) {
  if (!doc.is_object())
    return make_api_error(error_code::invalid_field,
                          std::string("a ") + info(kind).singular + " must be a JSON object", "");
  strip_read_only(kind, doc.get_object());
  return validate_resource(kind, doc, validation);
}

}  // namespace integrator
