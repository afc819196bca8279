#include "tests/integration/fixture.hpp"

using namespace integrator::test;

BOOST_FIXTURE_TEST_SUITE(operator_api, api_fixture)

BOOST_AUTO_TEST_CASE(needs_the_operator_token) {
  BOOST_TEST(as(token, "GET", "/admin/v1/accounts").status == 401u);
  BOOST_TEST(client.request("GET", "/admin/v1/accounts").status == 401u);
  BOOST_TEST(admin("GET", "/accounts").status == 200u);
}

BOOST_AUTO_TEST_CASE(accounts_and_tokens) {
  auto r = admin("POST", "/accounts", R"({"name":"Acme","email":"ops@acme.test"})");
  BOOST_TEST(r.status == 201u);
  auto acc = r.json();
  auto id = std::string(acc.at("_id").as_string());
  BOOST_TEST(acc.at("token").as_string().size() == 32u);
  BOOST_TEST(admin("POST", "/accounts", R"({"name":"Dup","email":"ops@acme.test"})").status == 422u);
  BOOST_TEST(admin("POST", "/accounts", R"({"name":"NoMail"})").status == 422u);
  BOOST_TEST(admin("POST", "/accounts", "{oops").status == 400u);
  auto list = admin("GET", "/accounts");
  BOOST_TEST(list.json().as_array().size() == 2u);
  BOOST_TEST(list.body.find("\"token\"") == std::string::npos);
  auto t = admin("POST", "/accounts/" + id + "/tokens", R"({"scope":"full","autoPurge":"1d"})");
  BOOST_TEST(t.status == 201u);
  auto plain = std::string(t.json().at("token").as_string());
  BOOST_TEST(as(plain, "GET", "/v1/tokenInfo").json().at("email").as_string() == "ops@acme.test");
  BOOST_TEST(admin("GET", "/accounts/" + id + "/tokens").json().as_array().size() == 2u);
  BOOST_TEST(admin("POST", "/accounts/5a0c3d0b8e4f2a1b3c4d5e6f/tokens", "{}").status == 404u);
  BOOST_TEST(admin("DELETE", "/tokens/5a0c3d0b8e4f2a1b3c4d5e6f").status == 404u);
  BOOST_TEST(admin("POST", "/accounts/" + id + "/tokens", R"({"autoPurge":"5m"})").status == 422u);
}

BOOST_AUTO_TEST_SUITE_END()
