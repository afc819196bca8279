#include "core/api/one_time_tokens.hpp"

#include "core/util/secret_box.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

using namespace integrator;
namespace json = boost::json;

BOOST_AUTO_TEST_SUITE(one_time_tokens_test)

// Works like an API token while the call runs; not after it returned, nor
// after 15 minutes.
BOOST_AUTO_TEST_CASE(a_token_works_until_its_call_returns_or_fifteen_minutes_pass) {
  init_crypto();
  one_time_tokens tokens;
  std::int64_t now = 1'000'000;
  auto returned = tokens.mint("a1", "me@example.com", "", now);
  auto forgotten = tokens.mint("a1", "me@example.com", "", now);
  BOOST_TEST(returned != forgotten);
  auto who = tokens.authenticate(returned, now + 1000);
  BOOST_REQUIRE(who);
  BOOST_TEST(who->account_id == "a1");
  BOOST_TEST(who->email == "me@example.com");
  BOOST_TEST(who->token_id.find(returned) == std::string::npos);  // never the token itself
  tokens.revoke(returned);
  BOOST_TEST(!tokens.authenticate(returned, now + 1001));
  BOOST_TEST(tokens.authenticate(forgotten, now + one_time_tokens::lifetime_ms - 1).has_value());
  BOOST_TEST(!tokens.authenticate(forgotten, now + one_time_tokens::lifetime_ms));
  BOOST_TEST(tokens.size() == 1u);
  BOOST_TEST(tokens.purge(now + one_time_tokens::lifetime_ms) == 1u);
  BOOST_TEST(tokens.size() == 0u);
  BOOST_TEST(!tokens.authenticate("not-a-token", now));
}

// A hook's token may only invoke the account's exports and imports; a
// connector's reaches only that connector's resources.
BOOST_AUTO_TEST_CASE(each_token_reaches_what_its_code_may) {
  init_crypto();
  one_time_tokens tokens;
  auto hook = tokens.authenticate(tokens.mint("a1", "", "", 0), 1);
  BOOST_REQUIRE(hook);
  json::value plain = json::object{};
  BOOST_TEST(!hook->scope.full);
  BOOST_TEST(hook->scope.invoke_only);
  BOOST_TEST(hook->scope.permits(resource_kind::export_, "e1", plain));
  BOOST_TEST(hook->scope.permits(resource_kind::import_, "i1", plain));
  // Flows it may run and connections it may send requests through (the
  // calls it may make are one_time_tokens::may's to say).
  BOOST_TEST(hook->scope.permits(resource_kind::connection, "c1", plain));
  BOOST_TEST(hook->scope.permits(resource_kind::flow, "f1", plain));
  BOOST_TEST(!hook->scope.permits(resource_kind::script, "s1", plain));
  BOOST_TEST(!hook->scope.permits(resource_kind::integration, "n1", plain));
  BOOST_TEST(!hook->scope.account_wide());

  auto connector = tokens.authenticate(tokens.mint("a1", "", "k7", 0), 1);
  BOOST_REQUIRE(connector);
  BOOST_TEST(!connector->scope.invoke_only);
  json::value mine = json::object{{"_connectorId", "k7"}};
  json::value theirs = json::object{{"_connectorId", "k8"}};
  for (auto kind : {resource_kind::connection, resource_kind::flow, resource_kind::integration, resource_kind::export_}) {
    BOOST_TEST(connector->scope.permits(kind, "x", mine));
    BOOST_TEST(!connector->scope.permits(kind, "x", theirs));
    BOOST_TEST(!connector->scope.permits(kind, "x", plain));
  }
}

// The route rule: a hook's token passes only to the invoke routes (and
// tokenInfo); a connector's token and API tokens are judged by scope.
BOOST_AUTO_TEST_CASE(an_invoke_only_token_passes_only_to_the_invoke_routes) {
  principal hook;
  hook.scope.full = false;
  hook.scope.invoke_only = true;
  for (auto op : {api_op::export_invoke, api_op::import_invoke, api_op::api_identifier_invoke, api_op::flow_run,
                  api_op::connection_proxy, api_op::token_info})
    BOOST_TEST(one_time_tokens::may(hook, op));
  for (auto op : {api_op::list, api_op::get, api_op::create, api_op::replace, api_op::remove})
    BOOST_TEST(!one_time_tokens::may(hook, op));
  principal connector;
  connector.scope.full = false;
  connector.scope.connector_id = "k7";
  BOOST_TEST(one_time_tokens::may(connector, api_op::list));
  BOOST_TEST(one_time_tokens::may(principal{}, api_op::create));
}

BOOST_AUTO_TEST_SUITE_END()
