#include "core/api/state_handlers.hpp"
#include "core/json/json_depth.hpp"

#include <boost/json.hpp>

#include "core/api/request_body.hpp"
#include "core/resources/key_codec.hpp"

namespace integrator {

namespace json = boost::json;

namespace {

// The key prefix of the call's state: the resource's, or the account's;
// else the 404 to answer.
result<std::string> state_prefix(account_context& ctx, const principal& who, const api_call& call) {
  if (call.scoped) {
    if (!ctx.resources.load_visible(call.kind, who.account_id, who.scope, call.id))
      return no_such(call.kind).error;
    return keys::resource_state_prefix(who.account_id, call.kind, call.id);
  }
  if (!who.scope.account_wide())
    return make_api_error(error_code::not_found, "No such endpoint");
  return keys::global_state_prefix(who.account_id);
}

api_reply text(api_status s, const char* body) {
  api_reply r = api_reply::json(s, body);
  r.text = true;
  return r;
}

api_reply no_key(const api_call& call) {
  return api_reply::fail(make_api_error(error_code::not_found, "No state with key " + call.sub_id));
}

// Resource state answers "OK" in text; the account's answers 204.
api_reply done(const api_call& call) {
  return call.scoped ? text(api_status::ok, "OK") : api_reply::json(api_status::no_content, "");
}

}  // namespace

api_reply list_state_keys(account_context& ctx, const principal& who, const api_call& call,
                          std::int64_t) {
  auto prefix = state_prefix(ctx, who, call);
  if (!prefix)
    return api_reply::fail(prefix.error());
  json::array names;
  ctx.store().scan(keys::state_space, *prefix, [&](std::string_view k, std::string_view) {
    names.emplace_back(k.substr(prefix->size()));
    return true;
  });
  return api_reply::json(api_status::ok, json::serialize(json::object{{"keys", names}}));
}

api_reply get_state(account_context& ctx, const principal& who, const api_call& call,
                    std::int64_t) {
  auto prefix = state_prefix(ctx, who, call);
  if (!prefix)
    return api_reply::fail(prefix.error());
  auto v = ctx.store().get(keys::state_space, *prefix + call.sub_id);
  return v ? api_reply::json(api_status::ok, std::move(*v)) : no_key(call);
}

api_reply put_state(account_context& ctx, const principal& who, const api_call& call,
                    std::int64_t) {
  // Any JSON value; unlike a resource, an empty body is not one.
  boost::system::error_code ec;
  auto v = parse_json(call.body, ec);
  if (ec)
    return api_reply::fail(make_api_error(error_code::invalid_json,
                                          "Malformed JSON in request body: " + ec.message(), ""));
  auto prefix = state_prefix(ctx, who, call);
  if (!prefix)
    return api_reply::fail(prefix.error());
  auto key = *prefix + call.sub_id;
  bool existed = ctx.store().get(keys::state_space, key).has_value();
  write_batch b;
  b.put(keys::state_space, key, json::serialize(v));
  ctx.store().write(b);
  if (call.scoped && !existed)
    return text(api_status::created, "Created");
  return text(api_status::ok, "OK");
}

api_reply remove_state(account_context& ctx, const principal& who, const api_call& call,
                       std::int64_t) {
  auto prefix = state_prefix(ctx, who, call);
  if (!prefix)
    return api_reply::fail(prefix.error());
  auto key = *prefix + call.sub_id;
  if (!ctx.store().get(keys::state_space, key))
    return no_key(call);
  write_batch b;
  b.erase(keys::state_space, key);
  ctx.store().write(b);
  return done(call);
}

api_reply clear_state(account_context& ctx, const principal& who, const api_call& call,
                      std::int64_t) {
  auto prefix = state_prefix(ctx, who, call);
  if (!prefix)
    return api_reply::fail(prefix.error());
  write_batch b;
  ctx.store().scan(keys::state_space, *prefix, [&](std::string_view k, std::string_view) {
    b.erase(keys::state_space, std::string(k));
    return true;
  });
  if (!b.empty())
    ctx.store().write(b);
  return done(call);
}

}  // namespace integrator
