// Hooks run on a stack (issue 15): Celigo's integrator-extension in the
// test stack's Express host (tests/stack/host.js), called over the stack
// protocol as the hosted product calls it. preSavePage edits, drops and
// fails records; abort stops the export; a failing or unreachable hook
// fails the flow and keeps the page's records for a retry; the hook's
// one-time token invokes an import, reaches no configuration, and dies
// with its call.
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <memory>
#include <string>

#include "tests/integration/flow_fixture.hpp"
#include "tests/integration/node_process.hpp"

using namespace integrator::test;
namespace json = boost::json;

namespace {

struct stack_fixture : flow_fixture {
  node_process host{test_stack_dir() + "/host.js", {"stack-system-token"}};
  std::string conn = peer_connection();

  std::string stack(const std::string& system_token = "stack-system-token") {
    return create("stacks", R"({"name":"test stack","type":"server","server":{"hostURI":")" + host.base_url()
                              + R"(","systemToken":")" + system_token + R"("}})");
  }
  /// A flow: /source/page (total, size) through `function` of `stack_id`
  /// into sink `sink`.
  std::string hooked_flow(const std::string& stack_id, const std::string& function,
                          const std::string& configuration, int total, int size, const std::string& sink) {
    auto exp = http_export(conn,
                           R"({"relativeURI":"/source/page?total=)" + std::to_string(total) + "&size="
                             + std::to_string(size) + R"(&page={{export.http.paging.page}}",)"
                             + R"("response":{"resourcePath":"items"},"paging":{"method":"page","maxPagePath":"pages"}})",
                           R"("pageSize":)" + std::to_string(size) + R"(,"hooks":{"preSavePage":{"_stackId":")"
                             + stack_id + R"(","function":")" + function + R"(","configuration":)" + configuration
                             + "}}");
    auto imp = http_import(conn, R"({"method":["POST"],"relativeURI":["/sink/)" + sink + "\"]}");
    return flow(exp, {imp});
  }
  /// A wrapper connection on `stack_id` whose API key is `key`.
  std::string wrapper_connection(const std::string& stack_id, const std::string& key) {
    return create("connections", R"({"type":"wrapper","name":"wrapped app","wrapper":{"_stackId":")" + stack_id
                                   + R"(","pingFunction":"ping","encrypted":{"apiKey":")" + key
                                   + R"("},"unencrypted":{"region":"eu"}}})");
  }
  std::string wrapper_export(const std::string& connection, const std::string& function, const std::string& extra = "") {
    return create("exports", R"({"name":"wrapped export","adaptorType":"WrapperExport","_connectionId":")" + connection
                               + R"(","wrapper":{"function":")" + function
                               + R"(","configuration":{"total":7,"size":3}})" + extra + "}");
  }
  /// A connector whose stack (with its _connectorId) is a host serving
  /// the connector's functions, started here.
  struct connector_app {
    std::string connector, stack;
    std::unique_ptr<node_process> host;
  };
  connector_app new_connector() {
    connector_app app;
    app.connector = create("connectors", R"({"name":"App"})");
    app.host = std::make_unique<node_process>(test_stack_dir() + "/host.js",
                                              std::vector<std::string>{"app-token", app.connector});
    app.stack = create("stacks", R"({"name":"app stack","type":"server","_connectorId":")" + app.connector
                                   + R"(","server":{"hostURI":")" + app.host->base_url()
                                   + R"(","systemToken":"app-token"}})");
    BOOST_REQUIRE(api("PUT", "/v1/connectors/" + app.connector, R"({"name":"App","_stackId":")" + app.stack + "\"}")
                    .status == 200u);
    return app;
  }
  json::array job_errors(const std::string& job_id) {
    return api("GET", "/v1/jobs/" + job_id + "/joberrors").json().as_array();
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(stack_hooks)

BOOST_FIXTURE_TEST_CASE(pre_save_page_on_a_stack_edits_drops_and_fails_records, stack_fixture) {
  auto id = hooked_flow(stack(), "preSavePage", R"({"mark":"by-stack","drop":[2,7],"bad":[4]})", 10, 5, "edited");
  auto job_id = run(id);
  auto j = wait_job(job_id);
  BOOST_TEST(std::string(j.at("status").as_string()) == "completed");
  auto got = peer.sink("edited");
  BOOST_REQUIRE_MESSAGE(got.size() == 7u, got.size() << " " << json::serialize(j) << json::serialize(job_errors(job_id)));  // 10, less 2 dropped and 1 failed
  for (const auto& e : got) {
    const auto& r = e.record.as_object();
    BOOST_TEST(std::string(r.at("touched").as_string()) == "by-stack");
    auto rid = r.at("id").as_int64();
    BOOST_TEST((rid != 2 && rid != 7 && rid != 4));
    BOOST_TEST(r.at("page").as_int64() == rid / 5);  // pageIndex from 0
    BOOST_TEST(std::string(r.at("flow").as_string()) == id);
  }
  auto errors = job_errors(job_id);
  BOOST_REQUIRE_EQUAL(errors.size(), 1u);
  BOOST_TEST(std::string(errors[0].at("source").as_string()) == "pre_save_page_hook");
  BOOST_TEST(std::string(errors[0].at("code").as_string()) == "bad_record");
  BOOST_TEST(!std::string(errors[0].at("retryDataKey").as_string()).empty());
}

BOOST_FIXTURE_TEST_CASE(abort_stops_further_pages, stack_fixture) {
  auto job_id = run(hooked_flow(stack(), "abortAfterFirst", "{}", 100, 5, "aborted"));
  auto j = wait_job(job_id);
  BOOST_TEST(std::string(j.at("status").as_string()) == "completed");
  BOOST_TEST(peer.sink("aborted").size() == 5u);  // the first page only
  // The export asks ahead as credit allows, then no more: 20 pages exist.
  BOOST_TEST(peer.hits("/source/page") <= 6u);
}

BOOST_FIXTURE_TEST_CASE(a_failing_hook_fails_the_flow_and_keeps_its_records_for_a_retry, stack_fixture) {
  auto job_id = run(hooked_flow(stack(), "failing", "{}", 10, 5, "failed"));
  auto j = wait_job(job_id);
  BOOST_TEST(std::string(j.at("status").as_string()) == "failed");
  BOOST_TEST(peer.sink("failed").empty());
  auto errors = job_errors(job_id);
  auto hook_errors = std::count_if(errors.begin(), errors.end(), [](const json::value& e) {
    return e.at("source").as_string() == "pre_save_page_hook" && !e.at("retryDataKey").as_string().empty();
  });
  BOOST_TEST(hook_errors >= 5);  // the failed page's records at least
  bool named = std::any_of(errors.begin(), errors.end(), [](const json::value& e) {
    return e.at("code").as_string() == "hook_failed_on_purpose"
           && std::string(e.at("message").as_string()).find("page 0") != std::string::npos;
  });
  BOOST_TEST(named, json::serialize(errors));
}

BOOST_FIXTURE_TEST_CASE(a_hook_that_cannot_be_reached_fails_the_flow_never_skips_it, stack_fixture) {
  // The wrong system token: the stack answers 401.
  auto refused = run(hooked_flow(stack("wrong-token"), "preSavePage", R"({"mark":"x"})", 5, 5, "refused"));
  BOOST_TEST(std::string(wait_job(refused).at("status").as_string()) == "failed");
  BOOST_TEST(peer.sink("refused").empty());
  auto errors = json::serialize(job_errors(refused));
  BOOST_TEST(errors.find("systemToken") != std::string::npos, errors);
  // A stack no one listens at.
  auto gone = create("stacks", R"({"name":"gone","type":"server","server":{"hostURI":"http://127.0.0.1:9","systemToken":"t"}})");
  auto unreachable = run(hooked_flow(gone, "preSavePage", R"({"mark":"x"})", 5, 5, "unreachable"));
  BOOST_TEST(std::string(wait_job(unreachable, 60).at("status").as_string()) == "failed");
  BOOST_TEST(peer.sink("unreachable").empty());
  // A function the stack does not have: integrator-extension's own 422.
  auto missing = run(hooked_flow(stack(), "noSuchFunction", "{}", 5, 5, "missing"));
  BOOST_TEST(std::string(wait_job(missing).at("status").as_string()) == "failed");
  BOOST_TEST(peer.sink("missing").empty());
  // A function that returns nothing: its page has no records from here on.
  auto nothing = run(hooked_flow(stack(), "nothing", "{}", 5, 5, "nothing"));
  auto n = wait_job(nothing);
  BOOST_TEST(std::string(n.at("status").as_string()) == "failed");
  BOOST_TEST(peer.sink("nothing").empty());
}

BOOST_FIXTURE_TEST_CASE(an_interim_102_is_accepted, stack_fixture) {
  auto job_id = run(hooked_flow(stack(), "preSavePage", R"({"mark":"late","processingFirst":true})", 5, 5, "late"));
  BOOST_TEST(std::string(wait_job(job_id).at("status").as_string()) == "completed");
  BOOST_TEST(peer.sink("late").size() == 5u);
}

BOOST_FIXTURE_TEST_CASE(the_hook_token_invokes_an_import_and_nothing_else_and_dies_with_its_call, stack_fixture) {
  auto target = http_import(conn, R"({"method":["POST"],"relativeURI":["/sink/from-hook"]})");
  auto configuration = R"({"importId":")" + target + R"(","integratorURL":"http://127.0.0.1:)"
                       + std::to_string(server.port()) + "\"}";
  auto job_id = run(hooked_flow(stack(), "usesToken", configuration, 4, 2, "token-pages"));
  auto j = wait_job(job_id);
  BOOST_TEST(std::string(j.at("status").as_string()) == "completed", json::serialize(j) << json::serialize(job_errors(job_id)));
  BOOST_TEST(peer.sink("from-hook").size() == 2u);  // one invoke per page
  auto got = peer.sink("token-pages");
  BOOST_REQUIRE_EQUAL(got.size(), 4u);
  for (const auto& e : got) {
    const auto& r = e.record.as_object();
    BOOST_TEST(r.at("invokeStatus").as_int64() == 200);
    BOOST_TEST(r.at("listStatus").as_int64() == 403);
  }
  // A later run replays the first run's token: its call has returned.
  auto replay = run(hooked_flow(stack(), "replaysFirstToken", configuration, 2, 2, "replayed"));
  BOOST_TEST(std::string(wait_job(replay).at("status").as_string()) == "completed");
  auto replayed = peer.sink("replayed");
  BOOST_REQUIRE_EQUAL(replayed.size(), 2u);
  BOOST_TEST(replayed[0].record.at("replayStatus").as_int64() == 401);
  BOOST_TEST(replayed[0].record.at("ownStatus").as_int64() == 200);
}

BOOST_FIXTURE_TEST_CASE(a_connectors_stack_gets_a_token_that_reaches_that_connectors_resources, stack_fixture) {
  auto app = new_connector();
  auto mine = create("integrations", R"({"name":"installed","_connectorId":")" + app.connector + "\"}");
  auto theirs = create("integrations", R"({"name":"diy"})");
  auto configuration = R"({"mine":")" + mine + R"(","theirs":")" + theirs + R"(","integratorURL":"http://127.0.0.1:)"
                       + std::to_string(server.port()) + "\"}";
  auto job_id = run(hooked_flow(app.stack, "readsAsConnector", configuration, 2, 2, "as-connector"));
  auto j = wait_job(job_id);
  BOOST_TEST(std::string(j.at("status").as_string()) == "completed", json::serialize(job_errors(job_id)));
  auto got = peer.sink("as-connector");
  BOOST_REQUIRE_EQUAL(got.size(), 2u);
  BOOST_TEST(got[0].record.at("mineStatus").as_int64() == 200);
  BOOST_TEST(got[0].record.at("theirsStatus").as_int64() == 404);
}

BOOST_FIXTURE_TEST_CASE(installer_settings_and_uninstaller_functions_run_on_the_connectors_stack, stack_fixture) {
  auto app = new_connector();
  auto installed = create("integrations", R"({"name":"installed","_connectorId":")" + app.connector
                                            + R"(","mode":"install","install":[{"name":"Connect","installerFunction":"connectStep","completed":false}]})");
  auto step = api("PUT", "/v1/integrations/" + installed + "/installer/connectStep", R"({"extra":7})");
  BOOST_REQUIRE_MESSAGE(step.status == 200u, step.body);
  BOOST_TEST(step.json().at("success").as_bool());
  auto doc = api("GET", "/v1/integrations/" + installed).json();
  const auto& first = doc.at("install").at(0);
  BOOST_TEST(first.at("completed").as_bool());
  BOOST_TEST(std::string(first.at("sawIntegration").as_string()) == installed);
  BOOST_TEST(first.at("sawExtra").as_int64() == 7);
  BOOST_TEST(first.at("sawOpts").is_object());
  BOOST_TEST(std::string(doc.at("mode").as_string()) == "settings");  // every step is done
  auto settings = api("PUT", "/v1/integrations/" + installed + "/settings/persistSettings", R"({"pending":{"a":1}})");
  BOOST_TEST(settings.status == 200u, settings.body);
  BOOST_TEST(settings.json().at("pending").at("a").as_int64() == 1);
  auto refused = api("PUT", "/v1/integrations/" + installed + "/uninstaller/notYet");
  BOOST_TEST(refused.status == 422u, refused.body);
  BOOST_TEST(refused.error_code() == "extension_failed");
  BOOST_TEST(refused.body.find("cannot uninstall yet") != std::string::npos, refused.body);
  // A do-it-yourself integration has no connector to call.
  auto diy = create("integrations", R"({"name":"diy"})");
  BOOST_TEST(api("PUT", "/v1/integrations/" + diy + "/installer/connectStep").status == 422u);
}

BOOST_FIXTURE_TEST_CASE(a_stack_answers_its_ping, stack_fixture) {
  auto id = stack();
  auto ping = api("GET", "/v1/stacks/" + id + "/ping");
  BOOST_TEST(ping.status == 200u, ping.body);
  BOOST_TEST(api("POST", "/v1/stacks/" + id + "/ping").status == 200u);
  auto gone = create("stacks", R"({"name":"gone","type":"server","server":{"hostURI":"http://127.0.0.1:9","systemToken":"t"}})");
  auto down = api("GET", "/v1/stacks/" + gone + "/ping");
  BOOST_TEST(down.status == 422u, down.body);
  BOOST_TEST(down.error_code() == "ping_failed");
  // What calls the stack: a wrapper connection, an export's hook.
  auto wrapped = wrapper_connection(id, "k");
  auto hooked = http_export(conn, R"({"relativeURI":"/source/page"})",
                            R"("hooks":{"preSavePage":{"_stackId":")" + id + R"(","function":"f"}})");
  auto deps = api("GET", "/v1/stacks/" + id + "/dependencies");
  BOOST_REQUIRE_MESSAGE(deps.status == 200u, deps.body);
  auto d = deps.json().as_object();
  BOOST_TEST(std::string(d.at("connections").at(0).at("_id").as_string()) == wrapped);
  BOOST_TEST(std::string(d.at("connections").at(0).at("paths").at(0).as_string()) == "wrapper._stackId");
  BOOST_TEST(std::string(d.at("exports").at(0).at("_id").as_string()) == hooked);
  BOOST_TEST(std::string(d.at("exports").at(0).at("paths").at(0).as_string()) == "hooks.preSavePage._stackId");
  BOOST_TEST(!d.contains("imports"));
  BOOST_TEST(api("GET", "/v1/stacks/" + gone + "/dependencies").body == "{}");
  BOOST_TEST(as(new_account("stranger"), "GET", "/v1/stacks/" + id + "/dependencies").status == 404u);
  auto lambda = create("stacks", R"({"name":"aws","type":"lambda","lambda":{"functionName":"f","accessKeyId":"a","secretAccessKey":"s","region":"us-east-1"}})");
  auto refused = api("GET", "/v1/stacks/" + lambda + "/ping");
  BOOST_TEST(refused.status == 422u, refused.body);
  BOOST_TEST(refused.error_code() == "user_code_unavailable");
  BOOST_TEST(api("GET", "/v1/stacks/000000000000000000000000/ping").status == 404u);
}

BOOST_FIXTURE_TEST_CASE(import_hooks_and_post_response_map_run_on_a_stack, stack_fixture) {
  auto id = stack();
  auto hook = [&](const char* name) {
    return std::string("\"") + name + R"(":{"_stackId":")" + id + R"(","function":")" + name + "\"}";
  };
  auto exp = http_export(conn, R"({"relativeURI":"/source/page?total=6&size=6","response":{"resourcePath":"items"}})");
  auto first = http_import(conn, R"({"method":["POST"],"relativeURI":["/sink/stack-first"]})",
                           R"("mapping":{"fields":[{"extract":"id","generate":"id"},{"extract":"pre","generate":"pre"}]},)"
                           R"("hooks":{)" + hook("preMap") + "," + hook("postMap") + "," + hook("postSubmit") + "}");
  auto second = http_import(conn, R"({"method":["POST"],"relativeURI":["/sink/stack-second"]})");
  auto body = R"({"name":"stack import hooks","pageGenerators":[{"_exportId":")" + exp + R"("}],"pageProcessors":[)"
              R"({"type":"import","_importId":")" + first + R"(","hooks":{)" + hook("postResponseMap") + "}},"
              R"({"type":"import","_importId":")" + second + R"("}]})";
  auto job_id = run(create("flows", body));
  auto j = wait_job(job_id);
  auto errors = json::serialize(job_errors(job_id));
  BOOST_TEST(std::string(j.at("status").as_string()) == "completed", errors);
  auto got = peer.sink("stack-first");
  BOOST_REQUIRE_EQUAL(got.size(), 4u);  // 0, 3, 4, 5: 1 ignored, 2 failed in preMap
  for (const auto& e : got) {
    BOOST_TEST(std::string(e.record.at("pre").as_string()) == first);  // preMap's edit, through the mapping
    BOOST_TEST(std::string(e.record.at("post").as_string()) == first);  // postMap's
  }
  BOOST_TEST(errors.find("pre_bad") != std::string::npos, errors);
  BOOST_TEST(errors.find("refused after the fact") != std::string::npos, errors);
  auto second_got = peer.sink("stack-second");
  // 0, 4, 5 and 1 (ignored by the first import, it goes on): 2 and 3 failed.
  std::vector<std::int64_t> ids;
  for (const auto& e : second_got) {
    ids.push_back(e.record.at("id").as_int64());
    if (ids.back() != 1)
      BOOST_TEST(e.record.at("statusSeen").as_int64() == 201);
  }
  std::sort(ids.begin(), ids.end());
  BOOST_TEST(ids == (std::vector<std::int64_t>{0, 1, 4, 5}), boost::test_tools::per_element());
}

BOOST_FIXTURE_TEST_CASE(a_wrapper_connection_pings_through_its_ping_function, stack_fixture) {
  auto id = stack();
  auto good = wrapper_connection(id, "secret-key");
  auto ping = api("GET", "/v1/connections/" + good + "/ping");
  BOOST_TEST(ping.status == 200u, ping.body);
  auto wrong = wrapper_connection(id, "stolen-key");
  auto refused = api("POST", "/v1/connections/" + wrong + "/ping");
  BOOST_TEST(refused.status == 422u, refused.body);
  BOOST_TEST(refused.error_code() == "ping_failed");
  BOOST_TEST(refused.body.find("the API key is wrong") != std::string::npos, refused.body);
  BOOST_TEST(api("GET", "/v1/connections/" + wrong).json().at("offline").as_bool());
  // A flow on the offline connection fails at once, saying so.
  auto exp = wrapper_export(wrong, "listRecords");
  auto job = wait_job(run(flow(exp, {http_import(conn, R"({"method":["POST"],"relativeURI":["/sink/never"]})")})));
  BOOST_TEST(std::string(job.at("status").as_string()) == "failed");
  BOOST_TEST(peer.sink("never").empty());
}

BOOST_FIXTURE_TEST_CASE(a_wrapper_export_pages_by_its_state_into_a_wrapper_import, stack_fixture) {
  auto id = stack();
  auto wrapped = wrapper_connection(id, "secret-key");
  auto exp = wrapper_export(wrapped, "listRecords", R"(,"pageSize":2)");
  auto imp = create("imports", R"({"name":"wrapped import","adaptorType":"WrapperImport","_connectionId":")" + wrapped
                                 + R"(","wrapper":{"function":"storeRecords","configuration":{"sink":")"
                                 + peer.base_url() + R"(/sink/wrapped"}},)"
                                 + R"("mapping":{"fields":[{"extract":"id","generate":"id"},{"extract":"region","generate":"where"},)"
                                 + R"({"extract":"calledWith","generate":"state"}]}})");
  auto job_id = run(flow(exp, {imp}));
  auto j = wait_job(job_id);
  auto errors = json::serialize(job_errors(job_id));
  BOOST_TEST(std::string(j.at("status").as_string()) == "completed", errors);
  BOOST_TEST(j.at("numExport").as_int64() == 7);
  BOOST_TEST(j.at("numSuccess").as_int64() == 5);
  BOOST_TEST(j.at("numIgnore").as_int64() == 1);  // 3
  BOOST_TEST(j.at("numError").as_int64() == 1);   // 2
  BOOST_TEST(errors.find("record 2 refused") != std::string::npos, errors);
  auto got = peer.sink("wrapped");
  BOOST_REQUIRE_EQUAL(got.size(), 7u);
  for (const auto& e : got) {
    const auto& r = e.record.as_object();
    BOOST_TEST(std::string(r.at("where").as_string()) == "eu");  // mapped, with the connection's settings
    BOOST_TEST(r.at("state").as_int64() == r.at("id").as_int64() / 3 * 3);  // the state fed back
    BOOST_TEST(!r.contains("region"));
  }
  // Invoked alone, each calls its function as in the flow.
  auto invoked = api("POST", "/v1/exports/" + exp + "/invoke");
  BOOST_REQUIRE_MESSAGE(invoked.status == 200u, invoked.body);
  auto records = invoked.json().at("data").as_array();
  BOOST_REQUIRE_EQUAL(records.size(), 7u);
  BOOST_TEST(records[6].at("calledWith").as_int64() == 6);
  auto put = api("POST", "/v1/imports/" + imp + "/invoke", R"({"data":[{"id":5,"region":"us"},{"id":2}]})");
  BOOST_REQUIRE_MESSAGE(put.status == 200u, put.body);
  auto results = put.json().as_array();
  BOOST_REQUIRE_EQUAL(results.size(), 2u);
  BOOST_TEST(std::string(results[0].at("id").as_string()) == "stored-5", put.body);
  BOOST_TEST(results[1].at("statusCode").as_int64() == 422, put.body);
  BOOST_TEST(peer.sink("wrapped").size() == 9u);
  // Paged alone, one call a page, each with the state the last answered.
  const std::string unsaved = R"({"adaptorType":"WrapperExport","wrapper":{"function":"listRecords","configuration":{"total":7,"size":3}}})";
  json::value state;
  std::vector<std::int64_t> per_page, called_with;
  for (int call = 0; call < 5; ++call) {
    auto body = R"({"export":)" + unsaved + (state.is_null() ? "" : R"(,"pagedExportState":)" + json::serialize(state)) + "}";
    auto page = api("POST", "/v1/connections/" + wrapped + "/export/pages", body);
    BOOST_REQUIRE_MESSAGE(page.status == 200u, page.body);
    auto doc = page.json();
    const auto& data = doc.at("data").as_array();
    per_page.push_back(static_cast<std::int64_t>(data.size()));
    if (!data.empty())
      called_with.push_back(data[0].at("calledWith").as_int64());
    state = doc.at("pagedExportState");
    if (state.at("done").as_bool())
      break;
  }
  BOOST_TEST((per_page == std::vector<std::int64_t>{3, 3, 1}));
  BOOST_TEST((called_with == std::vector<std::int64_t>{0, 3, 6}));
  // A preview of a wrapper export says to invoke it instead.
  auto preview = api("POST", "/v1/exports/preview", R"({"name":"p","adaptorType":"WrapperExport","_connectionId":")"
                                                      + wrapped + R"(","wrapper":{"function":"listRecords"}})");
  BOOST_TEST(preview.status == 422u, preview.body);
  BOOST_TEST(preview.body.find("invoke") != std::string::npos, preview.body);
}

BOOST_FIXTURE_TEST_CASE(a_looping_or_offline_wrapper_export_stops_with_an_error, stack_fixture) {
  auto id = stack();
  auto wrapped = wrapper_connection(id, "secret-key");
  auto sink = http_import(conn, R"({"method":["POST"],"relativeURI":["/sink/looped"]})");
  auto looping = wait_job(run(flow(wrapper_export(wrapped, "samePage"), {sink})));
  BOOST_TEST(std::string(looping.at("status").as_string()) == "failed");
  auto errors = json::serialize(job_errors(std::string(looping.at("_id").as_string())));
  BOOST_TEST(errors.find("5 times in a row") != std::string::npos, errors);
  BOOST_TEST(peer.sink("looped").size() <= 5u);
  auto invoked = api("POST", "/v1/exports/" + wrapper_export(wrapped, "samePage") + "/invoke");
  BOOST_TEST(invoked.status == 422u, invoked.body);
  BOOST_TEST(invoked.error_code() == "wrapper_failed", invoked.body);
  BOOST_TEST(invoked.body.find("5 times in a row") != std::string::npos, invoked.body);
  auto offline = wait_job(run(flow(wrapper_export(wrapped, "goesOffline"), {sink})));
  BOOST_TEST(std::string(offline.at("status").as_string()) == "failed");
  BOOST_TEST(api("GET", "/v1/connections/" + wrapped).json().at("offline").as_bool());
  // A good ping brings it back.
  BOOST_TEST(api("GET", "/v1/connections/" + wrapped + "/ping").status == 200u);
  BOOST_TEST(!api("GET", "/v1/connections/" + wrapped).json().at("offline").as_bool());
}

BOOST_AUTO_TEST_SUITE_END()
