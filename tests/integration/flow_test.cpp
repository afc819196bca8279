// Flows end to end through the real integratord against the test HTTP
// server: paging styles, mappings and filters, errors, jobs.
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <numeric>
#include <set>

#include "tests/integration/flow_fixture.hpp"

using namespace integrator::test;
namespace json = boost::json;

namespace {

std::vector<std::int64_t> range(std::int64_t n) {
  std::vector<std::int64_t> v(n);
  std::iota(v.begin(), v.end(), 0);
  return v;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(flow_run)

BOOST_FIXTURE_TEST_CASE(a_paged_export_reaches_the_sink_once_each, flow_fixture) {
  auto conn = peer_connection();
  auto exp = http_export(conn, R"({"method":"GET","relativeURI":"/source/page?total=45&size=10&page={{export.http.paging.page}}",
                                  "response":{"resourcePath":"items"},"paging":{"method":"page","maxPagePath":"pages"}})");
  auto imp = http_import(conn, R"({"method":["POST"],"relativeURI":["/sink/plain"]})");
  auto flow_id = flow(exp, {imp});
  auto job_id = run(flow_id);
  auto j = wait_job(job_id);
  BOOST_TEST(std::string(j.at("status").as_string()) == "completed");
  BOOST_TEST(count(j, "numExport") == 45);
  BOOST_TEST(count(j, "numSuccess") == 45);
  BOOST_TEST(count(j, "numError") == 0);
  BOOST_TEST(count(j, "numPagesGenerated") == 3);  // 45 records in pages of 20
  BOOST_TEST(j.contains("startedAt"));
  BOOST_TEST(j.contains("endedAt"));
  auto ids = sink_ids(peer, "plain");
  std::sort(ids.begin(), ids.end());
  BOOST_TEST(ids == range(45), boost::test_tools::per_element());
  // Child jobs hang off the flow job.
  auto children = api("GET", "/v1/jobs?_flowJobId=" + job_id + "&type=export,import");
  BOOST_REQUIRE_MESSAGE(children.status == 200u, children.body);
  BOOST_TEST(children.json().as_array().size() == 2u);
  auto latest = api("GET", "/v1/flows/" + flow_id + "/jobs/latest");
  BOOST_TEST(latest.json().as_array().at(0).at("_id").as_string() == job_id);
}

// Two generators, each on its own connection, whose first answers are late.
std::string two_generator_flow(flow_fixture& f, bool parallel, const std::string& sink) {
  f.peer.inject({"GET", "/source/page", 2, 200, -1, 400});
  auto first = f.http_export(f.peer_connection(), R"({"relativeURI":"/source/page?total=5&size=5","response":{"resourcePath":"items"}})");
  auto second = f.http_export(f.peer_connection(), R"({"relativeURI":"/source/page?total=7&size=7","response":{"resourcePath":"items"}})");
  auto imp = f.http_import(f.peer_connection(), R"({"method":["POST"],"relativeURI":["/sink/)" + sink + "\"]}");
  return f.create("flows", R"({"name":"two sources","runPageGeneratorsInParallel":)" + std::string(parallel ? "true" : "false")
                             + R"(,"pageGenerators":[{"_exportId":")" + first + R"("},{"_exportId":")" + second
                             + R"("}],"pageProcessors":[{"type":"import","_importId":")" + imp + "\"}]}");
}

BOOST_FIXTURE_TEST_CASE(page_generators_run_one_after_another_or_in_parallel, flow_fixture) {
  auto j = wait_job(run(two_generator_flow(*this, false, "one-by-one")));
  BOOST_TEST(std::string(j.at("status").as_string()) == "completed");
  BOOST_TEST(peer.sink("one-by-one").size() == 12u);
  BOOST_TEST(peer.peak_in_flight("/source/page") == 1);
  j = wait_job(run(two_generator_flow(*this, true, "together")));
  BOOST_TEST(std::string(j.at("status").as_string()) == "completed");
  BOOST_TEST(count(j, "numExport") == 12);
  BOOST_TEST(peer.sink("together").size() == 12u);
  BOOST_TEST(peer.peak_in_flight("/source/page") == 2);
}

BOOST_FIXTURE_TEST_CASE(a_failed_generator_ends_the_run_without_the_next_one, flow_fixture) {
  auto conn = peer_connection();
  auto broken = http_export(conn, R"({"relativeURI":"/nothing-here"})");
  auto fine = http_export(conn, R"({"relativeURI":"/source/skip?total=5&size=5","response":{"resourcePath":"items"}})");
  auto imp = http_import(conn, R"({"method":["POST"],"relativeURI":["/sink/after-broken"]})");
  auto flow_id = create("flows", R"({"name":"broken first","pageGenerators":[{"_exportId":")" + broken
                                   + R"("},{"_exportId":")" + fine + R"("}],"pageProcessors":[{"type":"import","_importId":")"
                                   + imp + "\"}]}");
  auto j = wait_job(run(flow_id), 10);
  BOOST_TEST(std::string(j.at("status").as_string()) == "failed");
  BOOST_TEST(peer.hits("/source/skip") == 0);
  BOOST_TEST(peer.sink("after-broken").empty());
}

// A source that ignores `skip` answers its first page forever: the run
// stops after 6 identical answers instead of running until cancelled.
BOOST_FIXTURE_TEST_CASE(a_source_that_ignores_paging_stops_the_run, flow_fixture) {
  auto conn = peer_connection();
  auto exp = http_export(conn, R"({"relativeURI":"/source/page?total=1000&size=10&start={{export.http.paging.skip}}",
                                   "response":{"resourcePath":"items"},"paging":{"method":"skip"}})");
  auto imp = http_import(conn, R"({"method":["POST"],"relativeURI":["/sink/loop"]})");
  auto job_id = run(flow(exp, {imp}));
  auto j = wait_job(job_id);
  BOOST_TEST(std::string(j.at("status").as_string()) == "failed");
  auto errors = api("GET", "/v1/jobs/" + job_id + "/joberrors").json().as_array();
  BOOST_REQUIRE(!errors.empty());
  BOOST_TEST(std::string(errors.back().at("message").as_string()).find("same page") != std::string::npos);
  BOOST_TEST(peer.hits("/source/page") == 7);
  BOOST_TEST(peer.sink("loop").size() == 60u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(flow_paging)

// Every paging style of the source, each through its own flow; every
// record arrives exactly once.
BOOST_FIXTURE_TEST_CASE(every_paging_style_moves_every_record_once, flow_fixture) {
  auto conn = peer_connection();
  struct style {
    std::string name;
    std::string http;
  };
  const std::vector<style> styles = {
    {"page", R"({"relativeURI":"/source/page?total=33&size=7&page={{export.http.paging.page}}",
               "response":{"resourcePath":"items"},"paging":{"method":"page"}})"},
    {"skip", R"({"relativeURI":"/source/skip?total=33&size=7&offset={{export.http.paging.skip}}",
               "response":{"resourcePath":"items"},"paging":{"method":"skip","maxCountPath":"total"}})"},
    {"token", R"({"relativeURI":"/source/token?total=33&size=7&cursor={{export.http.paging.token}}",
                "response":{"resourcePath":"items"},"paging":{"method":"token","path":"next"}})"},
    {"link", R"({"relativeURI":"/source/link?total=33&size=7","paging":{"method":"linkheader"}})"},
    {"url", R"({"relativeURI":"/source/url?total=33&size=7","response":{"resourcePath":"items"},
              "paging":{"method":"url","path":"nextUrl"}})"},
    {"last", R"({"relativeURI":"/source/last?total=33&size=7",
               "response":{"resourcePath":"items"},
               "paging":{"method":"relativeuri",
                         "relativeURI":"/source/last?total=33&size=7&after={{previous_page.last_record.id}}",
                         "lastPagePath":"done","lastPageValues":["true"]}})"},
    {"notfound", R"({"relativeURI":"/source/notfound?total=33&size=7&page={{export.http.paging.page}}",
                   "response":{"resourcePath":"items"},"paging":{"method":"page"}})"},
  };
  for (const auto& s : styles) {
    BOOST_TEST_CONTEXT("paging style " << s.name) {
      auto exp = http_export(conn, s.http);
      auto imp = http_import(conn, R"({"method":["POST"],"relativeURI":["/sink/)" + s.name + R"("]})");
      auto j = wait_job(run(flow(exp, {imp})));
      BOOST_TEST(std::string(j.at("status").as_string()) == "completed");
      BOOST_TEST(count(j, "numExport") == 33);
      auto ids = sink_ids(peer, s.name);
      std::sort(ids.begin(), ids.end());
      BOOST_TEST(ids == range(33), boost::test_tools::per_element());
    }
  }
}

BOOST_FIXTURE_TEST_CASE(legacy_rest_export_and_import, flow_fixture) {
  auto conn = create("connections", R"({"type":"rest","name":"Legacy","rest":{"baseURI":")"
                                      + peer.base_url() + R"(","authType":"token","bearerToken":"tok-1"}})");
  auto exp = create("exports", R"({"name":"Legacy export","_connectionId":")" + conn
                                 + R"(","rest":{"relativeURI":"/source/page?total=12&size=5","pagingMethod":"pageargument",
                                     "pageArgument":"page","resourcePath":"items"}})");
  auto imp = create("imports", R"({"name":"Legacy import","_connectionId":")" + conn
                                 + R"(","rest":{"relativeURI":["/sink/legacy"],"method":["POST"]}})");
  auto j = wait_job(run(flow(exp, {imp})));
  BOOST_TEST(std::string(j.at("status").as_string()) == "completed");
  // pageargument counts from 1: pages 1 and 2 hold records 5..11.
  BOOST_TEST(count(j, "numExport") == 7);
  BOOST_TEST(peer.last_headers("/sink/legacy")["authorization"] == "Bearer tok-1");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(flow_records)

BOOST_FIXTURE_TEST_CASE(filters_and_mappings_shape_what_arrives, flow_fixture) {
  auto conn = peer_connection(R"("auth":{"type":"token","token":{"token":"s3cret","headerName":"X-Api-Key","scheme":""}})");
  auto exp = http_export(conn, R"({"relativeURI":"/source/skip?total=30&size=10&offset={{export.http.paging.skip}}",
                                  "response":{"resourcePath":"items"},"paging":{"method":"skip"}})",
                         R"("filter":{"type":"expression","expression":{"version":"1","rules":["equals",["extract","active"],true]}})");
  auto imp = http_import(conn, R"({"method":["POST"],"relativeURI":["/sink/mapped"]})",
                         R"("filter":{"type":"expression","expression":{"version":"1","rules":["notequals",["extract","tier"],"gold"]}},
                            "mapping":{"fields":[{"extract":"id","generate":"sourceId"},
                                                 {"extract":"email","generate":"contact.email"},
                                                 {"extract":"amount","generate":"total","dataType":"string"},
                                                 {"hardCodedValue":"integrator","generate":"origin"}]})");
  auto j = wait_job(run(flow(exp, {imp})));
  BOOST_TEST(std::string(j.at("status").as_string()) == "completed");
  // 15 active (even) records; of those, multiples of 6 are gold (0,6,12,18,24): 10 arrive.
  auto sink = peer.sink("mapped");
  BOOST_TEST(sink.size() == 10u);
  BOOST_TEST(count(j, "numSuccess") == 10);
  BOOST_TEST(count(j, "numIgnore") == 15 + 5);
  for (const auto& e : sink) {
    const auto& r = e.record.as_object();
    BOOST_TEST(r.at("origin").as_string() == "integrator");
    BOOST_TEST(r.at("total").is_string());
    BOOST_TEST(!r.contains("email"));
    BOOST_TEST(r.at("contact").at("email").is_string());
  }
  BOOST_TEST(peer.last_headers("/sink/mapped")["x-api-key"] == "s3cret");
}

BOOST_FIXTURE_TEST_CASE(upsert_by_existing_extract_and_batches, flow_fixture) {
  auto conn = peer_connection();
  auto exp = http_export(conn, R"({"relativeURI":"/source/page?total=20&size=20","response":{"resourcePath":"items"}})");
  auto upsert = http_import(conn, R"({"method":["POST","PUT"],"relativeURI":["/sink/upsert","/sink/upsert/{{record.ref}}"],
                                     "requestType":["CREATE","UPDATE"],"existingExtract":"ref"})");
  auto batch = http_import(conn, R"({"method":["POST"],"relativeURI":["/sink/batch"],"batchSize":6})");
  auto j = wait_job(run(flow(exp, {upsert, batch})));
  BOOST_TEST(std::string(j.at("status").as_string()) == "completed");
  auto entries = peer.sink("upsert");
  BOOST_TEST(entries.size() == 20u);
  int puts = 0;
  for (const auto& e : entries)
    if (e.method == "PUT") {
      ++puts;
      BOOST_TEST(e.id == std::string(e.record.at("ref").as_string()));
    }
  BOOST_TEST(puts == 5);  // refs on 0, 4, 8, 12, 16
  BOOST_TEST(peer.sink("batch").size() == 20u);
  BOOST_TEST(peer.hits("/sink/batch") == 4);  // 6+6+6+2
}

BOOST_FIXTURE_TEST_CASE(rejected_records_are_job_errors_and_the_job_completes, flow_fixture) {
  auto conn = peer_connection();
  auto exp = http_export(conn, R"({"relativeURI":"/source/page?total=20&size=20&reject=5","response":{"resourcePath":"items"}})");
  auto imp = http_import(conn, R"({"method":["POST"],"relativeURI":["/sink/picky"],
                                  "response":{"resourceIdPath":["id"]}})");
  auto flow_id = flow(exp, {imp});
  auto job_id = run(flow_id);
  auto j = wait_job(job_id);
  BOOST_TEST(std::string(j.at("status").as_string()) == "completed");
  // i % 5 == 3: 3, 8, 13, 18 are refused.
  BOOST_TEST(count(j, "numError") == 4);
  BOOST_TEST(count(j, "numSuccess") == 16);
  BOOST_TEST(j.at("retriable").as_bool());
  auto errors = api("GET", "/v1/jobs/" + job_id + "/jobErrors");
  BOOST_REQUIRE_MESSAGE(errors.status == 200u, errors.body);
  auto list = errors.json().as_array();
  BOOST_REQUIRE_EQUAL(list.size(), 4u);
  std::vector<std::string> traces;
  for (const auto& e : list) {
    BOOST_TEST(e.at("source").as_string() == "import");
    BOOST_TEST(e.at("code").as_string() == "422");
    BOOST_TEST(std::string(e.at("message").as_string()).find("rejected") != std::string::npos);
    BOOST_TEST(!e.at("retryDataKey").as_string().empty());
    BOOST_TEST(!e.at("errorId").as_string().empty());
    BOOST_TEST(e.at("occurredAt").is_string());
    traces.emplace_back(e.at("traceKey").as_string());
  }
  std::sort(traces.begin(), traces.end());
  BOOST_TEST(traces == (std::vector<std::string>{"13", "18", "3", "8"}), boost::test_tools::per_element());
  BOOST_TEST(api("GET", "/v1/jobs/" + job_id + "/joberrors").json().as_array().size() == 4u);
  auto step = api("GET", "/v1/flows/" + flow_id + "/" + imp + "/errors");
  BOOST_REQUIRE_MESSAGE(step.status == 200u, step.body);
  BOOST_TEST(step.json().at("errors").as_array().size() == 4u);
  auto long_form = api("GET", "/v1/flows/" + flow_id + "/imports/" + imp + "/errors?source=import");
  BOOST_TEST(long_form.json().at("errors").as_array().size() == 4u);
  BOOST_TEST(api("GET", "/v1/flows/" + flow_id + "/" + imp + "/errors?source=export")
               .json().at("errors").as_array().empty());
}

BOOST_FIXTURE_TEST_CASE(lookups_and_response_mapping_feed_later_processors, flow_fixture) {
  auto conn = peer_connection();
  auto exp = http_export(conn, R"({"relativeURI":"/source/page?total=12&size=12","response":{"resourcePath":"items"}})");
  auto lookup = http_export(conn, R"({"method":"GET","relativeURI":"/source/skip?total=100&size=1&offset={{record.id}}",
                                     "response":{"resourcePath":"items"}})", R"("isLookup":true)");
  auto first = http_import(conn, R"({"method":["POST"],"relativeURI":["/sink/first"]})");
  auto last = http_import(conn, R"({"method":["POST"],"relativeURI":["/sink/last"]})");
  auto flow_id = create("flows", R"({"name":"chain","pageGenerators":[{"_exportId":")" + exp + R"("}],
    "pageProcessors":[
      {"type":"export","_exportId":")" + lookup + R"(","responseMapping":{"fields":[{"extract":"data[0].email","generate":"found"}]}},
      {"type":"import","_importId":")" + first + R"(","responseMapping":{"fields":[{"extract":"id","generate":"firstId"}]}},
      {"type":"import","_importId":")" + last + R"("}]})");
  auto j = wait_job(run(flow_id));
  BOOST_TEST(std::string(j.at("status").as_string()) == "completed");
  auto got = peer.sink("last");
  BOOST_REQUIRE_EQUAL(got.size(), 12u);
  auto firsts = peer.sink("first");
  std::set<std::string> first_ids;
  for (const auto& e : firsts)
    first_ids.insert(e.id);
  for (const auto& e : got) {
    const auto& r = e.record.as_object();
    BOOST_TEST(r.at("found") == r.at("email"));
    BOOST_TEST(first_ids.count(std::string(r.at("firstId").as_string())) == 1u);
  }
  auto children = api("GET", "/v1/jobs?_flowJobId=" + std::string(j.at("_id").as_string())
                               + "&type=export,import").json();
  BOOST_TEST(children.as_array().size() == 4u);
}

// A lookup's input filter (its own inputFilter, or its flow entry's)
// decides which records it looks up; the others go on without.
BOOST_FIXTURE_TEST_CASE(a_lookups_input_filter_decides_what_it_looks_up, flow_fixture) {
  auto conn = peer_connection();
  auto exp = http_export(conn, R"({"relativeURI":"/source/page?total=4&size=4","response":{"resourcePath":"items"}})");
  const std::string not_one = R"({"type":"expression","expression":{"version":"1","rules":["notequals",["number",["extract","id"]],1]}})";
  auto lookup = http_export(conn, R"({"method":"GET","relativeURI":"/source/skip?total=100&size=1&offset={{record.id}}",
                                     "response":{"resourcePath":"items"}})", R"("isLookup":true,"inputFilter":)" + not_one);
  auto sink = http_import(conn, R"({"method":["POST"],"relativeURI":["/sink/filtered-lookup"]})");
  auto flow_id = create("flows", R"({"name":"filtered lookup","pageGenerators":[{"_exportId":")" + exp + R"("}],
    "pageProcessors":[
      {"type":"export","_exportId":")" + lookup + R"(","responseMapping":{"fields":[{"extract":"data[0].email","generate":"found"}]}},
      {"type":"import","_importId":")" + sink + R"("}]})");
  auto j = wait_job(run(flow_id));
  BOOST_TEST(std::string(j.at("status").as_string()) == "completed");
  auto got = peer.sink("filtered-lookup");
  BOOST_REQUIRE_EQUAL(got.size(), 4u);
  for (const auto& e : got) {
    const auto& r = e.record.as_object();
    BOOST_TEST(r.contains("found") == (r.at("id").as_int64() != 1), json::serialize(r));
  }
}

BOOST_FIXTURE_TEST_CASE(import_lookups_feed_relative_uris, flow_fixture) {
  auto conn = peer_connection();
  auto exp = http_export(conn, R"({"relativeURI":"/source/page?total=6&size=6","response":{"resourcePath":"items"}})");
  // The peer knows only records 0…3: 4 and 5 find no match.
  auto lookup = [](const char* extra) {
    return std::string(R"("lookups":[{"name":"remote","relativeURI":"/source/skip?total=4&size=1&offset={{record.id}}",
                                      "extract":"items.0.name")") + extra + "}]";
  };
  auto strict = http_import(conn, R"({"method":["PUT"],"relativeURI":["/sink/looked/{{remote}}"]})", lookup(""));
  auto j = wait_job(run(flow(exp, {strict})));
  BOOST_TEST(std::string(j.at("status").as_string()) == "completed");
  BOOST_TEST(count(j, "numSuccess") == 4);
  BOOST_TEST(count(j, "numError") == 2);
  std::set<std::string> ids;
  for (const auto& e : peer.sink("looked"))
    ids.insert(e.id);
  BOOST_TEST(ids == (std::set<std::string>{"name-0", "name-1", "name-2", "name-3"}), boost::test_tools::per_element());
  auto errors = api("GET", "/v1/jobs/" + std::string(j.at("_id").as_string()) + "/joberrors").json();
  BOOST_REQUIRE_EQUAL(errors.as_array().size(), 2u);
  BOOST_TEST(errors.as_array()[0].at("code").as_string() == "lookup_failed");

  auto lenient = http_import(conn, R"({"method":["PUT"],"relativeURI":["/sink/defaulted/{{remote}}"]})",
                             lookup(R"(,"default":"nobody")"));
  j = wait_job(run(flow(exp, {lenient})));
  BOOST_TEST(count(j, "numSuccess") == 6);
  std::multiset<std::string> defaulted;
  for (const auto& e : peer.sink("defaulted"))
    defaulted.insert(e.id);
  BOOST_TEST(defaulted.count("nobody") == 2u);

  // A legacy rest import names the lookup in single braces.
  auto rest = create("connections", R"({"type":"rest","name":"Legacy","rest":{"baseURI":")" + peer.base_url() + R"("}})");
  auto legacy = create("imports", R"({"name":"Legacy lookups","_connectionId":")" + rest + R"(",
    "rest":{"relativeURI":["/sink/legacy-looked/{remote}"],"method":["PUT"],
            "lookups":[{"name":"remote","relativeURI":"/source/skip?total=4&size=1&offset={id}","extract":"items.0.email",
                        "allowFailures":true,"default":"none"}]}})");
  j = wait_job(run(flow(exp, {legacy})));
  BOOST_TEST(count(j, "numSuccess") == 6);
  std::multiset<std::string> emails;
  for (const auto& e : peer.sink("legacy-looked"))
    emails.insert(e.id);
  BOOST_TEST(emails.count("user-3%40example.com") == 1u);  // encoded in the path
  BOOST_TEST(emails.count("none") == 2u);
}

BOOST_FIXTURE_TEST_CASE(a_failing_export_fails_the_job_with_an_error, flow_fixture) {
  auto conn = peer_connection();
  auto exp = http_export(conn, R"({"relativeURI":"/nothing-here"})");
  auto imp = http_import(conn, R"({"method":["POST"],"relativeURI":["/sink/never"]})");
  auto job_id = run(flow(exp, {imp}));
  auto j = wait_job(job_id);
  BOOST_TEST(std::string(j.at("status").as_string()) == "failed");
  BOOST_TEST(count(j, "numPagesGenerated") == 0);
  auto errors = api("GET", "/v1/jobs/" + job_id + "/joberrors").json().as_array();
  BOOST_REQUIRE(!errors.empty());
  BOOST_TEST(errors[0].at("source").as_string() == "export");
  BOOST_TEST(peer.sink("never").empty());
}

BOOST_AUTO_TEST_SUITE_END()
