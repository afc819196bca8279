#include "tests/integration/fixture.hpp"

using namespace integrator::test;

BOOST_FIXTURE_TEST_SUITE(account_isolation, api_fixture)

BOOST_AUTO_TEST_CASE(accounts_cannot_see_each_others_resources) {
  auto other = new_account("other");
  auto conn = http_connection();
  auto script = create("scripts", R"({"name":"mine"})");
  BOOST_TEST(as(other, "GET", "/v1/connections/" + conn).status == 404u);
  BOOST_TEST(as(other, "GET", "/v1/connections").json().as_array().empty());
  BOOST_TEST(as(other, "GET", "/v1/scripts").json().as_array().empty());
  BOOST_TEST(as(other, "PUT", "/v1/scripts/" + script, R"({"name":"stolen"})").status == 404u);
  BOOST_TEST(as(other, "DELETE", "/v1/scripts/" + script).status == 404u);
  BOOST_TEST(as(other, "PATCH", "/v1/scripts/" + script, R"([{"op":"replace","path":"/name","value":"x"}])").status == 404u);
  // A reference into another account is invalid.
  auto r = as(other, "POST", "/v1/exports",
              R"({"adaptorType":"HTTPExport","_connectionId":")" + conn + "\"}");
  BOOST_TEST(r.status == 422u);
  BOOST_TEST(r.body.find("Invalid reference: _connectionId") != std::string::npos);
  // State is per account too.
  api("PUT", "/v1/state/k", "1");
  BOOST_TEST(as(other, "GET", "/v1/state/k").status == 404u);
  BOOST_TEST(api("GET", "/v1/scripts/" + script).json().at("name").as_string() == "mine");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(custom_scope, api_fixture)

BOOST_AUTO_TEST_CASE(custom_token_reaches_only_its_resources) {
  std::string account_id = std::string(api("GET", "/v1/tokenInfo").json().at("_userId").as_string());
  auto c1 = http_connection();
  auto c2 = http_connection();
  auto integ = create("integrations", R"({"name":"I"})");
  auto inside = create("exports", R"({"name":"in","_connectionId":")" + c2 + R"(","_integrationId":")"
                                    + integ + R"(","adaptorType":"HTTPExport"})");
  auto outside = create("exports", R"({"name":"out","_connectionId":")" + c2 + R"(","adaptorType":"HTTPExport"})");
  auto r = admin("POST", "/accounts/" + account_id + "/tokens",
                 R"({"scope":"custom","_connectionIds":[")" + c1 + R"("],"_integrationIds":[")" + integ
                   + R"("],"autoPurge":"never"})");
  BOOST_TEST_REQUIRE(r.status == 201u);
  auto custom = std::string(r.json().at("token").as_string());
  BOOST_TEST(as(custom, "GET", "/v1/tokenInfo").json().at("scope").as_string() == "custom");
  BOOST_TEST(as(custom, "GET", "/v1/connections/" + c1).status == 200u);
  BOOST_TEST(as(custom, "GET", "/v1/connections/" + c2).status == 404u);
  BOOST_TEST(as(custom, "GET", "/v1/connections").json().as_array().size() == 1u);
  BOOST_TEST(as(custom, "GET", "/v1/integrations/" + integ).status == 200u);
  BOOST_TEST(as(custom, "GET", "/v1/exports/" + inside).status == 200u);
  BOOST_TEST(as(custom, "GET", "/v1/exports/" + outside).status == 404u);
  BOOST_TEST(as(custom, "GET", "/v1/exports").json().as_array().size() == 1u);
  BOOST_TEST(as(custom, "GET", "/v1/scripts").json().as_array().empty());
  BOOST_TEST(as(custom, "GET", "/v1/state").status == 404u);
  BOOST_TEST(as(custom, "DELETE", "/v1/exports/" + outside).status == 404u);
  BOOST_TEST(api("GET", "/v1/exports/" + outside).status == 200u);
}

BOOST_AUTO_TEST_SUITE_END()
