#include "core/api/document_rules.hpp"

#include <boost/json.hpp>

#include "core/engine/flow_plan.hpp"
#include "core/engine/import_plan.hpp"
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

namespace {

// An HTTP export or import is compiled as a run compiles it (templates,
// paging, once flags, lookups, mappings), so what would fail every run —
// an unclosed block, an unknown helper or partial, a template nested too
// deep — is a 422 when it is saved.
api_error check_runnable(resource_kind kind, const json::value& doc) {
  const auto& obj = doc.get_object();
  auto block = [&](const char* name) {
    const auto* b = obj.if_contains(name);
    return b && b->is_object();
  };
  if (!block("http") && !block("rest"))
    return {};
  api_error failed;
  if (kind == resource_kind::export_) {
    if (auto step = export_step::compile(doc, nullptr, nullptr); !step)
      failed = step.error();
  } else if (kind == resource_kind::import_) {
    if (auto plan = import_plan::compile(doc, nullptr); !plan)
      failed = plan.error();
  }
  if (!failed)
    return {};
  auto field = failed.field.empty() ? std::string(block("http") ? "http" : "rest") : failed.field;
  return make_api_error(error_code::invalid_field, std::move(failed.message), std::move(field));
}

}  // namespace

api_error prepare_document(resource_kind kind, json::value& doc,
                           const validation_context& validation) {
  if (!doc.is_object())
    return make_api_error(error_code::invalid_field,
                          std::string("a ") + info(kind).singular + " must be a JSON object", "");
  strip_read_only(kind, doc.get_object());
  if (auto e = validate_resource(kind, doc, validation))
    return e;
  return check_runnable(kind, doc);
}

}  // namespace integrator
