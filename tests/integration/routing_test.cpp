// Routers through the real integratord: records go into one branch or
// every matching one, branches lead on to the next router or end, an empty
// branch discards, and a retry of a branch's errors goes back into that
// branch and on through the routers after it.
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>

#include "tests/integration/flow_fixture.hpp"

using namespace integrator::test;
namespace json = boost::json;

namespace {

std::vector<std::int64_t> sorted_ids(const test_http_server& peer, const std::string& sink) {
  auto ids = sink_ids(peer, sink);
  std::sort(ids.begin(), ids.end());
  return ids;
}

using ids = std::vector<std::int64_t>;

}  // namespace

BOOST_AUTO_TEST_SUITE(flow_routing)

// Records 0…11: amount i*1.5, gold when i%3==0; 3 and 8 are refused.
// r1 (first matching): amount > 9 → big → r2; anything else → rest.
// r2 (all matching): gold → gold; anything → all; silver → nothing.
BOOST_FIXTURE_TEST_CASE(routers_both_ways_and_a_retry_into_a_branch, flow_fixture) {
  auto conn = peer_connection();
  auto exp = http_export(conn, R"({"relativeURI":"/source/page?total=12&size=5&reject=5&page={{export.http.paging.page}}",
                                  "response":{"resourcePath":"items"},"paging":{"method":"page","maxPagePath":"pages"}})");
  auto sink = [&](const char* name) {
    return http_import(conn, std::string(R"({"method":["POST"],"relativeURI":["/sink/)") + name + "\"]}");
  };
  auto big = sink("big"), rest = sink("rest"), gold = sink("gold"), all = sink("all");
  auto proc = [](const std::string& id) { return R"([{"type":"import","_importId":")" + id + "\"}]"; };
  auto flow_id = create("flows", R"({"name":"routed","pageGenerators":[{"_exportId":")" + exp + R"("}],
    "routers":[
      {"id":"r1","routeRecordsTo":"first_matching_branch","routeRecordsUsing":"input_filters","branches":[
        {"name":"big","inputFilter":{"type":"expression","expression":{"version":"1","rules":["greaterthan",["number",["extract","amount"]],9]}},
         "pageProcessors":)" + proc(big) + R"(,"nextRouterId":"r2"},
        {"name":"rest","pageProcessors":)" + proc(rest) + R"(}]},
      {"id":"r2","routeRecordsTo":"all_matching_branches","branches":[
        {"name":"gold","inputFilter":{"type":"expression","expression":{"version":"1","rules":["equals",["extract","tier"],"gold"]}},
         "pageProcessors":)" + proc(gold) + R"(},
        {"name":"all","pageProcessors":)" + proc(all) + R"(},
        {"name":"silver","inputFilter":{"type":"expression","expression":{"version":"1","rules":["equals",["extract","tier"],"silver"]}}}]}]})");
  auto job_id = run(flow_id);
  auto j = wait_job(job_id);
  BOOST_TEST(std::string(j.at("status").as_string()) == "completed");
  BOOST_TEST(count(j, "numExport") == 12);
  BOOST_TEST(count(j, "numError") == 2);
  BOOST_TEST(count(j, "numIgnore") == 0);
  BOOST_TEST(sorted_ids(peer, "big") == (ids{7, 9, 10, 11}), boost::test_tools::per_element());
  BOOST_TEST(sorted_ids(peer, "rest") == (ids{0, 1, 2, 4, 5, 6}), boost::test_tools::per_element());
  BOOST_TEST(sorted_ids(peer, "gold") == (ids{9}), boost::test_tools::per_element());
  BOOST_TEST(sorted_ids(peer, "all") == (ids{7, 9, 10, 11}), boost::test_tools::per_element());
  auto children = api("GET", "/v1/jobs?_flowJobId=" + job_id + "&type=export,import").json().as_array();
  BOOST_TEST(children.size() == 5u);  // the export and four imports
  for (const auto& c : children)
    if (c.at("type") == "import" && c.at("_importId").as_string() == big)
      BOOST_TEST(count(c.as_object(), "numSuccess") == 4);

  // The refused records go back into their own branches; 8 then goes on
  // through r2 (into "all"; it is not gold).
  peer.refuse_rejects(false);
  auto r = api("POST", "/v1/jobs/" + job_id + "/retry");
  BOOST_REQUIRE_MESSAGE(r.status == 201u, r.body);
  auto retries = r.json();
  BOOST_TEST(retries.as_array().size() == 2u);  // one per step with errors
  for (const auto& retry : retries.as_array())
    BOOST_TEST(std::string(wait_job(std::string(retry.at("_id").as_string())).at("status").as_string())
               == "completed");
  BOOST_TEST(sorted_ids(peer, "big") == (ids{7, 8, 9, 10, 11}), boost::test_tools::per_element());
  BOOST_TEST(sorted_ids(peer, "rest") == (ids{0, 1, 2, 3, 4, 5, 6}), boost::test_tools::per_element());
  BOOST_TEST(sorted_ids(peer, "gold") == (ids{9}), boost::test_tools::per_element());
  BOOST_TEST(sorted_ids(peer, "all") == (ids{7, 8, 9, 10, 11}), boost::test_tools::per_element());
  BOOST_TEST(count(job(job_id), "numError") == 0);
}

BOOST_FIXTURE_TEST_CASE(unmatched_and_discarded_records_are_ignored, flow_fixture) {
  auto conn = peer_connection();
  auto exp = http_export(conn, R"({"relativeURI":"/source/page?total=12&size=12","response":{"resourcePath":"items"}})");
  auto gold = http_import(conn, R"({"method":["POST"],"relativeURI":["/sink/gold-only"]})");
  auto flow_id = create("flows", R"({"name":"picky router","pageGenerators":[{"_exportId":")" + exp + R"("}],
    "routers":[{"id":"r","routeRecordsTo":"first_matching_branch","branches":[
      {"name":"gold","inputFilter":{"type":"expression","expression":{"version":"1","rules":["equals",["extract","tier"],"gold"]}},
       "pageProcessors":[{"type":"import","_importId":")" + gold + R"("}]},
      {"name":"small silver","inputFilter":{"type":"expression","expression":{"version":"1","rules":["lessthan",["number",["extract","amount"]],6]}}}]}]})");
  auto j = wait_job(run(flow_id));
  BOOST_TEST(std::string(j.at("status").as_string()) == "completed");
  BOOST_TEST(sorted_ids(peer, "gold-only") == (ids{0, 3, 6, 9}), boost::test_tools::per_element());
  BOOST_TEST(count(j, "numSuccess") == 4);
  BOOST_TEST(count(j, "numIgnore") == 8);  // 1, 2 discarded; 4, 5, 7, 8, 10, 11 unmatched
}

// A router first in line hears every generator end, and ends after the
// last: the second generator's records go through it too.
BOOST_FIXTURE_TEST_CASE(a_first_router_takes_every_generators_records, flow_fixture) {
  auto conn = peer_connection();
  auto first = http_export(conn, R"({"relativeURI":"/source/page?total=10&size=5&page={{export.http.paging.page}}",
                                     "response":{"resourcePath":"items"},"paging":{"method":"page"}})");
  auto second = http_export(conn, R"({"relativeURI":"/source/skip?total=20&size=5&offset={{export.http.paging.skip}}",
                                      "response":{"resourcePath":"items"},"paging":{"method":"skip","maxCountPath":"total"}})");
  auto sink = http_import(conn, R"({"method":["POST"],"relativeURI":["/sink/both-generators"]})");
  auto flow_id = create("flows", R"({"name":"two into a router","pageGenerators":[{"_exportId":")" + first
                                   + R"("},{"_exportId":")" + second + R"("}],
    "routers":[{"id":"r","routeRecordsTo":"first_matching_branch","branches":[
      {"name":"all","pageProcessors":[{"type":"import","_importId":")" + sink + R"("}]}]}]})");
  auto j = wait_job(run(flow_id));
  BOOST_TEST(std::string(j.at("status").as_string()) == "completed");
  BOOST_TEST(sorted_ids(peer, "both-generators").size() == 30u);
  BOOST_TEST(count(j, "numSuccess") == 30);
}

BOOST_FIXTURE_TEST_CASE(a_router_cycle_is_refused_and_a_script_router_without_a_script_fails_its_run, flow_fixture) {
  auto conn = peer_connection();
  auto exp = http_export(conn, R"({"relativeURI":"/source/page?total=2&size=2","response":{"resourcePath":"items"}})");
  auto gens = R"("pageGenerators":[{"_exportId":")" + exp + "\"}]";
  auto loop = api("POST", "/v1/flows", R"({"name":"loop",)" + gens + R"(,
    "routers":[{"id":"a","branches":[{"nextRouterId":"b"}]},{"id":"b","branches":[{"nextRouterId":"a"}]}]})");
  BOOST_TEST(loop.status == 422u);
  BOOST_TEST(loop.body.find("cycle") != std::string::npos);
  BOOST_TEST(api("POST", "/v1/flows", R"({"name":"lost",)" + gens + R"(,
    "routers":[{"id":"a","branches":[{"nextRouterId":"nowhere"}]}]})").status == 422u);
  // Kept as sent, but it names no script: its runs fail, saying so.
  auto scripted = create("flows", R"({"name":"scripted",)" + gens + R"(,
    "routers":[{"id":"a","routeRecordsUsing":"script","branches":[{}]}]})");
  auto job_id = run(scripted);
  auto j = wait_job(job_id);
  BOOST_TEST(std::string(j.at("status").as_string()) == "failed");
  auto errors = api("GET", "/v1/jobs/" + job_id + "/joberrors").json().as_array();
  BOOST_REQUIRE(!errors.empty());
  BOOST_TEST(std::string(errors[0].at("message").as_string()).find("script") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
