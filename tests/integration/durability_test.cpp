#include "tests/integration/fixture.hpp"

using namespace integrator::test;

BOOST_FIXTURE_TEST_SUITE(durability, api_fixture)

BOOST_AUTO_TEST_CASE(restart_keeps_everything) {
  auto conn = http_connection();
  auto script = create("scripts", R"({"name":"kept"})");
  api("PUT", "/v1/state/k", R"("v")");
  std::string other_id;
  auto other = new_account("second", &other_id);
  BOOST_TEST(server.stop() == 0);
  server.start();
  http_client fresh(server.host(), server.port());
  auto auth = std::map<std::string, std::string>{{"Authorization", "Bearer " + token}};
  BOOST_TEST(fresh.request("GET", "/v1/connections/" + conn, {}, auth).status == 200u);
  BOOST_TEST(fresh.request("GET", "/v1/scripts/" + script, {}, auth).json().at("name").as_string() == "kept");
  BOOST_TEST(fresh.request("GET", "/v1/state/k", {}, auth).body == R"("v")");
  BOOST_TEST(fresh.request("GET", "/v1/tokenInfo", {}, {{"Authorization", "Bearer " + other}}).status == 200u);
  // The same token files are reused, not regenerated.
  BOOST_TEST(server.initial_token() == token);
}

BOOST_AUTO_TEST_CASE(kill_9_right_after_a_201_keeps_the_resource) {
  auto id = create("scripts", R"({"name":"acknowledged"})");
  server.kill9();
  server.start();
  http_client fresh(server.host(), server.port());
  auto r = fresh.request("GET", "/v1/scripts/" + id, {}, {{"Authorization", "Bearer " + token}});
  BOOST_TEST(r.status == 200u);
  BOOST_TEST(r.json().at("name").as_string() == "acknowledged");
}

BOOST_AUTO_TEST_CASE(revoked_token_fails_on_the_very_next_request) {
  std::string id;
  auto t = new_account("revokee", &id);
  BOOST_TEST(as(t, "GET", "/v1/tokenInfo").status == 200u);
  auto tokens = admin("GET", "/accounts/" + id + "/tokens").json().as_array();
  BOOST_TEST_REQUIRE(tokens.size() == 1u);
  BOOST_TEST(!tokens[0].as_object().contains("token"));
  auto token_id = std::string(tokens[0].at("_id").as_string());
  BOOST_TEST(admin("DELETE", "/tokens/" + token_id).status == 204u);
  auto r = as(t, "GET", "/v1/tokenInfo");
  BOOST_TEST(r.status == 401u);
  BOOST_TEST(r.error_code() == "unauthorized");
}

BOOST_AUTO_TEST_SUITE_END()
