#include "core/api/resource_handlers.hpp"
#include "core/api/pre_save.hpp"
#include "core/resources/dependents.hpp"

#include "core/json/json_depth.hpp"

#include <boost/json.hpp>

#include <algorithm>

#include "core/api/document_rules.hpp"
#include "core/api/request_body.hpp"
#include "core/engine/import_plan.hpp"
#include "core/json/json_patch.hpp"
#include "core/json/json_path.hpp"
#include "core/resources/key_codec.hpp"
#include "core/resources/list_query.hpp"
#include "core/util/iso_time.hpp"

namespace integrator {

namespace json = boost::json;

namespace {

std::string name_of(const json::value& doc) {
  const auto* obj = doc.if_object();
  return obj ? string_member(*obj, "name") : std::string();
}

// Deep replace of _connectionId values per {old: new}.
void map_connections(json::value& v, const json::object& map) {
  if (auto* obj = v.if_object()) {
    for (auto& m : *obj) {
      if (m.key() == "_connectionId" && m.value().is_string()) {
        if (auto it = map.find(m.value().get_string()); it != map.end() && it->value().is_string())
          m.value() = it->value();
      } else {
        map_connections(m.value(), map);
      }
    }
  } else if (auto* arr = v.if_array()) {
    for (auto& e : *arr)
      map_connections(e, map);
  }
}

// The secrets of `doc`, masked in it, sealed for storage.
secret_map seal_secrets(const secret_box& box, json::value& doc) {
  secret_map sealed;
  for (const auto& [pointer, plain] : extract_secrets(doc))
    sealed[pointer] = box.seal(plain);
  return sealed;
}

// Writes a new document with its indexes; answers 201 with it.
api_reply insert(account_context& ctx, resource_kind kind, const std::string& account,
                 const std::string& id, const json::value& doc, const secret_map& sealed) {
  write_batch b;
  ctx.resources.put_document(b, kind, account, id, doc, sealed);
  ctx.resources.index(b, account, kind, id, nullptr, &doc);
  ctx.store().write(b);
  return api_reply::json(api_status::created, json::serialize(doc));
}

// The ids a list's narrowest index gives (by name, or by a reference),
// or nullopt when only the account's range will do.
std::optional<std::vector<std::string>> indexed_ids(account_context& ctx, const std::string& account,
                                                    resource_kind kind, const list_query& q) {
  std::vector<std::string> ids;
  for (const auto& [field, value] : q.filters) {
    if (field == "name") {
      ctx.store().scan(keys::names_space, keys::names_prefix(account, kind, value),
                       [&](std::string_view key, std::string_view) {
                         ids.emplace_back(keys::id_of_name_key(key));
                         return true;
                       });
      return ids;
    }
    if (!field.empty() && field[0] == '_' && is_object_id(value) && kind != resource_kind::license) {
      ctx.store().scan(keys::refs_space, keys::refs_prefix(account, value),
                       [&](std::string_view key, std::string_view) {
                         resource_kind k;
                         std::string id;
                         if (keys::parse_ref(key, k, id) && k == kind)
                           ids.push_back(std::move(id));
                         return true;
                       });
      std::sort(ids.begin(), ids.end());
      ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
      return ids;
    }
  }
  return std::nullopt;
}

}  // namespace

api_reply list_of(account_context& ctx, const principal& who, resource_kind kind,
                  const query_params& params, const query_params& forced) {
  const auto& account = who.account_id;
  list_query q;
  if (auto e = parse_list_query(kind, params, q))
    return api_reply::fail(e);
  for (const auto& f : forced)
    q.filters.push_back(f);
  json::array page;
  std::size_t matched = 0;
  bool more = false;
  auto consider = [&](const std::string& id, const json::value& doc) {
    if (!who.scope.permits(kind, id, doc) || !matches_filters(doc, q.filters))
      return true;
    if (matched++ < q.skip)
      return true;
    if (page.size() == q.limit) {
      more = true;
      return false;
    }
    page.push_back(project(kind, doc, q));
    return true;
  };
  if (auto ids = indexed_ids(ctx, account, kind, q)) {
    for (const auto& id : *ids)
      if (auto doc = ctx.resources.load(kind, account, id); doc && !consider(id, *doc))
        break;
  } else {
    ctx.store().scan(keys::space_of(kind), account, [&](std::string_view key, std::string_view value) {
      boost::system::error_code ec;
      auto doc = parse_json(value, ec);
      if (ec)
        return true;
      return consider(std::string(key.substr(24)), doc);
    });
  }
  api_reply r = api_reply::json(api_status::ok, json::serialize(page));
  if (more)
    r.next_skip = static_cast<std::int64_t>(q.skip + q.limit);
  if (q.skip > 0)
    r.prev_skip = static_cast<std::int64_t>(q.skip > q.limit ? q.skip - q.limit : 0);
  return r;
}

api_reply list_resources(account_context& ctx, const principal& who, const api_call& call,
                         std::int64_t) {
  return list_of(ctx, who, call.kind, call.query, {});
}

api_reply get_resource(account_context& ctx, const principal& who, const api_call& call,
                       std::int64_t) {
  // A full-access caller sees any document of its account: answer the
  // stored bytes as they are, without a parse and a serialize.
  if (who.scope.full) {
    auto raw = ctx.resources.load_text(call.kind, who.account_id, call.id);
    return raw ? api_reply::json(api_status::ok, std::move(*raw)) : no_such(call.kind);
  }
  auto doc = ctx.resources.load_visible(call.kind, who.account_id, who.scope, call.id);
  if (!doc)
    return no_such(call.kind);
  return api_reply::json(api_status::ok, json::serialize(*doc));
}

api_reply create_resource(account_context& ctx, const principal& who, const api_call& call,
                          std::int64_t now_ms) {
  auto kind = call.kind;
  auto body = parse_body(call.body);
  if (!body)
    return api_reply::fail(body.error());
  auto& doc = *body;
  if (auto e = prepare_document(kind, doc, ctx.validation))
    return api_reply::fail(e);
  if (auto e = run_pre_save(ctx, who.account_id, kind, doc, nullptr))
    return api_reply::fail(e);
  if (auto e = ctx.resources.check_references(who.account_id, kind, doc))
    return api_reply::fail(e);
  auto id = ctx.ids.next(static_cast<std::uint32_t>(now_ms / 1000));
  stamp(kind, doc.get_object(), id, now_ms, now_ms);
  if (!who.scope.permits(kind, id, doc))
    return api_reply::fail(make_api_error(error_code::not_found, std::string("This token cannot create that ") + info(kind).singular));
  auto sealed = seal_secrets(ctx.resources.box(), doc);
  return insert(ctx, kind, who.account_id, id, doc, sealed);
}

api_reply replace_resource(account_context& ctx, const principal& who, const api_call& call,
                           std::int64_t now_ms) {
  auto kind = call.kind;
  const auto& account = who.account_id;
  auto body = parse_body(call.body);
  if (!body)
    return api_reply::fail(body.error());
  auto& doc = *body;
  auto old = ctx.resources.load_visible(kind, account, who.scope, call.id);
  if (!old)
    return no_such(kind);
  if (auto e = prepare_document(kind, doc, ctx.validation))
    return api_reply::fail(e);
  if (auto e = run_pre_save(ctx, account, kind, doc, &*old))
    return api_reply::fail(e);
  keep_server_fields(kind, *old, doc.get_object());
  if (auto e = ctx.resources.check_references(account, kind, doc))
    return api_reply::fail(e);
  stamp(kind, doc.get_object(), call.id, created_of(*old, kind), now_ms);
  if (!who.scope.permits(kind, call.id, doc))
    return no_such(kind);
  auto sealed_new = seal_secrets(ctx.resources.box(), doc);
  auto sealed = merge_secrets(doc, sealed_new, ctx.resources.load_sealed(kind, account, call.id));
  // An offline connection (its last ping failed) stays so through a PUT,
  // unless the PUT brings new credentials: they may be what fixes it.
  if (kind == resource_kind::connection)
    if (const auto* was = old->get_object().if_contains("offline"); was && *was == true)
      doc.get_object()["offline"] = sealed_new.empty();
  write_batch b;
  ctx.resources.put_document(b, kind, account, call.id, doc, sealed);
  ctx.resources.index(b, account, kind, call.id, &*old, &doc);
  ctx.store().write(b);
  return api_reply::json(api_status::ok, json::serialize(doc));
}

api_reply patch_resource(account_context& ctx, const principal& who, const api_call& call,
                         std::int64_t now_ms) {
  auto kind = call.kind;
  const auto& account = who.account_id;
  auto ops = parse_body(call.body);
  if (!ops)
    return api_reply::fail(ops.error());
  auto old = ctx.resources.load_visible(kind, account, who.scope, call.id);
  if (!old)
    return no_such(kind);
  std::vector<std::string> paths;
  if (auto e = json_patch_paths(*ops, paths))
    return api_reply::fail(e);
  for (const auto& p : paths)
    if (!is_patchable(kind, p))
      return api_reply::fail(make_api_error(error_code::invalid_patch,
                                            "Field cannot be patched: " + p, p));
  json::value doc = *old;
  if (auto e = apply_json_patch(doc, *ops))
    return api_reply::fail(e);
  // Each patch value is within the nesting limit, but added deep inside
  // the document it can take the whole past it; repeated patches would
  // grow it without bound.
  if (nests_deeper_than(json::serialize(doc)))
    return api_reply::fail(make_api_error(error_code::invalid_patch,
                                          "The patched document would nest deeper than "
                                            + std::to_string(max_json_depth) + " levels", ""));
  if (auto e = validate_resource(kind, doc, ctx.validation))
    return api_reply::fail(e);
  if (auto e = run_pre_save(ctx, account, kind, doc, &*old))
    return api_reply::fail(e);
  stamp(kind, doc.get_object(), call.id, created_of(*old, kind), now_ms);  // (a preSave script's answer lacks them)
  if (auto e = ctx.resources.check_references(account, kind, doc))
    return api_reply::fail(e);
  doc.get_object()["lastModified"] = format_iso_ms(now_ms);
  write_batch b;
  b.put(keys::space_of(kind), keys::resource(account, call.id), json::serialize(doc));
  ctx.resources.index(b, account, kind, call.id, &*old, &doc);
  ctx.store().write(b);
  return api_reply::json(api_status::no_content, "");
}

api_reply remove_resource(account_context& ctx, const principal& who, const api_call& call,
                          std::int64_t) {
  auto kind = call.kind;
  const auto& account = who.account_id;
  const auto& id = call.id;
  auto old = ctx.resources.load_visible(kind, account, who.scope, id);
  if (!old)
    return no_such(kind);
  auto& store = ctx.store();
  api_error in_use;
  store.scan(keys::refs_space, keys::refs_prefix(account, id),
             [&](std::string_view key, std::string_view) {
               resource_kind k;
               std::string rid;
               if (!keys::parse_ref(key, k, rid) || (k == kind && rid == id))
                 return true;
               auto referrer = ctx.resources.load(k, account, rid);
               auto label = std::string(info(k).singular) + " " + rid;
               if (referrer && !name_of(*referrer).empty())
                 label += " (" + name_of(*referrer) + ")";
               in_use = make_api_error(error_code::resource_in_use,
                                       std::string("Cannot delete this ") + info(kind).singular
                                         + ": it is referenced by " + label,
                                       "_id");
               return false;
             });
  if (in_use)
    return api_reply::fail(in_use);
  write_batch b;
  b.erase(keys::space_of(kind), keys::resource(account, id));
  b.erase(keys::secrets_space, keys::secrets(kind, account, id));
  ctx.resources.index(b, account, kind, id, &*old, nullptr);
  store.scan(keys::state_space, keys::resource_state_prefix(account, kind, id),
             [&](std::string_view key, std::string_view) {
               b.erase(keys::state_space, std::string(key));
               return true;
             });
  if (kind == resource_kind::connector)
    store.scan(keys::space_of(resource_kind::license), account,
               [&](std::string_view key, std::string_view value) {
                 boost::system::error_code ec;
                 auto lic = parse_json(value, ec);
                 if (!ec && lic.is_object() && string_member(lic.get_object(), "_connectorId") == id)
                   b.erase(keys::space_of(resource_kind::license), std::string(key));
                 return true;
               });
  store.write(b);
  return api_reply::json(api_status::no_content, "");
}

api_reply clone_resource(account_context& ctx, const principal& who, const api_call& call,
                         std::int64_t now_ms) {
  auto kind = call.kind;
  const auto& account = who.account_id;
  json::value options;
  if (!call.body.empty()) {
    auto body = parse_body(call.body);
    if (!body)
      return api_reply::fail(body.error());
    options = std::move(*body);
  }
  auto old = ctx.resources.load_visible(kind, account, who.scope, call.id);
  if (!old)
    return no_such(kind);
  if (!options.is_object() && !options.is_null())
    return api_reply::fail(
      make_api_error(error_code::invalid_field, "clone options must be an object", ""));
  json::value doc = *old;
  auto& obj = doc.get_object();
  strip_read_only(kind, obj);
  std::string name = "Clone - " + name_of(*old);
  if (const auto* o = options.if_object()) {
    if (auto it = o->find("name"); it != o->end() && it->value().is_string())
      name = std::string(it->value().get_string());
    if (auto it = o->find("connectionMap"); it != o->end() && it->value().is_object())
      map_connections(doc, it->value().get_object());
  }
  obj["name"] = name;
  if (auto e = validate_resource(kind, doc, ctx.validation))
    return api_reply::fail(e);
  if (auto e = ctx.resources.check_references(account, kind, doc))
    return api_reply::fail(e);
  auto new_id = ctx.ids.next(static_cast<std::uint32_t>(now_ms / 1000));
  stamp(kind, obj, new_id, now_ms, now_ms);
  // Sealed secrets are bound to the key, not to the document: copy them.
  return insert(ctx, kind, account, new_id, doc, ctx.resources.load_sealed(kind, account, call.id));
}

api_reply list_integration_flows(account_context& ctx, const principal& who, const api_call& call,
                                 std::int64_t) {
  if (!ctx.resources.load_visible(resource_kind::integration, who.account_id, who.scope, call.id))
    return no_such(resource_kind::integration);
  return list_of(ctx, who, resource_kind::flow, call.query, {{"_integrationId", call.id}});
}

api_reply list_install_base(account_context& ctx, const principal& who, const api_call& call,
                            std::int64_t) {
  if (!ctx.resources.load_visible(resource_kind::connector, who.account_id, who.scope, call.id))
    return no_such(resource_kind::connector);
  return list_of(ctx, who, resource_kind::integration, call.query, {{"_connectorId", call.id}});
}

api_reply stack_dependencies(account_context& ctx, const principal& who, const api_call& call, std::int64_t) {
  if (!ctx.resources.load_visible(resource_kind::stack, who.account_id, who.scope, call.id))
    return no_such(resource_kind::stack);
  return api_reply::json(api_status::ok,
                         json::serialize(dependents_of(ctx.resources, who.account_id, who.scope, call.id)));
}

api_reply map_import(account_context& ctx, const principal& who, const api_call& call,
                     std::int64_t) {
  if (!ctx.resources.load_visible(resource_kind::connection, who.account_id, who.scope, call.id))
    return no_such(resource_kind::connection);
  auto body = object_body(call.body, "{\"import\":{…},\"data\":[…]}");
  const auto* imp = body ? body->if_contains("import") : nullptr;
  const auto* data = body ? body->if_contains("data") : nullptr;
  if (!imp || !imp->is_object() || !data || !data->is_array())
    return api_reply::fail(make_api_error(error_code::invalid_body,
                                          "The body must be {\"import\":{…},\"data\":[…]}", ""));
  auto mapped = import_plan::map_only(*imp, data->get_array());
  if (!mapped)
    return api_reply::fail(make_api_error(error_code::invalid_mapping, mapped.error().message, "import"));
  return api_reply::json(api_status::ok, json::serialize(*mapped));
}

}  // namespace integrator
