// User code (issue 15) that this server does not run where it is
// configured (a wrapper block on a connection that is not a wrapper's,
// postAggregate) must never run as if the code were absent: the hosted product's users would get records their hooks
// never saw, with a job that says `completed`. Such a run, preview or
// invoke is refused with a job error or 422 that names the code.
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "tests/integration/flow_fixture.hpp"

using namespace integrator::test;
namespace json = boost::json;

BOOST_AUTO_TEST_SUITE(user_code)

BOOST_FIXTURE_TEST_CASE(a_flow_with_user_code_fails_and_names_it_instead_of_skipping_it, flow_fixture) {
  auto conn = peer_connection();
  auto script = create("scripts", R"({"name":"hooks","content":"function preSavePage(o) { return o; }"})");
  const std::string source = R"({"relativeURI":"/source/page?total=5&size=5","response":{"resourcePath":"items"}})";
  struct variant {
    std::string name, export_extra, import_extra, entry_extra, router_filter, named;
    std::string router_extra = {};
  };
  std::vector<variant> variants = {
    {"wrapperimport", "", R"("wrapper":{"function":"f"})", "", "", "a wrapper"},
    {"branchwrapper", "", R"("wrapper":{"function":"f"})", "", "null", "a wrapper"},
  };
  for (const auto& v : variants) {
    BOOST_TEST_CONTEXT(v.name) {
      auto exp = http_export(conn, source, v.export_extra);
      auto imp = http_import(conn, R"({"method":["POST"],"relativeURI":["/sink/)" + v.name + "\"]}", v.import_extra);
      auto processor = R"({"type":"import","_importId":")" + imp + "\"" + v.entry_extra + "}";
      std::string body = R"({"name":")" + v.name + R"(","pageGenerators":[{"_exportId":")" + exp + "\"}],";
      if (v.router_filter.empty())
        body += R"("pageProcessors":[)" + processor + "]}";
      else
        body += R"("routers":[{"id":"r1",)" + v.router_extra + R"("branches":[{"name":"scripted","inputFilter":)" + v.router_filter
                + R"(,"pageProcessors":[)" + processor + "]}]}]}";
      auto flow_id = create("flows", body);
      auto job_id = run(flow_id);
      auto j = wait_job(job_id);
      BOOST_TEST(std::string(j.at("status").as_string()) == "failed");
      BOOST_TEST(count(j, "numSuccess") == 0);
      auto errors = api("GET", "/v1/jobs/" + job_id + "/joberrors").json().as_array();
      BOOST_REQUIRE(!errors.empty());
      BOOST_TEST(std::string(errors.back().at("code").as_string()) == "user_code_unavailable");
      auto message = std::string(errors.back().at("message").as_string());
      BOOST_TEST(message.find(v.named) != std::string::npos, message);
      BOOST_TEST(peer.sink(v.name).empty());
    }
  }
  // Nothing was asked of the source: the runs stopped before their first page.
  BOOST_TEST(peer.hits("/source/page") == 0);
}

BOOST_FIXTURE_TEST_CASE(an_import_invoke_with_post_aggregate_is_refused_with_422, flow_fixture) {
  auto conn = peer_connection();
  auto script = create("scripts", R"({"name":"hooks","content":"function f(o) { return o; }"})");
  auto imp = http_import(conn, R"({"method":["POST"],"relativeURI":["/sink/invoked"]})",
                         R"("hooks":{"postAggregate":{"_scriptId":")" + script + R"(","function":"f"}})");
  auto put = api("POST", "/v1/imports/" + imp + "/invoke", R"({"data":[{"id":1}]})");
  BOOST_TEST(put.status == 422u, put.body);
  BOOST_TEST(put.body.find("user_code_unavailable") != std::string::npos, put.body);
  BOOST_TEST(put.body.find("hooks.postAggregate") != std::string::npos, put.body);
  BOOST_TEST(peer.sink("invoked").empty());
}

// A hook's one-time token (minted here through the test hook, as a call to
// user code will get one): it invokes the account's imports, reaches
// nothing else, and dies when its call returns.
BOOST_FIXTURE_TEST_CASE(a_one_time_token_invokes_imports_and_nothing_else_until_its_call_returns, flow_fixture) {
  auto conn = peer_connection();
  auto imp = http_import(conn, R"({"method":["POST"],"relativeURI":["/sink/one-time"]})");
  auto account = std::string(api("GET", "/v1/tokenInfo").json().at("_userId").as_string());
  auto minted = client.request("POST", "/admin/v1/debug/mint/" + account);
  BOOST_REQUIRE_MESSAGE(minted.status == 200u, minted.body);
  auto hook_token = std::string(minted.json().at("token").as_string());

  auto invoked = as(hook_token, "POST", "/v1/imports/" + imp + "/invoke", R"({"data":[{"id":41}]})");
  BOOST_TEST(invoked.status == 200u, invoked.body);
  BOOST_TEST(peer.sink("one-time").size() == 1u);
  BOOST_TEST(as(hook_token, "GET", "/v1/tokenInfo").status == 200u);
  auto exp = http_export(conn, R"({"relativeURI":"/source/page?total=3&size=3","response":{"resourcePath":"items"}})");
  auto exported = as(hook_token, "POST", "/v1/exports/" + exp + "/invoke");
  BOOST_TEST(exported.status == 200u, exported.body);
  if (exported.status == 200u)
    BOOST_TEST(exported.json().at("data").as_array().size() == 3u);
  for (const auto& path : std::vector<std::string>{"/v1/connections", "/v1/connections/" + conn,
                                                  "/v1/imports/" + imp, "/v1/flows"}) {
    auto refused = as(hook_token, "GET", path);
    BOOST_TEST(refused.status == 403u, path << ": " << refused.body);
  }
  BOOST_TEST(as(hook_token, "DELETE", "/v1/imports/" + imp).status == 403u);
  // Another account's import is out of reach, as for any token of this one.
  auto other = new_account("elsewhere");
  auto theirs = create("imports", R"({"name":"theirs","adaptorType":"HTTPImport","_connectionId":")"
                                    + create("connections", R"({"type":"http","name":"p","http":{"baseURI":")"
                                                              + peer.base_url() + R"("}})", other)
                                    + R"(","http":{"method":["POST"],"relativeURI":["/sink/theirs"]}})", other);
  BOOST_TEST(as(hook_token, "POST", "/v1/imports/" + theirs + "/invoke", R"({"data":[{"id":1}]})").status == 404u);
  BOOST_TEST(peer.sink("theirs").empty());

  // The call returned.
  BOOST_REQUIRE(client.request("POST", "/admin/v1/debug/revoke/" + hook_token).status == 204u);
  BOOST_TEST(as(hook_token, "POST", "/v1/imports/" + imp + "/invoke", R"({"data":[{"id":42}]})").status == 401u);
  BOOST_TEST(peer.sink("one-time").size() == 1u);
  BOOST_TEST(client.request("POST", "/admin/v1/debug/mint/no-such-account").status == 404u);
}

BOOST_AUTO_TEST_SUITE_END()
