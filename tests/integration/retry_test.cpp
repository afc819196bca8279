// Retrying and resolving a flow's errors through the real integratord:
// only the failed records go again, their results count toward the parent
// job, and errors leave the open list when resolved or retried.
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>

#include "tests/integration/flow_fixture.hpp"

using namespace integrator::test;
namespace json = boost::json;

namespace {

// 20 records, 3, 8, 13 and 18 marked "reject": the sink refuses them
// until told otherwise.
struct rejecting_flow : flow_fixture {
  std::string imp, flow_id, job_id;

  rejecting_flow() {
    auto conn = peer_connection();
    auto exp = http_export(conn, R"({"relativeURI":"/source/page?total=20&size=20&reject=5","response":{"resourcePath":"items"}})");
    imp = http_import(conn, R"({"method":["POST"],"relativeURI":["/sink/picky"]})");
    flow_id = flow(exp, {imp});
    job_id = run(flow_id);
    auto j = wait_job(job_id);
    BOOST_REQUIRE_EQUAL(count(j, "numError"), 4);
  }

  json::array open_errors() {
    auto r = api("GET", "/v1/flows/" + flow_id + "/" + imp + "/errors");
    BOOST_REQUIRE_MESSAGE(r.status == 200u, r.body);
    return r.json().at("errors").as_array();
  }
  std::vector<std::string> error_field(const json::array& errors, const char* field) {
    std::vector<std::string> out;
    for (const auto& e : errors)
      out.emplace_back(e.at(field).as_string());
    return out;
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(retry_and_resolve)

BOOST_FIXTURE_TEST_CASE(a_retry_sends_only_the_failed_records_and_counts_toward_the_parent, rejecting_flow) {
  BOOST_REQUIRE_EQUAL(peer.sink("picky").size(), 16u);
  peer.refuse_rejects(false);
  auto r = api("POST", "/v1/jobs/" + job_id + "/retry");
  BOOST_REQUIRE_MESSAGE(r.status == 201u, r.body);
  auto jobs = r.json().as_array();
  BOOST_REQUIRE_EQUAL(jobs.size(), 1u);
  const auto& retry = jobs[0].as_object();
  BOOST_TEST(retry.at("type").as_string() == "retry");
  BOOST_TEST(retry.at("_retryOfJobId").as_string() == job_id);
  auto done = wait_job(std::string(retry.at("_id").as_string()));
  BOOST_TEST(std::string(done.at("status").as_string()) == "completed");
  BOOST_TEST(count(done, "numSuccess") == 4);
  BOOST_TEST(count(done, "numError") == 0);
  // Exactly the four refused records went again.
  auto ids = sink_ids(peer, "picky");
  BOOST_REQUIRE_EQUAL(ids.size(), 20u);
  std::vector<std::int64_t> again(ids.begin() + 16, ids.end());
  std::sort(again.begin(), again.end());
  BOOST_TEST(again == (std::vector<std::int64_t>{3, 8, 13, 18}), boost::test_tools::per_element());
  // The parent now counts them as successes; its errors are resolved.
  auto parent = job(job_id);
  BOOST_TEST(count(parent, "numSuccess") == 20);
  BOOST_TEST(count(parent, "numError") == 0);
  BOOST_TEST(open_errors().empty());
  auto resolved = api("GET", "/v1/flows/" + flow_id + "/" + imp + "/resolved");
  BOOST_REQUIRE_MESSAGE(resolved.status == 200u, resolved.body);
  BOOST_TEST(resolved.json().at("errors").as_array().size() == 4u);
  // Nothing is left to retry.
  BOOST_TEST(api("POST", "/v1/jobs/" + job_id + "/retry").status == 422u);
}

BOOST_FIXTURE_TEST_CASE(overlapping_retries_send_each_record_once, rejecting_flow) {
  peer.refuse_rejects(false);
  auto ids = error_field(open_errors(), "errorId");
  auto first = api("POST", "/v1/jobs/" + job_id + "/retry");
  BOOST_REQUIRE_MESSAGE(first.status == 201u, first.body);
  // While the first retry is queued or running, by every route.
  auto again = api("POST", "/v1/jobs/" + job_id + "/retry");
  BOOST_TEST(again.status == 422u);
  BOOST_TEST(again.error_code() == "nothing_to_retry");
  auto by_id = api("POST", "/v1/flows/" + flow_id + "/" + imp + "/retry", R"({"errorIds":[")" + ids[0] + R"("]})");
  BOOST_TEST(by_id.error_code() == "nothing_to_retry");
  wait_job(std::string(first.json().as_array()[0].at("_id").as_string()));
  auto delivered = sink_ids(peer, "picky");
  BOOST_TEST(delivered.size() == 20u);
  BOOST_TEST(api("POST", "/v1/jobs/" + job_id + "/retry").error_code() == "nothing_to_retry");
  BOOST_TEST(sink_ids(peer, "picky").size() == 20u);
}

BOOST_FIXTURE_TEST_CASE(a_step_retry_takes_the_errors_asked_for, rejecting_flow) {
  auto errors = open_errors();
  BOOST_REQUIRE_EQUAL(errors.size(), 4u);
  auto keys = error_field(errors, "retryDataKey");
  // Still refused: the retried record fails again, as a new error.
  auto r = api("POST", "/v1/flows/" + flow_id + "/" + imp + "/retry",
               R"({"retryDataKeys":[")" + keys[0] + R"("]})");
  BOOST_REQUIRE_MESSAGE(r.status == 201u, r.body);
  auto retry_id = std::string(r.json().at("_id").as_string());
  auto done = wait_job(retry_id);
  BOOST_TEST(count(done, "numError") == 1);
  BOOST_TEST(count(job(job_id), "numError") == 4);  // nothing recovered
  auto now_open = open_errors();
  BOOST_TEST(now_open.size() == 4u);  // three old, one new from the retry
  BOOST_TEST(std::count_if(now_open.begin(), now_open.end(), [&](const json::value& e) {
               return e.at("_flowJobId").as_string() == retry_id;
             }) == 1);
  // Now accepted: two errors by id.
  peer.refuse_rejects(false);
  auto ids = error_field(errors, "errorId");
  r = api("POST", "/v1/flows/" + flow_id + "/" + imp + "/retry",
          R"({"errorIds":[")" + ids[1] + R"(",")" + ids[2] + R"("]})");
  BOOST_REQUIRE_MESSAGE(r.status == 201u, r.body);
  wait_job(std::string(r.json().at("_id").as_string()));
  BOOST_TEST(count(job(job_id), "numError") == 2);
  BOOST_TEST(count(job(job_id), "numSuccess") == 18);
  BOOST_TEST(open_errors().size() == 2u);
  // Bad bodies and unknown ids.
  BOOST_TEST(api("POST", "/v1/flows/" + flow_id + "/" + imp + "/retry", R"({"errorIds":"x"})").status == 422u);
  BOOST_TEST(api("POST", "/v1/flows/" + flow_id + "/" + imp + "/retry", R"({"errorIds":["nope"]})").status == 422u);
  BOOST_TEST(api("POST", "/v1/jobs/0123456789abcdef01234567/retry").status == 404u);
}

BOOST_FIXTURE_TEST_CASE(resolving_takes_errors_off_the_open_list, rejecting_flow) {
  auto errors = open_errors();
  auto ids = error_field(errors, "errorId");
  auto r = api("PUT", "/v1/flows/" + flow_id + "/" + imp + "/resolved", R"({"errors":[")" + ids[0] + R"("]})");
  BOOST_TEST(r.status == 204u, r.body);
  BOOST_TEST(open_errors().size() == 3u);
  r = api("PUT", "/v1/jobs/" + job_id + "/joberrors/" + ids[1] + "/resolve");
  BOOST_TEST(r.status == 204u, r.body);
  BOOST_TEST(open_errors().size() == 2u);
  BOOST_TEST(api("GET", "/v1/flows/" + flow_id + "/" + imp + "/errors?resolved=true")
               .json().at("errors").as_array().size() == 2u);
  r = api("PUT", "/v1/jobs/" + job_id + "/joberrors/resolve");
  BOOST_TEST(r.status == 204u, r.body);
  BOOST_TEST(open_errors().empty());
  BOOST_TEST(api("PUT", "/v1/flows/" + flow_id + "/" + imp + "/resolved", R"({"errors":3})").status == 422u);
  BOOST_TEST(api("PUT", "/v1/jobs/" + job_id + "/joberrors/0123456789abcdef01234567/resolve").status == 404u);
  // A resolved error is not retried.
  BOOST_TEST(api("POST", "/v1/jobs/" + job_id + "/retry").status == 422u);
}

BOOST_AUTO_TEST_SUITE_END()
