// Export modes end to end: a delta sync that neither skips nor repeats a
// record across a failed run, test exports' record limit, and the run
// body's _exportIds and date window.
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <numeric>

#include "core/util/iso_time.hpp"
#include "tests/integration/flow_fixture.hpp"

using namespace integrator::test;
namespace json = boost::json;

namespace {

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
           std::chrono::system_clock::now().time_since_epoch()).count();
}

struct delta_flow : flow_fixture {
  std::string conn, exp, imp, flow_id;
  long next_id = 0;

  delta_flow() {
    conn = peer_connection();
    exp = http_export(conn, R"({"relativeURI":"/changes?since={{lastExportDateTime}}&until={{currentExportDateTime}}",
                               "response":{"resourcePath":"items"}})", R"("type":"delta")");
    imp = http_import(conn, R"({"method":["POST"],"relativeURI":["/sink/delta"]})");
    flow_id = flow(exp, {imp});
  }
  // `n` records changed now: strictly after any run so far started, and
  // strictly before the next one starts.
  void change(int n) {
    std::this_thread::sleep_for(std::chrono::milliseconds(3));
    auto at = integrator::format_iso_ms(now_ms());
    for (int i = 0; i < n; ++i)
      peer.add_change(next_id++, at);
    std::this_thread::sleep_for(std::chrono::milliseconds(3));
  }
  std::string last_export() {
    auto r = api("GET", "/v1/flows/" + flow_id + "/lastExportDateTime");
    BOOST_REQUIRE_MESSAGE(r.status == 200u, r.body);
    auto doc = r.json();
    const auto& v = doc.at("lastExportDateTime");
    return v.is_null() ? "" : std::string(v.as_string());
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(export_modes)

BOOST_FIXTURE_TEST_CASE(a_delta_sync_neither_skips_nor_repeats_across_a_failed_run, delta_flow) {
  BOOST_TEST(last_export().empty());
  change(5);
  auto first = wait_job(run(flow_id));
  BOOST_TEST(count(first, "numSuccess") == 5);  // the first run is a full export
  auto mark = last_export();
  BOOST_TEST(!mark.empty());
  change(3);
  // The middle run fails at its first request: the mark stays.
  fault f;
  f.path_prefix = "/changes";
  f.status = 400;
  peer.inject(f);
  auto failed = wait_job(run(flow_id));
  BOOST_TEST(std::string(failed.at("status").as_string()) == "failed");
  BOOST_TEST(last_export() == mark);
  change(4);
  auto third = wait_job(run(flow_id));
  BOOST_TEST(std::string(third.at("status").as_string()) == "completed");
  BOOST_TEST(count(third, "numSuccess") == 7);  // the 3 the failed run missed, and 4 new
  BOOST_TEST(last_export() > mark);
  auto ids = sink_ids(peer, "delta");
  std::sort(ids.begin(), ids.end());
  std::vector<std::int64_t> all(12);
  std::iota(all.begin(), all.end(), 0);
  BOOST_TEST(ids == all, boost::test_tools::per_element());
  // Nothing changed: nothing moves.
  auto quiet = wait_job(run(flow_id));
  BOOST_TEST(count(quiet, "numExport") == 0);
}

BOOST_FIXTURE_TEST_CASE(a_run_body_window_is_a_backfill_that_keeps_the_mark, delta_flow) {
  change(2);
  wait_job(run(flow_id));
  auto mark = last_export();
  auto from = integrator::format_iso_ms(now_ms() - 3600 * 1000);
  auto r = api("POST", "/v1/flows/" + flow_id + "/run",
               R"({"startDate":")" + from + R"(","_exportIds":[")" + exp + R"("]})");
  BOOST_REQUIRE_MESSAGE(r.status == 201u, r.body);
  auto backfill = wait_job(std::string(r.json().at("_jobId").as_string()));
  BOOST_TEST(count(backfill, "numSuccess") == 2);  // both again, from the given start
  BOOST_TEST(last_export() == mark);
  BOOST_TEST(api("POST", "/v1/flows/" + flow_id + "/run", R"({"startDate":"yesterday"})").status == 422u);
  BOOST_TEST(api("POST", "/v1/flows/" + flow_id + "/run", R"({"_exportIds":["0123456789abcdef01234567"]})").status == 422u);
  BOOST_TEST(api("POST", "/v1/flows/" + flow_id + "/run", R"({"startDate":")" + from
                                                             + R"(","endDate":"2001-01-01T00:00:00.000Z"})").status == 422u);
}

BOOST_FIXTURE_TEST_CASE(a_test_export_stops_at_its_limit, flow_fixture) {
  auto conn = peer_connection();
  auto exp = http_export(conn, R"({"relativeURI":"/source/page?total=50&size=10&page={{export.http.paging.page}}",
                                  "response":{"resourcePath":"items"},"paging":{"method":"page"}})",
                         R"("type":"test","test":{"limit":13})");
  auto imp = http_import(conn, R"({"method":["POST"],"relativeURI":["/sink/sample"]})");
  auto j = wait_job(run(flow(exp, {imp})));
  BOOST_TEST(count(j, "numSuccess") == 13);
  BOOST_TEST(peer.sink("sample").size() == 13u);
  BOOST_TEST(peer.hits("/source/page") <= 3);  // stopped paging once it had enough
  // Out of range limits are refused.
  auto bad = api("POST", "/v1/exports", R"({"name":"Too many","adaptorType":"HTTPExport","_connectionId":")"
                                          + conn + R"(","http":{"relativeURI":"/x"},"type":"test","test":{"limit":500}})");
  BOOST_TEST(bad.status == 422u, bad.body);
}

BOOST_FIXTURE_TEST_CASE(a_virtual_export_pages_with_a_state_a_client_cannot_alter, flow_fixture) {
  auto conn = peer_connection();
  std::string exp = R"({"http":{"relativeURI":"/source/page?total=7&size=3&page={{export.http.paging.page}}",
                        "response":{"resourcePath":"items"},"paging":{"method":"page"}}})";
  auto whole = api("POST", "/v1/connections/" + conn + "/export", R"({"export":)" + exp + "}");
  BOOST_REQUIRE_MESSAGE(whole.status == 200u, whole.body);
  BOOST_TEST(whole.json().at("data").as_array().size() == 7u);
  // A saved export, invoked alone.
  auto saved = http_export(conn, R"({"relativeURI":"/source/page?total=4&size=10","response":{"resourcePath":"items"}})");
  auto invoked = api("POST", "/v1/exports/" + saved + "/invoke");
  BOOST_REQUIRE_MESSAGE(invoked.status == 200u, invoked.body);
  BOOST_TEST(invoked.json().at("data").as_array().size() == 4u);
  // Page by page, sending back each state as received.
  std::vector<std::int64_t> ids;
  json::value state;
  json::value first_state;
  for (int call = 0; call < 10; ++call) {
    std::string body = R"({"export":)" + exp + (state.is_null() ? "" : R"(,"pagedExportState":)" + json::serialize(state)) + "}";
    auto r = api("POST", "/v1/connections/" + conn + "/export/pages", body);
    BOOST_REQUIRE_MESSAGE(r.status == 200u, r.body);
    auto doc = r.json().as_object();
    for (const auto& rec : doc.at("data").as_array())
      ids.push_back(rec.at("id").as_int64());
    state = doc.at("pagedExportState");
    if (first_state.is_null())
      first_state = state;
    if (state.at("done") == true)
      break;
  }
  BOOST_TEST(ids == (std::vector<std::int64_t>{0, 1, 2, 3, 4, 5, 6}), boost::test_tools::per_element());
  // Altered, signed for another export, or forged: 400.
  auto tampered = first_state;
  tampered.as_object()["pageIndex"] = 5;
  auto sent = [&](const std::string& export_json, const json::value& st) {
    return api("POST", "/v1/connections/" + conn + "/export/pages",
               R"({"export":)" + export_json + R"(,"pagedExportState":)" + json::serialize(st) + "}");
  };
  BOOST_TEST(sent(exp, tampered).status == 400u);
  auto moved = first_state;
  auto search = std::string(moved.at("searchId").as_string());
  search.replace(search.find("\"page\":1"), 8, "\"page\":2");
  moved.as_object()["searchId"] = search;
  BOOST_TEST(sent(exp, moved).status == 400u);
  BOOST_TEST(sent(R"({"http":{"relativeURI":"/source/page?total=99","response":{"resourcePath":"items"}}})",
                  first_state).status == 400u);
  auto forged = first_state;
  forged.as_object()["sig"] = std::string(64, '0');
  BOOST_TEST(sent(exp, forged).status == 400u);
  // The state as issued still works.
  BOOST_TEST(sent(exp, first_state).status == 200u);
}

// A standalone export runs the same loop as a flow's: what it answers has
// been through the export's transform and output filter, up to its limit.
BOOST_FIXTURE_TEST_CASE(a_standalone_export_applies_its_transform_filter_and_limit, flow_fixture) {
  auto conn = peer_connection();
  const char* shaped = R"("filter":{"type":"expression","expression":{"version":"1",
      "rules":["equals",["extract","active"],true]}},
    "transform":{"type":"expression","expression":{"version":"2","rulesTwoDotZero":{"mode":"create",
      "mappings":[{"generate":"key","dataType":"string","extract":"$.id"},
                  {"generate":"active","dataType":"boolean","extract":"$.active"}]}}})";
  auto all = http_export(conn, R"({"relativeURI":"/source/page?total=10&size=10","response":{"resourcePath":"items"}})",
                         shaped);
  auto r = api("POST", "/v1/exports/" + all + "/invoke");
  BOOST_REQUIRE_MESSAGE(r.status == 200u, r.body);
  auto data = r.json().at("data").as_array();
  BOOST_REQUIRE(data.size() == 5u);  // the active ones: 0, 2, 4, 6, 8
  BOOST_TEST(data[1] == json::parse(R"({"key":"2","active":true})"));
  auto limited = http_export(conn, R"({"relativeURI":"/source/page?total=10&size=10","response":{"resourcePath":"items"}})",
                             std::string(shaped) + R"(,"type":"test","test":{"limit":3})");
  r = api("POST", "/v1/exports/" + limited + "/invoke");
  BOOST_REQUIRE_MESSAGE(r.status == 200u, r.body);
  BOOST_TEST(r.json().at("data").as_array().size() == 3u);
}

BOOST_FIXTURE_TEST_CASE(a_once_export_flags_each_page_once_it_went_through, flow_fixture) {
  auto conn = peer_connection();
  auto exp = http_export(conn, R"({"relativeURI":"/once/pending?total=25&size=10","response":{"resourcePath":"items"},
                                   "once":{"relativeURI":"/once/flag/{{record.id}}","method":"PUT"}})",
                         R"("type":"once","pageSize":4)");
  auto imp = http_import(conn, R"({"method":["POST"],"relativeURI":["/sink/once"]})");
  auto flow_id = flow(exp, {imp});
  auto sorted_sink = [&] {
    auto ids = sink_ids(peer, "once");
    std::sort(ids.begin(), ids.end());
    return ids;
  };
  auto range = [](std::int64_t from, std::int64_t to) {
    std::vector<std::int64_t> v(static_cast<std::size_t>(to - from));
    std::iota(v.begin(), v.end(), from);
    return v;
  };
  // Each run takes the ten oldest unflagged records, in pages of 4, 4, 2.
  BOOST_TEST(std::string(wait_job(run(flow_id)).at("status").as_string()) == "completed");
  BOOST_TEST(peer.hits("/once/flag") == 10);
  BOOST_TEST(sorted_sink() == range(0, 10), boost::test_tools::per_element());
  BOOST_TEST(std::string(wait_job(run(flow_id)).at("status").as_string()) == "completed");
  BOOST_TEST(sorted_sink() == range(0, 20), boost::test_tools::per_element());
  // A flagging call that fails is an error of the export, and its record
  // comes again next run.
  peer.inject({"PUT", "/once/flag/21", 1, 404});
  auto third = run(flow_id);
  auto j = wait_job(third);
  BOOST_TEST(std::string(j.at("status").as_string()) == "completed");
  BOOST_TEST(count(j, "numError") == 1);
  auto errors = api("GET", "/v1/jobs/" + third + "/joberrors").json();
  BOOST_REQUIRE_EQUAL(errors.as_array().size(), 1u);
  BOOST_TEST(errors.as_array()[0].at("code").as_string() == "once_failed");
  BOOST_TEST(errors.as_array()[0].at("_stepId").as_string() == exp);
  BOOST_TEST(sorted_sink() == range(0, 25), boost::test_tools::per_element());
  BOOST_TEST(count(wait_job(run(flow_id)), "numExport") == 1);  // 21 again
  BOOST_TEST(count(wait_job(run(flow_id)), "numExport") == 0);
  BOOST_TEST(sink_ids(peer, "once").size() == 26u);
}

// Every run of it would fail, so it is refused when saved.
BOOST_FIXTURE_TEST_CASE(a_once_export_without_its_flagging_request_is_refused_on_save, flow_fixture) {
  auto conn = peer_connection();
  auto r = api("POST", "/v1/exports", R"({"name":"once","adaptorType":"HTTPExport","type":"once","_connectionId":")"
                                          + conn + R"(","http":{"relativeURI":"/once/pending"}})");
  BOOST_TEST(r.status == 422u);
  BOOST_TEST(r.body.find("http.once.relativeURI") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(a_preview_shows_each_stage_of_an_unsaved_export, flow_fixture) {
  auto conn = peer_connection();
  auto preview = [&](const std::string& extra) {
    auto r = api("POST", "/v1/exports/preview", R"({"name":"unsaved","adaptorType":"HTTPExport","_connectionId":")"
                                                   + conn + "\"," + extra + "}");
    BOOST_REQUIRE_MESSAGE(r.status == 200u, r.status << " " << r.body);
    return r.json().as_object();
  };
  auto stage_names = [](const json::object& answer) {
    std::vector<std::string> names;
    for (const auto& s : answer.at("stages").as_array())
      names.emplace_back(s.at("name").as_string());
    return names;
  };
  // Transform and filter: gold records (every third), renamed; ten at most.
  auto shaped = preview(R"("http":{"relativeURI":"/source/page?total=60&size=60","response":{"resourcePath":"items"}},
    "transform":{"type":"expression","expression":{"version":"1","rules":[[{"extract":"id","generate":"key"},{"extract":"tier","generate":"tier"}]]}},
    "filter":{"type":"expression","expression":{"version":"1","rules":["equals",["extract","tier"],"gold"]}})");
  BOOST_TEST(stage_names(shaped) == (std::vector<std::string>{"request", "raw", "parse", "transform", "filter"}),
             boost::test_tools::per_element());
  const auto& stages = shaped.at("stages").as_array();
  BOOST_TEST(stages[0].at("data").at("url").as_string() == peer.base_url() + "/source/page?total=60&size=60");
  BOOST_TEST(stages[1].at("data").at("statusCode").as_int64() == 200);
  BOOST_TEST(stages[2].at("data").as_array().size() == 60u);
  BOOST_TEST(stages[4].at("data").as_array().size() == 20u);
  const auto& data = shaped.at("data").as_array();
  BOOST_REQUIRE_EQUAL(data.size(), 10u);  // no test.limit: ten
  BOOST_TEST(data[1].at("key").as_int64() == 3);
  BOOST_TEST(!data[1].as_object().contains("email"));
  // test.limit caps the data; postData fills the delta templates.
  auto windowed = preview(R"("type":"delta","test":{"limit":2},
    "http":{"relativeURI":"/source/page?total=5&size=5&since={{lastExportDateTime}}","response":{"resourcePath":"items"}},
    "postData":{"lastExportDateTime":"2026-01-02T03:04:05.000Z"})");
  BOOST_TEST(windowed.at("data").as_array().size() == 2u);
  auto url = std::string(windowed.at("stages").as_array()[0].at("data").at("url").as_string());
  BOOST_TEST(url.find("since=2026-01-02T03%3A04%3A05.000Z") != std::string::npos, url);
  // A failing request: the raw stage says why, and there is no data.
  auto failing = preview(R"("http":{"relativeURI":"/nothing-here"})");
  BOOST_TEST(failing.at("data").as_array().empty());
  const auto& raw = failing.at("stages").as_array()[1];
  BOOST_TEST(raw.at("data").at("statusCode").as_int64() == 404);
  BOOST_TEST(!raw.at("errors").as_array().empty());
  // An export that does not compile, or names no connection, is a 422.
  BOOST_TEST(api("POST", "/v1/exports/preview", R"({"_connectionId":")" + conn
                                                  + R"(","http":{"relativeURI":"/x/{{#if}}"}})").status == 422u);
  BOOST_TEST(api("POST", "/v1/exports/preview", R"({"http":{"relativeURI":"/x"}})").status == 422u);
}

// One nesting rule for preview and run: a record nested deeper than 256
// levels is refused by both with the same message; one of 40 levels (which
// the preview used to drop without a word) passes both.
BOOST_FIXTURE_TEST_CASE(preview_and_run_refuse_the_same_deep_records, flow_fixture) {
  auto nest = [](int depth) {
    return std::string(static_cast<std::size_t>(depth), '[') + "1" + std::string(static_cast<std::size_t>(depth), ']');
  };
  auto page = R"({"items":[{"id":1,"deep":)" + nest(300) + R"(},{"id":2,"deep":)" + nest(40) + "}]}";
  peer.inject({.method = "GET", .path_prefix = "/source/deep", .times = 2, .status = 200, .body = page});
  auto conn = peer_connection();
  const std::string http = R"({"relativeURI":"/source/deep","response":{"resourcePath":"items"}})";
  auto r = api("POST", "/v1/exports/preview",
               R"({"adaptorType":"HTTPExport","_connectionId":")" + conn + R"(","http":)" + http + "}");
  BOOST_REQUIRE_MESSAGE(r.status == 200u, r.body);
  auto answer = r.json();
  const auto& parse = answer.at("stages").as_array()[2];
  BOOST_TEST(parse.at("data").as_array().size() == 1u);
  BOOST_TEST(parse.at("data").as_array()[0].at("id").as_int64() == 2);
  BOOST_REQUIRE(!parse.at("errors").as_array().empty());
  auto preview_message = std::string(parse.at("errors").as_array()[0].at("message").as_string());
  BOOST_TEST(preview_message.find("nested deeper than 256 levels") != std::string::npos, preview_message);
  // The run: the same record fails with the same words, the other arrives.
  auto exp = http_export(conn, http);
  auto imp = http_import(conn, R"({"method":["POST"],"relativeURI":["/sink/deep"]})");
  auto job_id = run(flow(exp, {imp}));
  auto j = wait_job(job_id);
  BOOST_TEST(count(j, "numError") == 1);
  BOOST_TEST(count(j, "numSuccess") == 1);
  auto errors = api("GET", "/v1/jobs/" + job_id + "/joberrors").json().as_array();
  BOOST_REQUIRE_EQUAL(errors.size(), 1u);
  BOOST_TEST(std::string(errors[0].at("message").as_string()) == preview_message);
  BOOST_REQUIRE_EQUAL(peer.sink("deep").size(), 1u);
  BOOST_TEST(sink_ids(peer, "deep")[0] == 2);
  // API bodies keep the same rule.
  auto deep_body = api("POST", "/v1/scripts", R"({"name":"x","deep":)" + nest(300) + "}");
  BOOST_TEST(deep_body.status == 400u);
  BOOST_TEST(deep_body.body.find("deeper than 256") != std::string::npos, deep_body.body);
  BOOST_TEST(api("POST", "/v1/scripts", R"({"name":"x","deep":)" + nest(100) + "}").status == 201u);
}

BOOST_AUTO_TEST_SUITE_END()
