// Flows end to end through the real integratord against the test HTTP
// server: paging styles, mappings and filters, errors, jobs.
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <numeric>

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

BOOST_AUTO_TEST_SUITE_END()
