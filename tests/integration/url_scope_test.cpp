// Issue 14 §1: a connection's credentials go only under its baseURI. A
// listener of the tenant's own (a second HTTP server) must receive nothing
// whatever a template says: the proxy, standalone exports and imports,
// flows' exports, imports and lookups, once flags and pings. A next-page
// link to another origin is followed without the credentials.
#include "tests/integration/flow_fixture.hpp"

using namespace integrator::test;
namespace json = boost::json;

namespace {

// A connection to the peer with a password the listener must never see.
const char* basic_auth = R"("auth":{"type":"basic","basic":{"username":"u","password":"hunter2"}})";

std::string code_of(const http_response& r) {
  auto errors = r.json().at("errors").as_array();
  return std::string(errors.at(0).at("code").as_string());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(url_scope)

BOOST_FIXTURE_TEST_CASE(the_proxy_and_standalone_calls_stay_under_the_base, flow_fixture) {
  test_http_server listener;
  auto conn = peer_connection(basic_auth);
  auto elsewhere = listener.base_url() + "/steal";
  auto scheme_relative = elsewhere.substr(std::string("http:").size());
  auto proxy = [&](const std::string& connection, const std::string& uri) {
    return client.request("POST", "/v1/connections/" + connection + "/proxy", "",
                          {{"Authorization", "Bearer " + token}, {"Integrator-Relative-URI", uri}});
  };
  for (const auto& uri : {elsewhere, scheme_relative}) {
    auto r = proxy(conn, uri);
    BOOST_TEST(r.status == 422u, uri << ": " << r.body);
    BOOST_TEST(code_of(r) == "url_outside_base", uri);
  }
  // Dot segments cannot climb out of a base with a path either.
  auto under_source = create("connections", R"({"type":"http","name":"Under","http":{"baseURI":")"
                                              + peer.base_url() + R"(/source",)" + basic_auth + "}}");
  auto climbed = proxy(under_source, "/%2e%2e/sink/x");
  BOOST_TEST(climbed.status == 422u, climbed.body);
  BOOST_TEST(peer.hits("/sink") == 0);
  auto exported = api("POST", "/v1/connections/" + conn + "/export",
                      R"({"export":{"http":{"relativeURI":")" + elsewhere + R"("}}})");
  BOOST_TEST(exported.status == 422u, exported.body);
  auto imported = api("POST", "/v1/connections/" + conn + "/import",
                      R"({"import":{"http":{"method":["POST"],"relativeURI":[")" + elsewhere
                        + R"("]}},"data":[{"id":1}]})");
  BOOST_REQUIRE_MESSAGE(imported.status == 200u, imported.body);
  BOOST_TEST(imported.json().at(0).at("statusCode").as_int64() != 200);
  auto bad_ping = peer_connection(std::string(basic_auth) + R"(,"ping":{"relativeURI":")" + elsewhere + "\"}");
  BOOST_TEST(api("GET", "/v1/connections/" + bad_ping + "/ping").status == 422u);
  BOOST_TEST(listener.hits("/") == 0);
}

BOOST_FIXTURE_TEST_CASE(a_flow_cannot_send_the_credentials_elsewhere, flow_fixture) {
  test_http_server listener;
  auto conn = peer_connection(basic_auth);
  auto elsewhere = listener.base_url();
  // An import, a dynamic lookup and a once flag, each aimed at the listener.
  auto exp = http_export(conn, R"({"relativeURI":"/once/pending?total=3&size=10","response":{"resourcePath":"items"},
                                   "once":{"relativeURI":")" + elsewhere + R"(/flag/{{record.id}}","method":"PUT"}})",
                         R"("type":"once")");
  auto stolen = http_import(conn, R"({"method":["POST"],"relativeURI":[")" + elsewhere + R"(/sink/x"]})");
  auto looked = http_import(conn, R"({"method":["POST"],"relativeURI":["/sink/looked"],
                                      "lookups":[{"name":"remote","relativeURI":")" + elsewhere
                                        + R"(/source/skip?total=4","extract":"items[0].id"}]})");
  auto j = wait_job(run(flow(exp, {stolen, looked})));
  BOOST_TEST(count(j, "numError") > 0);
  auto errors = api("GET", "/v1/jobs/" + std::string(j.at("_id").as_string()) + "/joberrors").json().as_array();
  bool once_refused = false;
  for (const auto& e : errors)
    once_refused = once_refused
                   || (e.at("code").as_string() == "once_failed"
                       && std::string(e.at("message").as_string()).find("baseURI") != std::string::npos);
  BOOST_TEST(once_refused);
  // An export whose own relativeURI points away fails the run.
  auto away = http_export(conn, R"({"relativeURI":")" + elsewhere + R"(/source/page"})");
  auto k = wait_job(run(flow(away, {looked})));
  BOOST_TEST(std::string(k.at("status").as_string()) == "failed");
  BOOST_TEST(listener.hits("/") == 0);
}

BOOST_FIXTURE_TEST_CASE(a_next_link_to_another_origin_is_followed_without_credentials, flow_fixture) {
  test_http_server listener;
  auto conn = peer_connection(basic_auth);
  // The source's first page points its next link at the listener.
  peer.inject({.method = "GET", .path_prefix = "/source/url", .times = 1, .status = 200,
               .body = R"({"items":[{"id":1}],"nextUrl":")" + listener.base_url()
                       + R"(/source/url?total=2&size=1&offset=1"})"});
  auto exp = http_export(conn, R"({"relativeURI":"/source/url?total=2&size=1","response":{"resourcePath":"items"},
                                   "paging":{"method":"url","path":"nextUrl"}})");
  auto imp = http_import(conn, R"({"method":["POST"],"relativeURI":["/sink/linked"]})");
  auto j = wait_job(run(flow(exp, {imp})));
  BOOST_TEST(std::string(j.at("status").as_string()) == "completed");
  BOOST_TEST(listener.hits("/source/url") == 1);
  auto headers = listener.last_headers("/source/url");
  BOOST_TEST(headers.count("authorization") == 0u);
  BOOST_TEST(peer.last_headers("/source/url").count("authorization") == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
