#include "tests/integration/fixture.hpp"

using namespace integrator::test;
namespace json = boost::json;

BOOST_FIXTURE_TEST_SUITE(api_crud, api_fixture)

BOOST_AUTO_TEST_CASE(token_info_names_the_account) {
  auto r = api("GET", "/v1/tokenInfo");
  BOOST_TEST(r.status == 200u);
  auto v = r.json();
  BOOST_TEST(v.at("_userId").as_string().size() == 24u);
  BOOST_TEST(v.at("scope").as_string() == "full");
  BOOST_TEST(v.at("email").as_string() == "admin@localhost");
}

BOOST_AUTO_TEST_CASE(full_lifecycle_of_a_flow_and_its_steps) {
  auto conn = http_connection();
  auto integ = create("integrations", R"({"name":"Sync"})");
  auto exp = create("exports", R"({"name":"Orders","_connectionId":")" + conn
                                 + R"(","_integrationId":")" + integ
                                 + R"(","adaptorType":"HTTPExport","http":{"method":"GET","relativeURI":"/orders"}})");
  auto imp = create("imports", R"({"name":"Sink","_connectionId":")" + conn
                                 + R"(","adaptorType":"HTTPImport","http":{"method":["POST"],"relativeURI":["/in"]}})");
  auto flow = create("flows", R"({"name":"F","_integrationId":")" + integ
                                + R"(","schedule":"? 0 2 ? * *","timezone":"America/New_York","pageGenerators":[{"_exportId":")"
                                + exp + R"("}],"pageProcessors":[{"type":"import","_importId":")" + imp + R"("}]})");
  auto got = api("GET", "/v1/flows/" + flow);
  BOOST_TEST(got.status == 200u);
  BOOST_TEST(got.json().at("createdAt").as_string().size() == 24u);
  auto e = api("GET", "/v1/exports/" + exp).json();
  BOOST_TEST(e.at("apiIdentifier").as_string().front() == 'e');
  auto flows = api("GET", "/v1/integrations/" + integ + "/flows");
  BOOST_TEST(flows.json().as_array().size() == 1u);
  // PUT replaces the whole document.
  auto put = api("PUT", "/v1/flows/" + flow, R"({"name":"F2","_integrationId":")" + integ + "\"}");
  BOOST_TEST(put.status == 200u);
  BOOST_TEST(!put.json().as_object().contains("schedule"));
  // PATCH only on allowed fields, 204.
  auto patch = api("PATCH", "/v1/flows/" + flow, R"([{"op":"replace","path":"/disabled","value":true}])");
  BOOST_TEST(patch.status == 204u);
  BOOST_TEST(api("GET", "/v1/flows/" + flow).json().at("disabled").as_bool());
  auto denied = api("PATCH", "/v1/flows/" + flow, R"([{"op":"replace","path":"/name2","value":1}])");
  BOOST_TEST(denied.status == 422u);
  // Deleting a referenced resource names the referrer.
  auto in_use = api("DELETE", "/v1/connections/" + conn);
  BOOST_TEST(in_use.status == 422u);
  BOOST_TEST(in_use.body.find("export") != std::string::npos);
  BOOST_TEST(api("DELETE", "/v1/flows/" + flow).status == 204u);
  BOOST_TEST(api("DELETE", "/v1/exports/" + exp).status == 204u);
  BOOST_TEST(api("DELETE", "/v1/imports/" + imp).status == 204u);
  BOOST_TEST(api("DELETE", "/v1/connections/" + conn).status == 204u);
  BOOST_TEST(api("GET", "/v1/connections/" + conn).status == 404u);
}

BOOST_AUTO_TEST_CASE(every_other_kind_has_crud) {
  struct row {
    const char* collection;
    const char* body;
    const char* replacement;
  };
  const row rows[] = {
    {"integrations", R"({"name":"I"})", R"({"name":"I2"})"},
    {"connectors", R"({"name":"C"})", R"({"name":"C2"})"},
    {"iClients", R"({"name":"oauth","provider":"shopify","oauth2":{"clientId":"id","clientSecret":"cs"}})",
     R"({"name":"oauth2","provider":"shopify"})"},
    {"scripts", R"({"name":"S","content":"function f(){}"})", R"({"name":"S2"})"},
    {"stacks", R"({"name":"St","type":"server","server":{"hostURI":"http://127.0.0.1:1","systemToken":"tok"}})",
     R"({"name":"St2","type":"lambda"})"},
    {"templates", R"({"name":"T"})", R"({"name":"T2"})"},
    {"asyncHelpers", R"({"name":"A"})", R"({"name":"A2"})"},
  };
  for (const auto& r : rows) {
    auto id = create(r.collection, r.body);
    std::string path = std::string("/v1/") + r.collection;
    BOOST_TEST(api("GET", path + "/" + id).status == 200u, r.collection);
    BOOST_TEST(api("GET", path).json().as_array().size() == 1u, r.collection);
    auto put = api("PUT", path + "/" + id, r.replacement);
    BOOST_TEST(put.status == 200u, r.collection << " " << put.body);
    BOOST_TEST(api("DELETE", path + "/" + id).status == 204u, r.collection);
    BOOST_TEST(api("GET", path + "/" + id).status == 404u, r.collection);
  }
}

BOOST_AUTO_TEST_CASE(connector_licenses) {
  std::string user_id;
  new_account("licensee", &user_id);
  auto connector = create("connectors", R"({"name":"App"})");
  auto base = "/v1/connectors/" + connector + "/licenses";
  auto unknown = api("POST", base, R"({"email":"nobody@example.com"})");
  BOOST_TEST(unknown.status == 422u);
  BOOST_TEST(unknown.error_code() == "invalid_user");
  auto lic = api("POST", base, R"({"email":"licensee@example.com","expires":"2030-01-01T00:00:00.000Z"})");
  BOOST_TEST(lic.status == 201u);
  BOOST_TEST(lic.json().at("user").at("email").as_string() == "licensee@example.com");
  auto id = std::string(lic.json().at("_id").as_string());
  BOOST_TEST(api("GET", base).json().as_array().size() == 1u);
  auto put = api("PUT", base + "/" + id, R"({"expires":"2031-01-01T00:00:00.000Z"})");
  BOOST_TEST(put.status == 200u);
  BOOST_TEST(put.json().at("user").at("email").as_string() == "licensee@example.com");
  BOOST_TEST(api("DELETE", base + "/" + id).status == 204u);
  BOOST_TEST(api("GET", base + "/" + id).status == 404u);
}

BOOST_AUTO_TEST_CASE(state_api_global_and_scoped) {
  auto put = api("PUT", "/v1/state/cursor", R"({"page":3})");
  BOOST_TEST(put.status == 200u);
  BOOST_TEST(put.body == "OK");
  BOOST_TEST(api("GET", "/v1/state/cursor").json().at("page").as_int64() == 3);
  BOOST_TEST(api("GET", "/v1/state").json().at("keys").as_array().size() == 1u);
  auto conn = http_connection();
  auto imp = create("imports", R"({"_connectionId":")" + conn + R"(","adaptorType":"HTTPImport"})");
  auto scoped = api("PUT", "/v1/imports/" + imp + "/state/seq", "41");
  BOOST_TEST(scoped.status == 201u);
  BOOST_TEST(scoped.body == "Created");
  BOOST_TEST(api("PUT", "/v1/imports/" + imp + "/state/seq", "42").body == "OK");
  BOOST_TEST(api("GET", "/v1/imports/" + imp + "/state/seq").body == "42");
  BOOST_TEST(api("GET", "/v1/state").json().at("keys").as_array().size() == 1u);  // scoped not listed
  BOOST_TEST(api("DELETE", "/v1/imports/" + imp + "/state/seq").status == 200u);
  BOOST_TEST(api("DELETE", "/v1/state/cursor").status == 204u);
  BOOST_TEST(api("GET", "/v1/state/cursor").status == 404u);
  BOOST_TEST(api("DELETE", "/v1/state").status == 204u);
}

BOOST_AUTO_TEST_CASE(lists_page_with_link_headers_and_project_fields) {
  for (int i = 0; i < 5; ++i)
    create("scripts", R"({"name":"s)" + std::to_string(i) + R"(","content":"x"})");
  auto first = api("GET", "/v1/scripts?limit=2");
  BOOST_TEST(first.json().as_array().size() == 2u);
  auto link = first.header("link");
  BOOST_TEST(link.find("rel=\"next\"") != std::string::npos);
  BOOST_TEST(link.find("skip=2") != std::string::npos);
  BOOST_TEST(link.find("limit=2") != std::string::npos);
  auto middle = api("GET", "/v1/scripts?limit=2&skip=2");
  BOOST_TEST(middle.header("link").find("rel=\"prev\"") != std::string::npos);
  auto last = api("GET", "/v1/scripts?limit=2&skip=4");
  BOOST_TEST(last.header("link").find("rel=\"next\"") == std::string::npos);
  auto all = api("GET", "/v1/scripts/").json().as_array();  // trailing slash
  BOOST_TEST(all.size() == 5u);
  BOOST_TEST(!all[0].as_object().contains("content"));  // left out of lists
  auto only = api("GET", "/v1/scripts?include=name").json().as_array();
  BOOST_TEST(only[0].as_object().size() == 2u);
  BOOST_TEST(api("GET", "/v1/scripts?include=name&exclude=content").error_code()
             == "invalid_query_params");
  BOOST_TEST(api("GET", "/v1/scripts?name=s3").json().as_array().size() == 1u);
}

BOOST_AUTO_TEST_CASE(clone_creates_a_copy) {
  auto conn = http_connection();
  auto exp = create("exports", R"({"name":"E","_connectionId":")" + conn + R"(","adaptorType":"HTTPExport"})");
  auto r = api("POST", "/v1/exports/" + exp + "/clone", R"({"name":"E copy"})");
  BOOST_TEST(r.status == 201u);
  BOOST_TEST(r.json().at("name").as_string() == "E copy");
  BOOST_TEST(r.json().at("_id").as_string() != exp);
  BOOST_TEST(api("POST", "/v1/connections/" + conn + "/clone").status == 404u);
}

BOOST_AUTO_TEST_CASE(validation_errors_name_the_field) {
  auto r = api("POST", "/v1/exports", R"({"adaptorType":"HTTPExport","_connectionId":"5a0c3d0b8e4f2a1b3c4d5e6f"})");
  BOOST_TEST(r.status == 422u);
  auto err = r.json().at("errors").at(0);
  BOOST_TEST(err.at("message").as_string() == "Invalid reference: _connectionId");
  BOOST_TEST(err.at("field").as_string() == "_connectionId");
  auto cron = api("POST", "/v1/flows", R"({"name":"f","schedule":"* * * * *"})");
  BOOST_TEST(cron.status == 422u);
  BOOST_TEST(cron.json().at("errors").at(0).at("field").as_string() == "schedule");
  auto both = api("POST", "/v1/flows", R"({"name":"f","pageProcessors":[],"routers":[]})");
  BOOST_TEST(both.body.find("\\\"pageProcessors\\\" is not allowed when \\\"routers\\\" is present")
             != std::string::npos);
  auto type = api("POST", "/v1/connections", R"({"type":"telepathy"})");
  BOOST_TEST(type.json().at("errors").at(0).at("field").as_string() == "type");
}

BOOST_AUTO_TEST_SUITE_END()
