#pragma once
// One account's API handlers over a fresh real store: calls run as the
// shard runs them (core/api/operations.hpp), as a full-access caller of
// account `acc_a` unless told otherwise.

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "core/api/operations.hpp"
#include "tests/support/store_context.hpp"

namespace integrator::test {

inline const std::string acc_a = "5a0c3d0b8e4f2a1b3c4d5e6f";
inline const std::string other = "5a0c3d0b8e4f2a1b3c4d5e70";
inline constexpr std::int64_t now = 1700000000000;

struct account_fixture : store_context {
  static principal caller(const std::string& account = acc_a) {
    principal who;
    who.account_id = account;
    return who;
  }

  api_reply handle(const std::string& account, const api_call& c) {
    return run_store_operation(ctx, caller(account), c, now);
  }

  api_reply call(api_op op, resource_kind kind, std::string id = {}, std::string body = {},
                 query_params q = {}, const std::string& account = acc_a) {
    api_call c;
    c.op = op;
    c.kind = kind;
    c.id = std::move(id);
    c.body = std::move(body);
    c.query = std::move(q);
    return handle(account, c);
  }

  std::string create(resource_kind kind, const std::string& body) {
    auto r = call(api_op::create, kind, {}, body);
    BOOST_REQUIRE_MESSAGE(r.status == api_status::created, r.error.message);
    return std::string(boost::json::parse(r.body).at("_id").as_string());
  }

  std::string connection() {
    return create(resource_kind::connection,
                  R"({"type":"http","name":"C","http":{"baseURI":"https://x","auth":{"type":"basic","basic":{"username":"u","password":"hunter2"}}}})");
  }
};

inline boost::json::value body_of(const api_reply& r) {
  return boost::json::parse(r.body);
}

}  // namespace integrator::test
