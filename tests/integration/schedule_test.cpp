// Flows that start by themselves: on a schedule (one real wait for the
// minute to turn, kept to one test) and chained after another flow.
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "tests/integration/flow_fixture.hpp"

using namespace integrator::test;
namespace json = boost::json;

BOOST_AUTO_TEST_SUITE(schedules)

BOOST_FIXTURE_TEST_CASE(a_flow_scheduled_every_minute_runs_on_its_own, flow_fixture) {
  auto conn = peer_connection();
  auto exp = http_export(conn, R"({"relativeURI":"/source/page?total=3&size=10","response":{"resourcePath":"items"}})");
  auto imp = http_import(conn, R"({"method":["POST"],"relativeURI":["/sink/cron"]})");
  auto flow_id = flow(exp, {imp}, R"("schedule":"? * * * * *","timezone":"Europe/Paris")");
  // Nothing runs it but the scheduler: at most ~62 s to the next tick.
  auto job_id = first_job_of(flow_id, 75);
  BOOST_REQUIRE_MESSAGE(!job_id.empty(), "no scheduled run within 75 s");
  auto j = wait_job(job_id);
  BOOST_TEST(std::string(j.at("status").as_string()) == "completed");
  BOOST_TEST(peer.sink("cron").size() == 3u);
  // A bad schedule is refused up front.
  auto bad = api("PUT", "/v1/flows/" + flow_id, R"({"name":"x","schedule":"every minute"})");
  BOOST_TEST(bad.status == 422u, bad.body);
}

BOOST_FIXTURE_TEST_CASE(run_next_flows_follow_a_completed_run_only, flow_fixture) {
  auto conn = peer_connection();
  auto source = http_export(conn, R"({"relativeURI":"/source/page?total=2&size=10","response":{"resourcePath":"items"}})");
  auto next_import = http_import(conn, R"({"method":["POST"],"relativeURI":["/sink/second"]})");
  auto second = flow(source, {next_import});
  auto first_import = http_import(conn, R"({"method":["POST"],"relativeURI":["/sink/first"]})");
  auto first = flow(source, {first_import}, R"("_runNextFlowIds":[")" + second + R"("])");
  wait_job(run(first));
  auto job_id = first_job_of(second, 5);
  BOOST_REQUIRE_MESSAGE(!job_id.empty(), "the chained flow did not run");
  wait_job(job_id);
  BOOST_TEST(peer.sink("second").size() == 2u);
  // A failed run chains nothing.
  fault f;
  f.path_prefix = "/source/page";
  f.status = 400;
  peer.inject(f);
  BOOST_TEST(std::string(wait_job(run(first)).at("status").as_string()) == "failed");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  BOOST_TEST(api("GET", "/v1/flows/" + second + "/jobs/latest").json().as_array()[0].at("_id").as_string() == job_id);
}

BOOST_AUTO_TEST_SUITE_END()
