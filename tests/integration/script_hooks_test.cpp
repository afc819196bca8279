// Hooks as scripts (issue 15): integratord runs them in its Node.js worker
// pool (sandbox/). Scripts are written as real integrator.io hooks are
// (ES2020, async, destructuring, import from integrator-api and dayjs). One
// that loops forever, one that allocates without end, one that throws and
// ones that reach for the environment or the file system fail their flow
// with a clear error, and the pool serves the next call.
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <cctype>
#include <chrono>
#include <ctime>
#include <string>
#include <vector>

#include "tests/integration/flow_fixture.hpp"

using namespace integrator::test;
namespace json = boost::json;

namespace {

struct script_fixture : flow_fixture {
  script_fixture() : flow_fixture({"--script-timeout", "3", "--script-memory-mb", "64", "--script-workers", "2"}) {}

  std::string conn = peer_connection();

  std::string script(const std::string& content) {
    json::object body{{"name", "hooks"}, {"content", content}};
    return create("scripts", json::serialize(body));
  }
  /// A flow: `total` records in pages of `size` through `function` of
  /// `script_id` into sink `sink`.
  std::string hooked_flow(const std::string& script_id, const std::string& function, int total, int size,
                          const std::string& sink, const std::string& configuration = "{}") {
    auto exp = http_export(conn,
                           R"({"relativeURI":"/source/page?total=)" + std::to_string(total) + "&size="
                             + std::to_string(total) + R"(","response":{"resourcePath":"items"}})",
                           R"("pageSize":)" + std::to_string(size) + R"(,"hooks":{"preSavePage":{"_scriptId":")"
                             + script_id + R"(","function":")" + function + R"(","configuration":)" + configuration
                             + "}}");
    auto imp = http_import(conn, R"({"method":["POST"],"relativeURI":["/sink/)" + sink + "\"]}");
    return flow(exp, {imp});
  }
  std::string errors_of(const std::string& job_id) {
    return api("GET", "/v1/jobs/" + job_id + "/joberrors").body;
  }
  /// Runs the flow, expects `status`; the job's errors.
  std::string expect_run(const std::string& flow_id, const std::string& status) {
    auto job_id = run(flow_id);
    auto j = wait_job(job_id, 60);
    auto errors = errors_of(job_id);
    BOOST_TEST(std::string(j.at("status").as_string()) == status, errors);
    return errors;
  }
};

const char* modern_hook = R"(import dayjs from 'dayjs'
import { imports } from 'integrator-api'

const label = ({ tier, name }) => `${tier?.toUpperCase() ?? 'NONE'}:${name}`

export async function preSavePage({ data, pageIndex, configuration: { stamp } = {}, settings }) {
  await new Promise((resolve) => setTimeout(resolve, 1))
  const out = data.map(({ id, ...rest }) => ({ id, ...rest, label: label(rest), page: pageIndex,
                                                 stamp, year: dayjs('2026-12-07').year() }))
  return { data: out, errors: [], abort: false }
}

async function callsAnImport(options) {
  const answer = await imports.run({ _id: options.configuration.importId, data: [{ fromScript: options.pageIndex }] })
  console.log('invoked', answer)
  return { data: options.data.map((r) => ({ ...r, invoked: Array.isArray(answer) })) }
}

function loopsForever() { for (;;) {} }

function allocatesWithoutEnd() { const all = []; for (;;) all.push(new Array(1e6).fill(all.length)) }

function throws({ pageIndex }) { throw new TypeError(`cannot handle page ${pageIndex}`) }

function readsTheEnvironment() { return { data: [{ env: process.env }] } }

function readsFiles() { return { data: [{ file: require('fs').readFileSync('/etc/passwd', 'utf8') }] } }

export function preMap({ data, configuration: { ignore, fail } }) {
  return data.map((r) => r.id === ignore ? {}
                       : r.id === fail ? { errors: [{ code: 'pre_bad', message: `no ${r.id}` }] }
                       : { data: { ...r, pre: true } })
}

export function postMap({ preMapData, postMapData }) {
  return postMapData.map((m, i) => ({ data: { ...m, post: preMapData[i].pre === true } }))
}

export function postSubmit({ responseData, postMapData }) {
  return responseData.map((r, i) => postMapData[i].id === 3
    ? { ...r, statusCode: 422, errors: [{ code: 'post_bad', message: 'refused after the fact' }] }
    : r)
}

function addsTheResponse({ postResponseMapData, responseData }) {
  return postResponseMapData.map((r, i) => ({ ...r, statusSeen: responseData[i].statusCode, seenId: r.createdId }))
}

function shapes({ record, settings }) {
  return { id: record.id, label: `${record.tier}-${record.id}`, region: settings.region ?? 'none' }
}

function keepsGold({ record }) {
  return record.label.startsWith('gold')  // what the transform made
}

function throwsOnThree({ record }) {
  if (record.id === 3) throw new Error('cannot shape 3')
  return record
}

function failsUntilFixed({ data, configuration: { fixed } }) {
  if (!fixed) throw new Error('not fixed yet')
  return { data: data.map((r) => ({ ...r, fixed: true })) }
}

function evenIds({ record }) { return record.id % 2 === 0 }

function shoutsWhatItFound({ data, pageIndex }) {
  return { data: data.map((r) => ({ ...r, email: r.email.toUpperCase(), page: pageIndex })) }
}

function goldOnly({ record }) { return record.tier === 'gold' }

function routesByTier({ record, branches }) {
  if (branches.length !== 2) throw new Error(`expected two branches, got ${branches}`)
  return record.tier === 'gold' ? [0] : record.id === 4 ? [] : [1, 0]
}

function routesUnlessOne({ record }) {
  if (record.id === 1) throw new Error('no branch for 1')
  return 0
}

function escapes(options) {
  const outside = options.constructor.constructor('return process')()
  return { data: [{ env: outside.env }] }
}
)";

}  // namespace

BOOST_AUTO_TEST_SUITE(script_hooks)

BOOST_FIXTURE_TEST_CASE(a_modern_script_hook_edits_every_record, script_fixture) {
  auto id = script(modern_hook);
  expect_run(hooked_flow(id, "preSavePage", 12, 5, "modern", R"({"stamp":"s-1"})"), "completed");
  auto got = peer.sink("modern");
  BOOST_REQUIRE_EQUAL(got.size(), 12u);
  for (const auto& e : got) {
    const auto& r = e.record.as_object();
    auto rid = r.at("id").as_int64();
    BOOST_TEST(std::string(r.at("label").as_string()) == (rid % 3 == 0 ? "GOLD:" : "SILVER:") + std::string("name-") + std::to_string(rid));
    BOOST_TEST(r.at("page").as_int64() == rid / 5);
    BOOST_TEST(std::string(r.at("stamp").as_string()) == "s-1");
    BOOST_TEST(r.at("year").as_int64() == 2026);
  }
}

BOOST_FIXTURE_TEST_CASE(a_script_calls_back_with_its_token, script_fixture) {
  auto id = script(modern_hook);
  auto target = http_import(conn, R"({"method":["POST"],"relativeURI":["/sink/from-script"]})");
  expect_run(hooked_flow(id, "callsAnImport", 4, 2, "calling", R"({"importId":")" + target + "\"}"), "completed");
  BOOST_TEST(peer.sink("from-script").size() == 2u);  // one invoke per page
  auto got = peer.sink("calling");
  BOOST_REQUIRE_EQUAL(got.size(), 4u);
  BOOST_TEST(got[0].record.at("invoked").as_bool());
}

BOOST_FIXTURE_TEST_CASE(runaway_and_forbidden_scripts_fail_their_flow_and_the_pool_recovers, script_fixture) {
  auto id = script(modern_hook);
  struct bad {
    const char* function;
    const char* says;
  };
  for (auto b : {bad{"loopsForever", "script_timeout"}, bad{"allocatesWithoutEnd", "script_crashed"},
                 bad{"throws", "cannot handle page 0"}, bad{"readsTheEnvironment", "process is not defined"},
                 bad{"readsFiles", "Cannot find module 'fs'"}, bad{"escapes", "Code generation from strings disallowed"},
                 bad{"noSuchFunction", "has no function noSuchFunction"}}) {
    BOOST_TEST_CONTEXT(b.function) {
      auto sink = std::string("bad-") + b.function;
      auto errors = expect_run(hooked_flow(id, b.function, 3, 3, sink), "failed");
      BOOST_TEST(errors.find(b.says) != std::string::npos, errors);
      BOOST_TEST(errors.find("pre_save_page_hook") != std::string::npos, errors);
      BOOST_TEST(peer.sink(sink).empty());
      // The next call works.
      auto good = std::string("good-after-") + b.function;
      expect_run(hooked_flow(id, "preSavePage", 3, 3, good), "completed");
      BOOST_TEST(peer.sink(good).size() == 3u);
    }
  }
}

BOOST_FIXTURE_TEST_CASE(import_hooks_edit_ignore_and_fail_records, script_fixture) {
  auto id = script(modern_hook);
  auto hook = [&](const char* name) {
    return std::string("\"") + name + R"(":{"_scriptId":")" + id + R"(","function":")" + name
           + R"(","configuration":{"ignore":1,"fail":2}})";
  };
  auto exp = http_export(conn, R"({"relativeURI":"/source/page?total=6&size=6","response":{"resourcePath":"items"}})");
  auto imp = http_import(conn, R"({"method":["POST"],"relativeURI":["/sink/import-hooks"]})",
                         R"("hooks":{)" + hook("preMap") + "," + hook("postMap") + "," + hook("postSubmit") + "}");
  auto job_id = run(flow(exp, {imp}));
  auto j = wait_job(job_id);
  auto errors = errors_of(job_id);
  BOOST_TEST(std::string(j.at("status").as_string()) == "completed", errors);
  BOOST_TEST(j.at("numIgnore").as_int64() == 1);
  BOOST_TEST(j.at("numError").as_int64() == 2);
  BOOST_TEST(j.at("numSuccess").as_int64() == 3);
  auto got = peer.sink("import-hooks");
  BOOST_REQUIRE_EQUAL(got.size(), 4u);  // 0, 3, 4, 5: 1 ignored, 2 failed in preMap
  for (const auto& e : got) {
    BOOST_TEST(e.record.at("pre").as_bool());
    BOOST_TEST(e.record.at("post").as_bool());
  }
  BOOST_TEST(errors.find("pre_map_hook") != std::string::npos, errors);
  BOOST_TEST(errors.find("pre_bad") != std::string::npos, errors);
  BOOST_TEST(errors.find("post_submit_hook") != std::string::npos, errors);
  BOOST_TEST(errors.find("refused after the fact") != std::string::npos, errors);
}

BOOST_FIXTURE_TEST_CASE(a_retry_replays_the_records_a_hook_failed_through_the_hook, script_fixture) {
  auto id = script(modern_hook);
  auto flow_id = hooked_flow(id, "failsUntilFixed", 4, 2, "fixed", R"({"fixed":false})");
  auto job_id = run(flow_id);
  auto j = wait_job(job_id);
  BOOST_TEST(std::string(j.at("status").as_string()) == "failed");
  BOOST_TEST(peer.sink("fixed").empty());
  // The user fixes the hook's configuration, then retries.
  auto flow_doc = api("GET", "/v1/flows/" + flow_id).json();
  auto exp_id = std::string(flow_doc.at("pageGenerators").as_array()[0].at("_exportId").as_string());
  auto exp_doc = api("GET", "/v1/exports/" + exp_id).json();
  exp_doc.at("hooks").at("preSavePage").at("configuration").as_object()["fixed"] = true;
  auto replaced = api("PUT", "/v1/exports/" + exp_id, json::serialize(exp_doc));
  BOOST_REQUIRE_MESSAGE(replaced.status == 200u, replaced.body);
  auto retried = api("POST", "/v1/jobs/" + job_id + "/retry");
  BOOST_REQUIRE_MESSAGE(retried.status == 201u, retried.body);
  auto retry_id = std::string(retried.json().as_array()[0].at("_id").as_string());
  auto done = wait_job(retry_id);
  BOOST_TEST(std::string(done.at("status").as_string()) == "completed", errors_of(retry_id));
  auto got = peer.sink("fixed");
  BOOST_REQUIRE_EQUAL(got.size(), 4u);
  for (const auto& e : got)
    BOOST_TEST(e.record.at("fixed").as_bool());  // through the hook again
}

BOOST_FIXTURE_TEST_CASE(console_output_is_kept_while_debug_until_is_ahead, script_fixture) {
  auto iso = [](std::chrono::system_clock::duration ahead) {
    auto t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now() + ahead);
    char out[32];
    std::strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
    return std::string(out);
  };
  const char* logging = "function preSavePage({ data, pageIndex }) {\n"
                        "  console.log('page', pageIndex, 'has', data.length, 'records')\n"
                        "  console.warn({ first: data[0].id })\n"
                        "  return { data }\n}\n";
  auto quiet = script(logging);
  expect_run(hooked_flow(quiet, "preSavePage", 3, 3, "quiet"), "completed");
  BOOST_TEST(api("GET", "/v1/scripts/" + quiet + "/logs").body == "[]");  // no debugUntil: nothing kept
  json::object body{{"name", "debugged"}, {"content", logging}, {"debugUntil", iso(std::chrono::minutes(30))}};
  auto debugged = create("scripts", json::serialize(body));
  expect_run(hooked_flow(debugged, "preSavePage", 4, 2, "debugged"), "completed");
  auto logs = api("GET", "/v1/scripts/" + debugged + "/logs");
  BOOST_REQUIRE_EQUAL(logs.status, 200u);
  auto entries = logs.json().as_array();
  BOOST_REQUIRE_EQUAL(entries.size(), 4u);  // two pages, two lines each
  BOOST_TEST(logs.body.find("page 1 has 2 records") != std::string::npos, logs.body);
  BOOST_TEST(logs.body.find(R"(\"first\":0)") != std::string::npos, logs.body);
  BOOST_TEST(std::string(entries[1].at("level").as_string()) == "warn");
  // At most an hour ahead; another account sees none of it.
  body["debugUntil"] = iso(std::chrono::hours(2));
  BOOST_TEST(api("PUT", "/v1/scripts/" + debugged, json::serialize(body)).status == 422u);
  auto other = new_account("other");
  BOOST_TEST(as(other, "GET", "/v1/scripts/" + debugged + "/logs").status == 404u);
}

BOOST_FIXTURE_TEST_CASE(post_response_map_edits_what_goes_on_to_the_next_step, script_fixture) {
  auto id = script(modern_hook);
  auto exp = http_export(conn, R"({"relativeURI":"/source/page?total=3&size=3","response":{"resourcePath":"items"}})");
  auto first = http_import(conn, R"({"method":["POST"],"relativeURI":["/sink/first"]})");
  auto second = http_import(conn, R"({"method":["POST"],"relativeURI":["/sink/second"]})");
  auto body = R"({"name":"prm","pageGenerators":[{"_exportId":")" + exp + R"("}],"pageProcessors":[)"
              R"({"type":"import","_importId":")" + first + R"(","responseMapping":{"fields":[{"extract":"id","generate":"createdId"}]},)"
              R"("hooks":{"postResponseMap":{"_scriptId":")" + id + R"(","function":"addsTheResponse"}}},)"
              R"({"type":"import","_importId":")" + second + R"("}]})";
  auto job_id = run(create("flows", body));
  auto j = wait_job(job_id);
  BOOST_TEST(std::string(j.at("status").as_string()) == "completed", errors_of(job_id));
  auto got = peer.sink("second");
  BOOST_REQUIRE_EQUAL(got.size(), 3u);
  for (const auto& e : got) {
    BOOST_TEST(e.record.at("statusSeen").as_int64() == 201);
    BOOST_TEST(!e.record.at("seenId").is_null());  // responseMapping ran before the hook
  }
}

BOOST_FIXTURE_TEST_CASE(script_transforms_and_filters_run_per_record_before_pre_save_page, script_fixture) {
  auto id = script(modern_hook);
  auto block = [&](const char* function) {
    return std::string(R"({"type":"script","script":{"_scriptId":")") + id + R"(","function":")" + function + R"("}})";
  };
  auto source = std::string(R"({"relativeURI":"/source/page?total=9&size=9","response":{"resourcePath":"items"}})");
  // A script transform, then a script filter, then preSavePage.
  auto exp = http_export(conn, source,
                         R"("pageSize":4,"transform":)" + block("shapes") + R"(,"filter":)" + block("keepsGold")
                           + R"(,"hooks":{"preSavePage":{"_scriptId":")" + id + R"(","function":"preSavePage"}})");
  auto imp = http_import(conn, R"({"method":["POST"],"relativeURI":["/sink/shaped"]})");
  auto job_id = run(flow(exp, {imp}));
  auto j = wait_job(job_id);
  BOOST_TEST(std::string(j.at("status").as_string()) == "completed", errors_of(job_id));
  auto got = peer.sink("shaped");
  BOOST_REQUIRE_MESSAGE(got.size() == 3u, got.size() << " " << json::serialize(j));  // ids 0, 3, 6: gold
  for (const auto& e : got) {
    BOOST_TEST(e.record.at("id").as_int64() % 3 == 0);
    BOOST_TEST(!e.record.as_object().contains("email"));  // the transform's shape
    // preSavePage ran last, on the transformed record (no tier, no name).
    BOOST_TEST(std::string(e.record.at("label").as_string()) == "NONE:undefined");
    BOOST_TEST(std::string(e.record.at("region").as_string()) == "none");
  }
  BOOST_TEST(j.at("numIgnore").as_int64() == 6);
  // A script transform with an expression filter: the filter judges what
  // the script made; a record the script throws on fails its page.
  auto exp2 = http_export(conn, source,
                          R"("pageSize":3,"transform":)" + block("throwsOnThree")
                            + R"(,"filter":{"type":"expression","expression":{"version":"1","rules":["notequals",["number",["extract","id"]],1]}})");
  auto imp2 = http_import(conn, R"({"method":["POST"],"relativeURI":["/sink/throwing"]})");
  auto job2 = run(flow(exp2, {imp2}));
  auto j2 = wait_job(job2);
  auto errors = errors_of(job2);
  BOOST_TEST(std::string(j2.at("status").as_string()) == "completed", errors);
  BOOST_TEST(peer.sink("throwing").size() == 5u);  // 0, 2 | (3, 4, 5 failed) | 6, 7, 8; 1 filtered
  BOOST_TEST(j2.at("numError").as_int64() == 3);
  BOOST_TEST(errors.find("transformation") != std::string::npos, errors);
  BOOST_TEST(errors.find("cannot shape 3") != std::string::npos, errors);
}

// Standalone calls run the user code a flow would: an export's invoke and
// preview (each piece of code a stage of its own), an import's invoke.
BOOST_FIXTURE_TEST_CASE(invokes_and_previews_run_user_code_as_flows_do, script_fixture) {
  auto id = script(modern_hook);
  auto block = [&](const char* function) {
    return std::string(R"({"type":"script","script":{"_scriptId":")") + id + R"(","function":")" + function + R"("}})";
  };
  auto source = std::string(R"({"relativeURI":"/source/page?total=9&size=9","response":{"resourcePath":"items"}})");
  auto code = R"("transform":)" + block("shapes") + R"(,"filter":)" + block("keepsGold")
              + R"(,"hooks":{"preSavePage":{"_scriptId":")" + id + R"(","function":"preSavePage"}})";
  auto exp = http_export(conn, source, code);
  auto invoked = api("POST", "/v1/exports/" + exp + "/invoke");
  BOOST_REQUIRE_MESSAGE(invoked.status == 200u, invoked.body);
  auto answer = invoked.json();
  const auto& data = answer.at("data").as_array();
  BOOST_REQUIRE_EQUAL(data.size(), 3u);  // ids 0, 3, 6: gold
  for (const auto& r : data) {
    BOOST_TEST(r.at("id").as_int64() % 3 == 0);
    BOOST_TEST(std::string(r.at("label").as_string()) == "NONE:undefined");  // preSavePage, after the transform
  }
  // The preview shows each piece of code as a stage.
  auto preview = api("POST", "/v1/exports/preview",
                     R"({"name":"unsaved","adaptorType":"HTTPExport","_connectionId":")" + conn + R"(","http":)" + source
                       + "," + code + "}");
  BOOST_REQUIRE_MESSAGE(preview.status == 200u, preview.body);
  auto p = preview.json().as_object();
  std::vector<std::string> names;
  for (const auto& stage : p.at("stages").as_array())
    names.emplace_back(stage.at("name").as_string());
  std::vector<std::string> expected{"request", "raw", "parse", "transform script", "filter script", "preSavePage"};
  BOOST_TEST(names == expected, preview.body);
  BOOST_TEST(p.at("stages").as_array()[3].at("data").as_array().size() == 9u);
  BOOST_REQUIRE_EQUAL(p.at("data").as_array().size(), 3u);
  BOOST_TEST(std::string(p.at("data").as_array()[0].at("label").as_string()) == "NONE:undefined");
  // A preSavePage that throws fails the invoke, naming why.
  auto throwing = http_export(conn, source, R"("hooks":{"preSavePage":{"_scriptId":")" + id + R"(","function":"throws"}})");
  auto failed = api("POST", "/v1/exports/" + throwing + "/invoke");
  BOOST_TEST(failed.status == 422u, failed.body);
  BOOST_TEST(failed.error_code() == "extension_failed", failed.body);
  BOOST_TEST(failed.body.find("cannot handle page 0") != std::string::npos, failed.body);
  // An import's hooks, as in import_hooks_edit_ignore_and_fail_records.
  auto hook = [&](const char* name) {
    return std::string("\"") + name + R"(":{"_scriptId":")" + id + R"(","function":")" + name
           + R"(","configuration":{"ignore":1,"fail":2}})";
  };
  auto imp = http_import(conn, R"({"method":["POST"],"relativeURI":["/sink/invoked-hooks"]})",
                         R"("hooks":{)" + hook("preMap") + "," + hook("postMap") + "," + hook("postSubmit") + "}");
  auto put = api("POST", "/v1/imports/" + imp + "/invoke", R"({"data":[{"id":0},{"id":1},{"id":2},{"id":3},{"id":4}]})");
  BOOST_REQUIRE_MESSAGE(put.status == 200u, put.body);
  auto answered = put.json();
  const auto& results = answered.as_array();
  BOOST_REQUIRE_EQUAL(results.size(), 5u);
  BOOST_TEST(results[0].at("statusCode").as_int64() / 100 == 2, put.body);
  BOOST_TEST(results[1].at("ignored").as_bool(), put.body);
  BOOST_TEST(json::serialize(results[2]).find("pre_bad") != std::string::npos, put.body);
  BOOST_TEST(results[3].at("statusCode").as_int64() == 422, put.body);  // postSubmit turned it down
  BOOST_TEST(json::serialize(results[3]).find("post_bad") != std::string::npos, put.body);
  auto got = peer.sink("invoked-hooks");
  BOOST_REQUIRE_EQUAL(got.size(), 3u);  // 0, 3, 4
  for (const auto& e : got)
    BOOST_TEST((e.record.at("pre").as_bool() && e.record.at("post").as_bool()));
}

BOOST_FIXTURE_TEST_CASE(script_input_filters_decide_what_an_import_takes, script_fixture) {
  auto id = script(modern_hook);
  auto block = [&](const char* function) {
    return std::string(R"({"type":"script","script":{"_scriptId":")") + id + R"(","function":")" + function + R"("}})";
  };
  auto exp = http_export(conn, R"({"relativeURI":"/source/page?total=6&size=6","response":{"resourcePath":"items"}})",
                         R"("pageSize":4)");
  // The import's own filter; and an entry's inputFilter, which takes the
  // place of the import's (expression) filter.
  auto even = http_import(conn, R"({"method":["POST"],"relativeURI":["/sink/even"]})",
                          R"("filter":)" + block("evenIds") + R"(,"hooks":{"preMap":{"_scriptId":")" + id
                            + R"(","function":"preMap","configuration":{}}})");
  auto gold = http_import(conn, R"({"method":["POST"],"relativeURI":["/sink/gold"]})",
                          R"("filter":{"type":"expression","expression":{"version":"1","rules":["equals",["number",["extract","id"]],1]}})");
  auto body = R"({"name":"filters","pageGenerators":[{"_exportId":")" + exp + R"("}],"pageProcessors":[)"
              R"({"type":"import","_importId":")" + even + R"("},)"
              R"({"type":"import","_importId":")" + gold + R"(","inputFilter":)" + block("goldOnly") + "}]}";
  auto job_id = run(create("flows", body));
  auto j = wait_job(job_id);
  BOOST_TEST(std::string(j.at("status").as_string()) == "completed", errors_of(job_id));
  auto got = peer.sink("even");
  BOOST_REQUIRE_EQUAL(got.size(), 3u);  // 0, 2, 4; preMap saw only those
  for (const auto& e : got) {
    BOOST_TEST(e.record.at("id").as_int64() % 2 == 0);
    BOOST_TEST(e.record.at("pre").as_bool());
  }
  auto golden = peer.sink("gold");
  BOOST_REQUIRE_EQUAL(golden.size(), 2u);  // 0, 3
  for (const auto& e : golden)
    BOOST_TEST(std::string(e.record.at("tier").as_string()) == "gold");
  BOOST_TEST(j.at("numIgnore").as_int64() == 3 + 4);
}

// A lookup's script input filter picks what it looks up; its own
// preSavePage gets what it found for each record, before responseMapping.
BOOST_FIXTURE_TEST_CASE(a_lookups_script_input_filter_and_pre_save_page_run, script_fixture) {
  auto id = script(modern_hook);
  auto exp = http_export(conn, R"({"relativeURI":"/source/page?total=4&size=4","response":{"resourcePath":"items"}})");
  auto lookup = http_export(conn, R"({"method":"GET","relativeURI":"/source/skip?total=100&size=1&offset={{record.id}}",
                                     "response":{"resourcePath":"items"}})",
                            R"("isLookup":true,"hooks":{"preSavePage":{"_scriptId":")" + id + R"(","function":"shoutsWhatItFound"}})");
  auto sink = http_import(conn, R"({"method":["POST"],"relativeURI":["/sink/scripted-lookup"]})");
  auto flow_id = create("flows", R"({"name":"scripted lookup","pageGenerators":[{"_exportId":")" + exp + R"("}],
    "pageProcessors":[
      {"type":"export","_exportId":")" + lookup + R"(","inputFilter":{"type":"script","script":{"_scriptId":")" + id
                                   + R"(","function":"evenIds"}},"responseMapping":{"fields":[{"extract":"data[0].email","generate":"found"}]}},
      {"type":"import","_importId":")" + sink + R"("}]})");
  auto job_id = run(flow_id);
  auto j = wait_job(job_id);
  BOOST_TEST(std::string(j.at("status").as_string()) == "completed", errors_of(job_id));
  auto got = peer.sink("scripted-lookup");
  BOOST_REQUIRE_EQUAL(got.size(), 4u);
  for (const auto& e : got) {
    const auto& r = e.record.as_object();
    BOOST_TEST(r.contains("found") == (r.at("id").as_int64() % 2 == 0), json::serialize(r));
    if (r.contains("found")) {
      auto upper = std::string(r.at("email").as_string());
      for (auto& c : upper)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      BOOST_TEST(std::string(r.at("found").as_string()) == upper);
    }
  }
}

BOOST_FIXTURE_TEST_CASE(routers_route_by_script_and_by_scripted_branch_filters, script_fixture) {
  auto id = script(modern_hook);
  auto exp = http_export(conn, R"({"relativeURI":"/source/page?total=6&size=6","response":{"resourcePath":"items"}})",
                         R"("pageSize":4)");
  auto to = [&](const char* sink) {
    return R"({"type":"import","_importId":")"
           + http_import(conn, std::string(R"({"method":["POST"],"relativeURI":["/sink/)") + sink + "\"]}") + "\"}";
  };
  auto gens = R"("pageGenerators":[{"_exportId":")" + exp + "\"}]";
  auto by_script = create("flows", R"({"name":"by script",)" + gens + R"(,"routers":[{"id":"tiers",
    "routeRecordsUsing":"script","routeRecordsTo":"all_matching_branches","script":{"_scriptId":")" + id
    + R"(","function":"routesByTier"},"branches":[{"name":"a","pageProcessors":[)" + to("ra") + R"(]},
    {"name":"b","pageProcessors":[)" + to("rb") + "]}]}]}");
  auto job_id = run(by_script);
  auto j = wait_job(job_id);
  BOOST_TEST(std::string(j.at("status").as_string()) == "completed", errors_of(job_id));
  BOOST_TEST(peer.sink("ra").size() == 5u);  // all but 4
  BOOST_TEST(peer.sink("rb").size() == 3u);  // 1, 2, 5
  BOOST_TEST(j.at("numIgnore").as_int64() == 1);
  auto scripted = create("flows", R"({"name":"scripted branch",)" + gens + R"(,"routers":[{"id":"r",
    "branches":[{"name":"gold","inputFilter":{"type":"script","script":{"_scriptId":")" + id
    + R"(","function":"goldOnly"}},"pageProcessors":[)" + to("gold-branch") + R"(]},
    {"name":"rest","pageProcessors":[)" + to("rest-branch") + "]}]}]}");
  job_id = run(scripted);
  j = wait_job(job_id);
  BOOST_TEST(std::string(j.at("status").as_string()) == "completed", errors_of(job_id));
  BOOST_TEST(peer.sink("gold-branch").size() == 2u);
  BOOST_TEST(peer.sink("rest-branch").size() == 4u);
}

BOOST_FIXTURE_TEST_CASE(records_a_router_script_failed_go_through_the_router_again_on_retry, script_fixture) {
  auto id = script(modern_hook);
  auto exp = http_export(conn, R"({"relativeURI":"/source/page?total=4&size=4","response":{"resourcePath":"items"}})",
                         R"("pageSize":2)");
  auto imp = http_import(conn, R"({"method":["POST"],"relativeURI":["/sink/routed"]})");
  auto flow_id = create("flows", R"({"name":"failing router","pageGenerators":[{"_exportId":")" + exp
    + R"("}],"routers":[{"routeRecordsUsing":"script","script":{"_scriptId":")" + id
    + R"(","function":"routesUnlessOne"},"branches":[{"pageProcessors":[{"type":"import","_importId":")" + imp + "\"}]}]}]}");
  auto job_id = run(flow_id);
  auto j = wait_job(job_id);
  auto errors = errors_of(job_id);
  BOOST_TEST(std::string(j.at("status").as_string()) == "completed", errors);
  BOOST_TEST(j.at("numError").as_int64() == 2);  // the first page: 0 and 1
  BOOST_TEST(peer.sink("routed").size() == 2u);
  BOOST_TEST(errors.find("no branch for 1") != std::string::npos, errors);
  BOOST_TEST(errors.find("input_filter") != std::string::npos, errors);
  // Fixed, then retried: through the router into the branch.
  json::object fixed{{"name", "hooks"}, {"content", std::string(modern_hook) + "\nfunction routesUnlessOne() { return [0] }\n"}};
  BOOST_REQUIRE(api("PUT", "/v1/scripts/" + id, json::serialize(fixed)).status == 200u);
  auto retried = api("POST", "/v1/jobs/" + job_id + "/retry");
  BOOST_REQUIRE_MESSAGE(retried.status == 201u, retried.body);
  auto retry_id = std::string(retried.json().as_array()[0].at("_id").as_string());
  auto done = wait_job(retry_id);
  BOOST_TEST(std::string(done.at("status").as_string()) == "completed", errors_of(retry_id));
  BOOST_TEST(peer.sink("routed").size() == 4u);
}

BOOST_FIXTURE_TEST_CASE(a_pre_save_script_shapes_or_rejects_each_save, script_fixture) {
  auto id = script("function shapes({ newResource, oldResource, sandbox }) {\n"
                   "  if (newResource.name.includes('forbidden')) throw new Error('names may not say forbidden')\n"
                   "  return { ...newResource, name: newResource.name.trim().toUpperCase(),\n"
                   "           description: `${oldResource ? 'was ' + oldResource.name : 'new'} ${sandbox}` }\n}\n");
  auto pre_save = R"("preSave":{"_scriptId":")" + id + R"(","function":"shapes"})";
  auto created = api("POST", "/v1/integrations", R"({"name":"  mine ",)" + pre_save + "}");
  BOOST_REQUIRE_MESSAGE(created.status == 201u, created.body);
  auto doc = created.json();
  BOOST_TEST(std::string(doc.at("name").as_string()) == "MINE");
  BOOST_TEST(std::string(doc.at("description").as_string()) == "new false");
  auto integration = std::string(doc.at("_id").as_string());
  auto replaced = api("PUT", "/v1/integrations/" + integration, R"({"name":"again",)" + pre_save + "}");
  BOOST_REQUIRE_MESSAGE(replaced.status == 200u, replaced.body);
  BOOST_TEST(std::string(replaced.json().at("description").as_string()) == "was MINE false");
  BOOST_TEST(std::string(replaced.json().at("_id").as_string()) == integration);
  // Throwing rejects the save; nothing changes.
  auto refused = api("PUT", "/v1/integrations/" + integration, R"({"name":"a forbidden name",)" + pre_save + "}");
  BOOST_TEST(refused.status == 422u, refused.body);
  BOOST_TEST(refused.error_code() == "pre_save_rejected");
  BOOST_TEST(refused.body.find("names may not say forbidden") != std::string::npos, refused.body);
  BOOST_TEST(std::string(api("GET", "/v1/integrations/" + integration).json().at("name").as_string()) == "AGAIN");
  // A preSave naming no script is refused too.
  auto dangling = api("POST", "/v1/integrations",
                      R"({"name":"x","preSave":{"_scriptId":"000000000000000000000000","function":"shapes"}})");
  BOOST_TEST(dangling.status == 422u, dangling.body);
}

BOOST_FIXTURE_TEST_CASE(a_script_that_does_not_compile_is_refused_on_save_naming_the_line, script_fixture) {
  json::object broken{{"name", "broken"}, {"content", "function preSavePage(options) {\n  return { data: options.data ]\n}\n"}};
  auto created = api("POST", "/v1/scripts", json::serialize(broken));
  BOOST_TEST(created.status == 422u, created.body);
  BOOST_TEST(created.body.find("line 2") != std::string::npos, created.body);
  BOOST_TEST(created.body.find("\"field\":\"content\"") != std::string::npos, created.body);
  auto id = script("function preSavePage(options) { return options }");
  auto replaced = api("PUT", "/v1/scripts/" + id, json::serialize(broken));
  BOOST_TEST(replaced.status == 422u, replaced.body);
  BOOST_TEST(replaced.body.find("line 2") != std::string::npos, replaced.body);
  // Modern syntax compiles.
  BOOST_TEST(api("PUT", "/v1/scripts/" + id, json::serialize(json::object{{"name", "m"}, {"content", modern_hook}})).status == 200u);
}

BOOST_AUTO_TEST_SUITE_END()
