#include "core/api/operator_api.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

using namespace integrator;
namespace json = boost::json;

namespace {

constexpr std::int64_t now = 1700000000000;

api_call call_of(api_op op, std::string id = {}, std::string body = {}) {
  api_call c;
  c.op = op;
  c.id = std::move(id);
  c.body = std::move(body);
  return c;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(operator_api_test)

BOOST_AUTO_TEST_CASE(writes_are_planned_and_answered_after_commit) {
  account_book book(object_id_generator({1, 2, 3, 4, 5}, 0));
  auto plan = plan_operator_call(book, {}, call_of(api_op::admin_account_create, {},
                                                   R"({"name":"A","email":"a@x.io"})"),
                                 now);
  BOOST_TEST((plan.reply.status == api_status::created));
  BOOST_TEST(!plan.batch.empty());
  // Nothing is in memory until the owner commits the durable batch.
  BOOST_TEST(json::parse(book.accounts_json()).as_array().empty());
  book.commit(plan.batch);
  auto id = std::string(json::parse(plan.reply.body).at("_id").as_string());
  auto limits = plan_operator_call(book, {100, 30}, call_of(api_op::admin_rate_limit_get, id), now);
  BOOST_TEST(limits.batch.empty());
  BOOST_TEST(json::parse(limits.reply.body).at("bucketSize").to_number<double>() == 100);
  auto put = plan_operator_call(book, {}, call_of(api_op::admin_rate_limit_put, id,
                                                  R"({"bucketSize":7,"fillRate":2})"),
                                now);
  BOOST_REQUIRE(put.limits);
  BOOST_TEST(put.limits->capacity == 7);
}

BOOST_AUTO_TEST_CASE(bad_input_is_answered_without_a_write) {
  account_book book(object_id_generator({1, 2, 3, 4, 5}, 0));
  auto bad = plan_operator_call(book, {}, call_of(api_op::admin_account_create, {}, "{nope"), now);
  BOOST_TEST((bad.reply.error.kind() == errc::invalid_json));
  BOOST_TEST(bad.batch.empty());
  auto missing = plan_operator_call(book, {}, call_of(api_op::admin_token_list,
                                                      "5a0c3d0b8e4f2a1b3c4d5e6f"), now);
  BOOST_TEST((missing.reply.error.kind() == errc::not_found));
}

BOOST_AUTO_TEST_SUITE_END()
