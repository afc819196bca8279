#include "core/api/license_handlers.hpp"
#include "core/json/json_depth.hpp"

#include <boost/json.hpp>

#include "core/api/document_rules.hpp"
#include "core/api/request_body.hpp"
#include "core/api/resource_handlers.hpp"
#include "core/json/json_path.hpp"
#include "core/resources/key_codec.hpp"

namespace integrator {

namespace json = boost::json;

namespace {

constexpr auto lic = resource_kind::license;

// The license call.sub_id of connector call.id, when both exist and the
// caller sees the connector; else the 404 to answer.
result<std::optional<json::value>> find_license(account_context& ctx, const principal& who,
                                                const api_call& call) {
  if (!ctx.resources.load_visible(resource_kind::connector, who.account_id, who.scope, call.id))
    return no_such(resource_kind::connector).error;
  if (call.sub_id.empty())
    return std::optional<json::value>();
  auto doc = ctx.resources.load(lic, who.account_id, call.sub_id);
  if (!doc || !doc->is_object() || string_member(doc->get_object(), "_connectorId") != call.id)
    return no_such(lic).error;
  return doc;
}

// The licensee must be a known user: an account with that email.
bool user_exists(account_context& ctx, const std::string& email) {
  bool found = false;
  auto wanted = keys::fold_case(email);
  ctx.store().scan(keys::accounts_space, "", [&](std::string_view, std::string_view value) {
    boost::system::error_code ec;
    auto acc = parse_json(value, ec);
    found = !ec && acc.is_object() && keys::fold_case(string_member(acc.get_object(), "email")) == wanted;
    return !found;
  });
  return found;
}

// POST and PUT: the body, checked, becomes the stored license.
api_reply write_license(account_context& ctx, const principal& who, const api_call& call,
                        std::int64_t now_ms, bool creating) {
  auto body = parse_body(call.body);
  if (!body)
    return api_reply::fail(body.error());
  auto found = find_license(ctx, who, call);
  if (!found)
    return api_reply::fail(found.error());
  const auto& old = *found;
  auto& doc = *body;
  auto email = doc.is_object() ? string_member(doc.get_object(), "email") : std::string();
  if (auto e = prepare_document(lic, doc, ctx.validation))
    return api_reply::fail(e);
  auto& obj = doc.get_object();
  obj.erase("email");
  obj["_connectorId"] = call.id;
  if (creating || !email.empty()) {
    if (email.empty())
      return api_reply::fail(make_api_error(error_code::missing_required_field,
                                            "Missing required field: email", "email"));
    if (!user_exists(ctx, email))
      return api_reply::fail(make_api_error(error_code::invalid_user,
                                            "No user with email " + email, "email"));
    obj["user"] = json::object{{"email", email}};
  } else {
    keep_server_fields(lic, *old, obj);
  }
  auto id = creating ? ctx.ids.next(static_cast<std::uint32_t>(now_ms / 1000)) : call.sub_id;
  stamp(lic, obj, id, creating ? now_ms : created_of(*old, lic), now_ms);
  write_batch b;
  b.put(keys::space_of(lic), keys::resource(who.account_id, id), json::serialize(doc));
  ctx.store().write(b);
  return api_reply::json(creating ? api_status::created : api_status::ok, json::serialize(doc));
}

}  // namespace

api_reply list_licenses(account_context& ctx, const principal& who, const api_call& call,
                        std::int64_t) {
  auto found = find_license(ctx, who, call);
  if (!found)
    return api_reply::fail(found.error());
  return list_of(ctx, who, lic, call.query, {{"_connectorId", call.id}});
}

api_reply get_license(account_context& ctx, const principal& who, const api_call& call,
                      std::int64_t) {
  auto found = find_license(ctx, who, call);
  if (!found)
    return api_reply::fail(found.error());
  return api_reply::json(api_status::ok, json::serialize(**found));
}

api_reply create_license(account_context& ctx, const principal& who, const api_call& call,
                         std::int64_t now_ms) {
  return write_license(ctx, who, call, now_ms, true);
}

api_reply replace_license(account_context& ctx, const principal& who, const api_call& call,
                          std::int64_t now_ms) {
  return write_license(ctx, who, call, now_ms, false);
}

api_reply remove_license(account_context& ctx, const principal& who, const api_call& call,
                         std::int64_t) {
  auto found = find_license(ctx, who, call);
  if (!found)
    return api_reply::fail(found.error());
  write_batch b;
  b.erase(keys::space_of(lic), keys::resource(who.account_id, call.sub_id));
  ctx.store().write(b);
  return api_reply::json(api_status::no_content, "");
}

}  // namespace integrator
