#include "core/api/operator_api.hpp"

#include <boost/json.hpp>

#include "core/api/operations.hpp"
#include "core/api/request_body.hpp"

namespace integrator {

namespace {

operator_plan answer(api_status status, std::string body, write_batch batch = {}) {
  operator_plan plan;
  plan.reply = api_reply::json(status, std::move(body));
  plan.batch = std::move(batch);
  return plan;
}

operator_plan refuse(api_error e) {
  operator_plan plan;
  plan.reply = api_reply::fail(std::move(e));
  return plan;
}

std::string limits_json(const bucket_limits& limits) {
  return boost::json::serialize(
    boost::json::object{{"bucketSize", limits.capacity}, {"fillRate", limits.fill_rate}});
}

}  // namespace

operator_plan list_accounts(account_book& book, const bucket_limits&, const api_call&, std::int64_t) {
  return answer(api_status::ok, book.accounts_json());
}

operator_plan create_account(account_book& book, const bucket_limits&, const api_call& call,
                             std::int64_t now_ms) {
  auto body = parse_body(call.body);
  if (!body)
    return refuse(body.error());
  write_batch b;
  std::string out, id;
  if (auto e = book.create_account(*body, now_ms, b, out, id))
    return refuse(e);
  return answer(api_status::created, out, std::move(b));
}

operator_plan list_tokens(account_book& book, const bucket_limits&, const api_call& call,
                          std::int64_t) {
  std::string out;
  if (auto e = book.tokens_json(call.id, out))
    return refuse(e);
  return answer(api_status::ok, out);
}

operator_plan create_token(account_book& book, const bucket_limits&, const api_call& call,
                           std::int64_t now_ms) {
  auto body = parse_body(call.body);
  if (!body)
    return refuse(body.error());
  write_batch b;
  std::string out;
  if (auto e = book.create_token(call.id, *body, now_ms, b, out))
    return refuse(e);
  return answer(api_status::created, out, std::move(b));
}

operator_plan revoke_token(account_book& book, const bucket_limits&, const api_call& call,
                           std::int64_t) {
  write_batch b;
  if (auto e = book.revoke_token(call.id, b))
    return refuse(e);
  return answer(api_status::no_content, "", std::move(b));
}

operator_plan cluster_nodes_alone(account_book&, const bucket_limits&, const api_call&, std::int64_t) {
  return answer(api_status::ok, R"({"self":"","nodes":[]})");
}

operator_plan cluster_leases_alone(account_book&, const bucket_limits&, const api_call&, std::int64_t) {
  return answer(api_status::ok, R"({"leases":[]})");
}

operator_plan get_rate_limit(account_book& book, const bucket_limits& defaults,
                             const api_call& call, std::int64_t) {
  const auto* acc = book.find_account(call.id);
  if (!acc)
    return refuse(make_api_error(error_code::not_found, "No account with that id"));
  auto limits = acc->rate_limit.value_or(defaults);
  boost::json::object o{{"bucketSize", limits.capacity}, {"fillRate", limits.fill_rate},
                        {"default", !acc->rate_limit.has_value()}};
  return answer(api_status::ok, boost::json::serialize(o));
}

operator_plan put_rate_limit(account_book& book, const bucket_limits&, const api_call& call,
                             std::int64_t) {
  auto body = parse_body(call.body);
  if (!body)
    return refuse(body.error());
  write_batch b;
  bucket_limits limits;
  if (auto e = book.set_rate_limit(call.id, *body, b, limits))
    return refuse(e);
  auto plan = answer(api_status::ok, limits_json(limits), std::move(b));
  plan.limits = limits;
  return plan;
}

operator_plan plan_operator_call(account_book& book, const bucket_limits& defaults,
                                 const api_call& call, std::int64_t now_ms) {
  const auto& op = operation_of(call.op);
  if (!op.on_operator)
    return refuse(make_api_error(error_code::not_found, "No such endpoint"));
  return op.on_operator(book, defaults, call, now_ms);
}

}  // namespace integrator
