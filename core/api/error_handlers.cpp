#include "core/api/error_handlers.hpp"
#include "core/json/json_depth.hpp"

#include <boost/json.hpp>

#include "core/api/job_handlers.hpp"
#include "core/api/request_body.hpp"
#include "core/engine/error_store.hpp"
#include "core/json/json_path.hpp"
#include "core/resources/key_codec.hpp"
#include "core/util/decimal.hpp"
#include "core/util/iso_time.hpp"

namespace integrator {

namespace json = boost::json;

namespace {

api_reply bad_query(std::string message) {
  return api_reply::fail(make_api_error(error_code::invalid_query, std::move(message), ""));
}

// A step's errors, open or (`only_resolved`, or resolved=true) resolved.
api_reply step_errors(account_context& ctx, const principal& who, const api_call& call,
                      bool only_resolved) {
  if (auto no = refuse_jobs(who, "read jobs"))
    return *no;
  if (!ctx.resources.load(resource_kind::flow, who.account_id, call.id))
    return no_such(resource_kind::flow);
  std::int64_t gte = -1, lte = -1;
  std::string source;
  bool resolved = only_resolved;  // errors are the open ones unless asked
  std::size_t limit = 1000;
  for (const auto& [k, v] : call.query) {
    if (k == "occurredAt_gte" || k == "occurredAt_lte") {
      auto t = parse_iso_ms(v);
      if (!t)
        return bad_query("Invalid date for " + k);
      (k == "occurredAt_gte" ? gte : lte) = *t;
    } else if (k == "source") {
      source = v;
    } else if (k == "resolved") {
      if (v != "true" && v != "false")
        return bad_query("resolved must be true or false");
      resolved = v == "true";
    } else if (k == "limit") {
      std::uint64_t n = 0;
      if (!parse_decimal(v, n, 6))
        return bad_query("Invalid limit");
      limit = std::min<std::size_t>(static_cast<std::size_t>(n), 1000);
    } else {
      return bad_query("Unknown query parameter " + k);
    }
  }
  json::array out;
  ctx.store().scan(keys::job_errors_space, who.account_id, [&](std::string_view, std::string_view value) {
    boost::system::error_code ec;
    auto e = parse_json(value, ec);
    if (ec || !e.is_object())
      return true;
    const auto& o = e.get_object();
    if (string_member(o, "_flowId") != call.id || string_member(o, "_stepId") != call.sub_id)
      return true;
    if (!source.empty() && string_member(o, "source") != source)
      return true;
    auto r = o.find("resolved");
    if ((r != o.end() && r->value() == true) != resolved)
      return true;
    auto at = parse_iso_ms(string_member(o, "occurredAt")).value_or(0);
    if ((gte >= 0 && at < gte) || (lte >= 0 && at > lte))
      return true;
    out.push_back(std::move(e));
    return out.size() < limit;
  });
  json::object body;
  body["errors"] = std::move(out);
  return api_reply::json(api_status::ok, json::serialize(body));
}

}  // namespace

api_reply list_step_errors(account_context& ctx, const principal& who, const api_call& call,
                           std::int64_t) {
  return step_errors(ctx, who, call, false);
}

api_reply list_resolved_step_errors(account_context& ctx, const principal& who,
                                    const api_call& call, std::int64_t) {
  return step_errors(ctx, who, call, true);
}

api_reply resolve_step_errors(account_context& ctx, const principal& who, const api_call& call,
                              std::int64_t now_ms) {
  if (auto no = refuse_jobs(who, "read jobs"))
    return *no;
  if (!ctx.resources.load(resource_kind::flow, who.account_id, call.id))
    return no_such(resource_kind::flow);
  auto invalid = api_reply::fail(make_api_error(error_code::invalid_body,
                                                "The body must be {\"errors\":[errorId, …]}", ""));
  auto body = object_body(call.body, "{\"errors\":[errorId, …]}");
  if (!body)
    return invalid;
  auto ids = string_set(*body, "errors");
  if (!ids || !*ids)
    return invalid;
  error_store(ctx.store()).resolve_step(who.account_id, call.id, call.sub_id, **ids, now_ms);
  return api_reply::json(api_status::no_content, "");
}

api_reply resolve_job_errors(account_context& ctx, const principal& who, const api_call& call,
                             std::int64_t now_ms) {
  if (auto no = refuse_jobs(who, "read jobs"))
    return *no;
  auto done = error_store(ctx.store()).resolve_job(who.account_id, call.id, call.sub_id, now_ms);
  if (!done)
    return api_reply::fail(done.error());
  return api_reply::json(api_status::no_content, "");
}

}  // namespace integrator
