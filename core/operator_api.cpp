#include "core/operator_api.hpp"

#include <boost/json.hpp>

namespace integrator {

operator_plan plan_operator_call(account_book& book, const bucket_limits& defaults,
                                 const api_call& call, std::int64_t now) {
  operator_plan plan;
  auto fail = [&](api_error e) {
    plan.reply = api_reply::fail(std::move(e));
    plan.batch = {};
    return plan;
  };
  boost::json::value body;
  if (call.op == api_op::admin_account_create || call.op == api_op::admin_token_create
      || call.op == api_op::admin_rate_limit_put) {
    boost::system::error_code ec;
    body = boost::json::parse(call.body.empty() ? "{}" : call.body, ec);
    if (ec)
      return fail(make_api_error(errc::invalid_json, "invalid_json",
                                 "Malformed JSON in request body: " + ec.message(), ""));
  }
  std::string out;
  switch (call.op) {
    case api_op::admin_account_list:
      plan.reply = api_reply::json(api_status::ok, book.accounts_json());
      return plan;
    case api_op::admin_account_create: {
      std::string id;
      if (auto e = book.create_account(body, now, plan.batch, out, id))
        return fail(e);
      plan.reply = api_reply::json(api_status::created, out);
      return plan;
    }
    case api_op::admin_token_list:
      if (auto e = book.tokens_json(call.id, out))
        return fail(e);
      plan.reply = api_reply::json(api_status::ok, out);
      return plan;
    case api_op::admin_token_create:
      if (auto e = book.create_token(call.id, body, now, plan.batch, out))
        return fail(e);
      plan.reply = api_reply::json(api_status::created, out);
      return plan;
    case api_op::admin_token_revoke:
      if (auto e = book.revoke_token(call.id, plan.batch))
        return fail(e);
      plan.reply = api_reply::json(api_status::no_content, "");
      return plan;
    case api_op::admin_rate_limit_get: {
      const auto* acc = book.find_account(call.id);
      if (!acc)
        return fail(make_api_error(errc::not_found, "No account with that id"));
      auto limits = acc->rate_limit.value_or(defaults);
      boost::json::object o{{"bucketSize", limits.capacity}, {"fillRate", limits.fill_rate},
                            {"default", !acc->rate_limit.has_value()}};
      plan.reply = api_reply::json(api_status::ok, boost::json::serialize(o));
      return plan;
    }
    case api_op::admin_rate_limit_put: {
      bucket_limits limits;
      if (auto e = book.set_rate_limit(call.id, body, plan.batch, limits))
        return fail(e);
      plan.limits = limits;
      boost::json::object o{{"bucketSize", limits.capacity}, {"fillRate", limits.fill_rate}};
      plan.reply = api_reply::json(api_status::ok, boost::json::serialize(o));
      return plan;
    }
    default:
      return fail(make_api_error(errc::not_found, "No such endpoint"));
  }
}

}  // namespace integrator
