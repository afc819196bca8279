// Jobs under stress: faults on the wire, cancel, one job per flow at a
// time, kill -9 in the middle of a run; plus pings and job queries.
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <numeric>

#include "tests/integration/flow_fixture.hpp"

using namespace integrator::test;
namespace json = boost::json;

namespace {

// A source of `total` records in pages of 10 and a sink called `sink`.
std::string simple_flow(flow_fixture& f, const std::string& conn, int total, const std::string& sink) {
  auto exp = f.http_export(conn, R"({"relativeURI":"/source/page?total=)" + std::to_string(total)
                                   + R"(&size=10&page={{export.http.paging.page}}",
                                   "response":{"resourcePath":"items"},"paging":{"method":"page"}})");
  auto imp = f.http_import(conn, R"({"method":["POST"],"relativeURI":["/sink/)" + sink + R"("]})");
  return f.flow(exp, {imp});
}

std::string status_of(const json::object& j) {
  return std::string(j.at("status").as_string());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(job_control)

BOOST_FIXTURE_TEST_CASE(injected_faults_are_retried_without_losing_or_duplicating, flow_fixture) {
  auto conn = peer_connection();
  peer.inject({.method = "POST", .path_prefix = "/sink/faulty", .times = 3, .status = 500});
  peer.inject({.method = "POST", .path_prefix = "/sink/faulty", .times = 2, .status = 429, .retry_after = 1});
  peer.inject({.method = "POST", .path_prefix = "/sink/faulty", .times = 2, .drop = true});
  peer.inject({.method = "GET", .path_prefix = "/source", .times = 1, .status = 503});
  auto j = wait_job(run(simple_flow(*this, conn, 40, "faulty")));
  BOOST_TEST(status_of(j) == "completed");
  BOOST_TEST(count(j, "numSuccess") == 40);
  BOOST_TEST(count(j, "numError") == 0);
  auto ids = sink_ids(peer, "faulty");
  std::sort(ids.begin(), ids.end());
  std::vector<std::int64_t> expected(40);
  std::iota(expected.begin(), expected.end(), 0);
  BOOST_TEST(ids == expected, boost::test_tools::per_element());
}

BOOST_FIXTURE_TEST_CASE(faults_that_outlast_the_retries_become_record_errors, flow_fixture) {
  auto conn = peer_connection();
  // Record 0's request fails on every attempt; nothing else does.
  peer.inject({.method = "POST", .path_prefix = "/sink/stubborn", .times = 5, .status = 502});
  auto exp = http_export(conn, R"({"relativeURI":"/source/page?total=1&size=1","response":{"resourcePath":"items"}})");
  auto imp = http_import(conn, R"({"method":["POST"],"relativeURI":["/sink/stubborn"]})");
  auto j = wait_job(run(flow(exp, {imp})));
  BOOST_TEST(status_of(j) == "completed");
  BOOST_TEST(count(j, "numError") == 1);
  BOOST_TEST(peer.hits("/sink/stubborn") == 5);
}

BOOST_FIXTURE_TEST_CASE(a_request_whose_answer_is_lost_counts_as_an_attempt, flow_fixture) {
  auto conn = peer_connection(R"("concurrencyLevel":4)");
  // The sink reads every request, then closes the connection unanswered:
  // each request sent is an attempt, however the client got it there.
  peer.inject({.method = "POST", .path_prefix = "/sink/lost", .times = 1000, .drop = true});
  auto exp = http_export(conn, R"({"relativeURI":"/source/page?total=40&size=40","response":{"resourcePath":"items"}})");
  auto imp = http_import(conn, R"({"method":["POST"],"relativeURI":["/sink/lost"]})");
  auto j = wait_job(run(flow(exp, {imp})));
  BOOST_TEST(count(j, "numError") == 40);
  BOOST_TEST(peer.hits("/sink/lost") == 40 * 5);
}

// A call answered 503 because it could not start in time has done nothing:
// a client that repeats a 503'd run must not run the flow twice.
struct busy_fixture : flow_fixture {
  busy_fixture() : flow_fixture({"--request-timeout", "1"}) {}
};

BOOST_FIXTURE_TEST_CASE(a_run_answered_503_did_not_run, busy_fixture) {
  auto flow_id = simple_flow(*this, peer_connection(), 5, "busy");
  BOOST_REQUIRE(client.request("POST", "/admin/v1/debug/stall/3000").status == 204u);
  auto refused = api("POST", "/v1/flows/" + flow_id + "/run");
  BOOST_TEST(refused.status == 503u);
  std::this_thread::sleep_for(std::chrono::milliseconds(3000));
  auto jobs = api("GET", "/v1/jobs?_flowId=" + flow_id);
  BOOST_REQUIRE_MESSAGE(jobs.status == 200u, jobs.body);
  BOOST_TEST(jobs.json().as_array().empty(), jobs.body);
  BOOST_TEST(peer.sink("busy").empty());
  // Busy for less than the timeout: the run starts in time and says so.
  BOOST_REQUIRE(client.request("POST", "/admin/v1/debug/stall/500").status == 204u);
  auto started = api("POST", "/v1/flows/" + flow_id + "/run");
  BOOST_TEST(started.status == 201u, started.body);
}

// A stop while a job runs ends promptly: requests that work actors submit
// after the outbound client stopped once held those actors forever, and the
// actor system waited for them (1 stop in 15 hung).
BOOST_FIXTURE_TEST_CASE(a_stop_while_a_job_runs_ends_cleanly, flow_fixture) {
  auto flow_id = simple_flow(*this, peer_connection(), 200, "stopping");
  for (int i = 0; i < 20; ++i) {
    BOOST_TEST_REQUIRE(api("POST", "/v1/flows/" + flow_id + "/run").status == 201u);
    BOOST_TEST_REQUIRE(server.stop() == 0, "stop " << i);
    server.start();
    client = http_client(server.host(), server.port());
  }
}

BOOST_FIXTURE_TEST_CASE(malformed_json_or_a_wrong_content_type_fails_the_export_clearly, flow_fixture) {
  auto conn = peer_connection();
  peer.inject({.method = "GET", .path_prefix = "/source/page", .times = 1, .status = 200,
               .body = "<html>maintenance</html>", .content_type = "text/html"});
  auto job_id = run(simple_flow(*this, conn, 20, "never_html"));
  auto j = wait_job(job_id);
  BOOST_TEST(status_of(j) == "failed");
  auto errors = api("GET", "/v1/jobs/" + job_id + "/joberrors").json();
  BOOST_REQUIRE(!errors.as_array().empty());
  auto message = std::string(errors.as_array()[0].at("message").as_string());
  BOOST_TEST(message.find("not valid JSON") != std::string::npos, message);
  BOOST_TEST(message.find("text/html") != std::string::npos, message);
  BOOST_TEST(peer.sink("never_html").empty());
  // Truncated JSON fails the export the same way.
  peer.inject({.method = "GET", .path_prefix = "/source/page", .times = 1, .status = 200,
               .body = R"({"items":[{"id":1},{"id":)"});
  auto second = wait_job(run(simple_flow(*this, conn, 20, "never_truncated")));
  BOOST_TEST(status_of(second) == "failed");
}

BOOST_FIXTURE_TEST_CASE(cancel_stops_a_running_job_within_a_page, flow_fixture) {
  auto conn = peer_connection(R"("concurrencyLevel":2)");
  peer.inject({.method = "POST", .path_prefix = "/sink/slow", .times = 100000, .status = 200, .delay_ms = 20});
  auto job_id = run(simple_flow(*this, conn, 2000, "slow"));
  // Wait until it is really running.
  wait_for_sink("slow", 5);
  auto r = api("PUT", "/v1/jobs/" + job_id + "/cancel");
  BOOST_REQUIRE_MESSAGE(r.status == 200u, r.body);
  auto said = std::string(r.json().at("status").as_string());
  BOOST_TEST((said == "canceling" || said == "canceled"));
  auto j = wait_job(job_id);
  BOOST_TEST(status_of(j) == "canceled");
  BOOST_TEST(count(j, "numSuccess") < 2000);
  // Nothing moves after the end.
  auto arrived = peer.sink("slow").size();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  BOOST_TEST(peer.sink("slow").size() == arrived);
  auto again = api("PUT", "/v1/jobs/" + job_id + "/cancel");
  BOOST_TEST(again.status == 409u);
}

BOOST_FIXTURE_TEST_CASE(one_job_per_flow_runs_and_a_second_run_queues, flow_fixture) {
  auto conn = peer_connection();
  peer.inject({.method = "POST", .path_prefix = "/sink/serial", .times = 100000, .status = 200, .delay_ms = 5});
  auto flow_id = simple_flow(*this, conn, 60, "serial");
  auto first = run(flow_id);
  auto second = run(flow_id);
  auto queued = job(second);
  BOOST_TEST(status_of(queued) == "queued");
  // Both are current: the queued one first (newest first); other flows' are not.
  auto current = api("POST", "/v1/jobs/current", R"({"_flowId":")" + flow_id + R"("})");
  BOOST_REQUIRE_MESSAGE(current.status == 200u, current.body);
  auto listed = current.json().as_array();
  BOOST_REQUIRE_EQUAL(listed.size(), 2u);
  BOOST_TEST(listed[0].at("_id").as_string() == second);
  BOOST_TEST(api("POST", "/v1/jobs/current", R"({"_flowId":"0123456789abcdef01234567"})").json().as_array().empty());
  auto a = wait_job(first);
  auto b = wait_job(second);
  BOOST_TEST(status_of(a) == "completed");
  BOOST_TEST(status_of(b) == "completed");
  // The second started only once the first had ended.
  BOOST_TEST(std::string(b.at("startedAt").as_string()) >= std::string(a.at("endedAt").as_string()));
  BOOST_TEST(peer.sink("serial").size() == 120u);
  BOOST_TEST(api("POST", "/v1/jobs/current").json().as_array().empty());
  // A queued job can be canceled before it starts.
  auto third = run(flow_id);
  auto fourth = run(flow_id);
  auto r = api("PUT", "/v1/jobs/" + fourth + "/cancel");
  BOOST_TEST(r.status == 200u);
  BOOST_TEST(status_of(wait_job(fourth)) == "canceled");
  BOOST_TEST(status_of(wait_job(third)) == "completed");
  BOOST_TEST(peer.sink("serial").size() == 180u);
}

// A flow's actor goes idle once its last job ends; a run asked for just
// then must still run, not go to an actor on its way out.
struct unlimited_flow_fixture : flow_fixture {
  unlimited_flow_fixture()
      : flow_fixture({"--rate-bucket-size", "1000000", "--rate-fill-rate", "1000000"}) {}
};

BOOST_FIXTURE_TEST_CASE(a_run_asked_for_as_the_last_job_ends_still_runs, unlimited_flow_fixture) {
  auto conn = peer_connection();
  auto flow_id = simple_flow(*this, conn, 10, "edge");
  for (int i = 0; i < 40; ++i) {
    auto id = run(flow_id);
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    std::string status;
    while ((status = status_of(job(id))) != "completed")
      BOOST_REQUIRE_MESSAGE(std::chrono::steady_clock::now() < until,
                            "run " << i << ": job " << id << " still " << status << " after 10 s");
  }
  BOOST_TEST(peer.sink("edge").size() == 400u);
}

// A job interrupted by a kill resumes from its last checkpoint when
// integratord starts again: every record arrives, only the pages that were
// in flight may arrive twice (the job says how many records that may be),
// and its counts agree with the sink within that bound.
BOOST_FIXTURE_TEST_CASE(kill_9_mid_job_then_restart_resumes_it_and_runs_the_queued_one, flow_fixture) {
  auto conn = peer_connection(R"("concurrencyLevel":1)");
  peer.inject({.method = "POST", .path_prefix = "/sink/killed", .times = 100000, .status = 200, .delay_ms = 10});
  auto flow_id = simple_flow(*this, conn, 1000, "killed");
  auto running = run(flow_id);
  auto waiting = run(flow_id);
  wait_for_sink("killed", 300);
  server.kill9();
  auto before_restart = peer.sink("killed").size();
  server.start();
  client = http_client(server.host(), server.port());
  auto j = wait_job(running, 120);
  BOOST_TEST(status_of(j) == "completed");
  BOOST_TEST(count(j, "interruptions") == 1);
  auto w = wait_job(waiting, 120);
  BOOST_TEST(status_of(w) == "completed");
  BOOST_TEST(count(w, "numSuccess") == 1000);
  // The sink has both runs: the waiting one's 1000, the resumed one's rest.
  std::map<std::string, int> times;
  for (const auto& e : peer.sink("killed"))
    ++times[json::serialize(e.record.at("id"))];
  BOOST_TEST(times.size() == 1000u);  // every record arrived
  long delivered = static_cast<long>(peer.sink("killed").size()) - 1000;
  long resent = delivered - 1000;
  auto bound = count(j, "numPossiblyResent");
  BOOST_TEST_MESSAGE("killed after " << before_restart << " deliveries; the resumed job delivered "
                     << delivered << " (" << resent << " again), counted " << count(j, "numSuccess")
                     << ", may have resent " << bound);
  BOOST_TEST(bound > 0);
  BOOST_TEST(resent >= 0);
  BOOST_TEST(resent <= bound);
  BOOST_TEST(count(j, "numSuccess") >= 1000 - bound);
  BOOST_TEST(std::llabs(count(j, "numSuccess") - delivered) <= bound);
  BOOST_TEST(count(j, "numError") == 0);
}

BOOST_FIXTURE_TEST_CASE(a_crashed_job_ends_failed_with_an_error_saying_why, flow_fixture) {
  auto conn = peer_connection(R"("concurrencyLevel":1)");
  peer.inject({.method = "POST", .path_prefix = "/sink/crash", .times = 100000, .status = 200, .delay_ms = 10});
  auto flow_id = simple_flow(*this, conn, 500, "crash");
  auto job_id = run(flow_id);
  wait_for_sink("crash", 5);
  BOOST_TEST(client.request("POST", "/admin/v1/debug/crash/jobs").status == 204u);
  auto j = wait_job(job_id);
  BOOST_TEST(status_of(j) == "failed");
  auto errors = api("GET", "/v1/jobs/" + job_id + "/joberrors").json().as_array();
  // One error: the crash ends the job, not the engine (whose restart
  // would add "interrupted").
  BOOST_REQUIRE_MESSAGE(errors.size() == 1u, json::serialize(errors));
  BOOST_TEST(std::string(errors.back().at("message").as_string()).find("stopped unexpectedly")
             != std::string::npos, json::serialize(errors));
  // Its children end too, and the flow runs again.
  auto children = api("GET", "/v1/jobs?_flowJobId=" + job_id + "&type=export,import").json();
  BOOST_TEST(children.as_array().size() == 2u);
  for (const auto& c : children.as_array())
    BOOST_TEST(c.at("status").as_string() != "running");
  peer.inject({.method = "POST", .path_prefix = "/sink/crash", .times = 1, .status = 200});
  auto again = wait_job(run(flow_id), 60);
  BOOST_TEST(status_of(again) == "completed");
}

BOOST_FIXTURE_TEST_CASE(a_crashed_engine_restarts_resumes_running_jobs_and_runs_queued_ones, flow_fixture) {
  auto conn = peer_connection(R"("concurrencyLevel":1)");
  peer.inject({.method = "POST", .path_prefix = "/sink/engine", .times = 100000, .status = 200, .delay_ms = 5});
  auto flow_id = simple_flow(*this, conn, 300, "engine");
  auto running = run(flow_id);
  auto queued = run(flow_id);
  wait_for_sink("engine", 5);
  BOOST_TEST(client.request("POST", "/admin/v1/debug/crash/engine").status == 204u);
  auto a = wait_job(running, 60);
  BOOST_TEST(status_of(a) == "completed");
  BOOST_TEST(count(a, "interruptions") == 1);
  BOOST_TEST(count(a, "numSuccess") >= 300 - count(a, "numPossiblyResent"));
  auto b = wait_job(queued, 60);
  BOOST_TEST(status_of(b) == "completed");
  BOOST_TEST(count(b, "numSuccess") == 300);
}

// A flow whose run was going on during two crashes in a row may be what
// crashes the server: the run resumes after the first, and after the
// second it ends failed and the flow is disabled, so the service stays up
// for everyone else. A clean stop is not a crash; its run resumes too.
BOOST_FIXTURE_TEST_CASE(a_flow_running_during_two_crashes_in_a_row_is_disabled, flow_fixture) {
  auto conn = peer_connection(R"("concurrencyLevel":1)");
  peer.inject({.method = "POST", .path_prefix = "/sink/loop", .times = 100000, .status = 200, .delay_ms = 10});
  auto flow_id = simple_flow(*this, conn, 1000, "loop");
  auto interrupt = [&](bool crash) {
    wait_for_sink("loop", peer.sink("loop").size() + 5);
    if (crash)
      server.kill9();
    else
      BOOST_TEST(server.stop() == 0);
    server.start();
    client = http_client(server.host(), server.port());
  };
  auto disabled = [&] {
    const auto* d = api("GET", "/v1/flows/" + flow_id).json().as_object().if_contains("disabled");
    return d && *d == true;
  };
  // A clean stop is not a crash: the run resumes after it and completes.
  auto stopped = run(flow_id);
  interrupt(false);
  auto s = wait_job(stopped, 120);
  BOOST_TEST(status_of(s) == "completed");
  BOOST_TEST(!s.contains("interruptions"));
  BOOST_TEST(!disabled());
  // The first crash: the run resumes.
  auto crashed = run(flow_id);
  interrupt(true);
  BOOST_TEST(count(job(crashed), "interruptions") == 1);
  BOOST_TEST(!disabled());
  // The second, while the resumed run goes on: the run fails, the flow is disabled.
  interrupt(true);
  auto j = job(crashed);
  BOOST_TEST(status_of(j) == "failed");
  BOOST_TEST(count(j, "interruptions") == 2);
  BOOST_TEST(disabled());
  auto errors = api("GET", "/v1/jobs/" + crashed + "/joberrors").json().as_array();
  BOOST_REQUIRE(!errors.empty());
  BOOST_TEST(std::string(errors.back().at("message").as_string()).find("the flow is disabled") != std::string::npos);
  BOOST_TEST(api("POST", "/v1/flows/" + flow_id + "/run").error_code() == "flow_disabled");
  BOOST_TEST(api("GET", "/v1/tokenInfo").status == 200u);
}

// A run that was interrupted once and completed after resuming ended well:
// an interruption of the next run is a first one, and that run resumes.
BOOST_FIXTURE_TEST_CASE(an_interruption_after_a_resumed_run_completed_is_a_first_one, flow_fixture) {
  auto conn = peer_connection(R"("concurrencyLevel":1)");
  peer.inject({.method = "POST", .path_prefix = "/sink/twice", .times = 100000, .status = 200, .delay_ms = 5});
  auto flow_id = simple_flow(*this, conn, 300, "twice");
  for (int round = 0; round < 2; ++round) {
    auto id = run(flow_id);
    wait_for_sink("twice", peer.sink("twice").size() + 40);
    server.kill9();
    server.start();
    client = http_client(server.host(), server.port());
    auto j = wait_job(id, 60);
    BOOST_TEST(status_of(j) == "completed", "round " << round);
    BOOST_TEST(count(j, "interruptions") == 1);
  }
  const auto* d = api("GET", "/v1/flows/" + flow_id).json().as_object().if_contains("disabled");
  BOOST_TEST(!(d && *d == true));
}

// A client waiting for a slow answer is not idle: its connection stays
// open past the idle timeout and the answer arrives on it.
struct short_idle_fixture : flow_fixture {
  short_idle_fixture() : flow_fixture({"--idle-timeout", "1"}) {}
};

BOOST_FIXTURE_TEST_CASE(a_slow_answer_outlasts_the_idle_timeout, short_idle_fixture) {
  auto conn = peer_connection(R"("ping":{"relativeURI":"/ping"})");
  peer.inject({.method = "GET", .path_prefix = "/ping", .times = 1, .status = 200, .delay_ms = 2500});
  auto r = api("POST", "/v1/connections/" + conn + "/ping");
  BOOST_TEST(r.status == 200u, r.body);
  // One ping: the client did not have to send the call again on a new connection.
  BOOST_TEST(peer.hits("/ping") == 1);
}

BOOST_FIXTURE_TEST_CASE(ping_checks_a_connection, flow_fixture) {
  auto good = peer_connection(R"("ping":{"relativeURI":"/ping","successPath":"ok","successValues":["true"]})");
  auto r = api("GET", "/v1/connections/" + good + "/ping");
  BOOST_TEST(r.status == 200u);
  BOOST_TEST(r.json().at("code").as_int64() == 200);
  BOOST_TEST(api("POST", "/v1/connections/" + good + "/ping").status == 200u);
  auto bad = peer_connection(R"("ping":{"relativeURI":"/missing"})");
  auto failed = api("GET", "/v1/connections/" + bad + "/ping");
  BOOST_TEST(failed.status == 422u);
  BOOST_TEST(failed.error_code() == "ping_failed");
  auto unsaved = api("POST", "/v1/connections/ping",
                     R"({"type":"http","http":{"baseURI":")" + peer.base_url() + R"(","ping":{"relativeURI":"/ping"}}})");
  BOOST_TEST(unsaved.status == 200u);
  auto refused = api("POST", "/v1/connections/ping", R"({"type":"http","http":{"baseURI":"http://127.0.0.1:1"}})");
  BOOST_TEST(refused.status == 422u);
  BOOST_TEST(api("GET", "/v1/connections/000000000000000000000000/ping").status == 404u);
}

BOOST_FIXTURE_TEST_CASE(job_queries_follow_the_reference_rules, flow_fixture) {
  auto conn = peer_connection();
  auto flow_id = simple_flow(*this, conn, 5, "queries");
  auto first = run(flow_id);
  wait_job(first);
  auto second = run(flow_id);
  wait_job(second);
  BOOST_TEST(api("GET", "/v1/jobs").status == 400u);
  BOOST_TEST(api("GET", "/v1/jobs").error_code() == "invalid_query");
  BOOST_TEST(api("GET", "/v1/jobs?type=import").status == 400u);
  BOOST_TEST(api("GET", "/v1/jobs?_flowId=zzz").status == 400u);
  BOOST_TEST(api("GET", "/v1/jobs?_flowId=" + flow_id + "&status=sideways").status == 400u);
  auto listed = api("GET", "/v1/jobs?_flowId=" + flow_id);
  BOOST_REQUIRE_MESSAGE(listed.status == 200u, listed.body);
  auto list = listed.json().as_array();
  BOOST_REQUIRE_EQUAL(list.size(), 2u);
  BOOST_TEST(list[0].at("_id").as_string() == second);  // newest first
  BOOST_TEST(list[0].at("type").as_string() == "flow");
  auto completed = api("GET", "/v1/jobs?_flowId=" + flow_id + "&status=completed&numSuccess_gte=5");
  BOOST_TEST(completed.json().as_array().size() == 2u);
  auto none = api("GET", "/v1/jobs?_flowId=" + flow_id + "&numSuccess_gte=6");
  BOOST_TEST(none.json().as_array().empty());
  auto older = api("GET", "/v1/jobs?_flowId=" + flow_id + "&createdAt_lte="
                            + std::string(list[1].at("createdAt").as_string()));
  BOOST_TEST(older.json().as_array().size() >= 1u);
  BOOST_TEST(api("GET", "/v1/jobs/000000000000000000000000").status == 404u);
  // Another account sees none of it.
  auto other = new_account("outsider");
  BOOST_TEST(as(other, "GET", "/v1/jobs/" + first).status == 404u);
  BOOST_TEST(as(other, "GET", "/v1/jobs?_flowId=" + flow_id).json().as_array().empty());
  BOOST_TEST(as(other, "POST", "/v1/flows/" + flow_id + "/run").status == 404u);
  BOOST_TEST(as(other, "PUT", "/v1/jobs/" + first + "/cancel").status == 404u);
}

BOOST_FIXTURE_TEST_CASE(disabled_flows_do_not_run, flow_fixture) {
  auto conn = peer_connection();
  auto flow_id = simple_flow(*this, conn, 5, "disabled");
  BOOST_TEST(api("PATCH", "/v1/flows/" + flow_id, R"([{"op":"replace","path":"/disabled","value":true}])").status == 204u);
  auto r = api("POST", "/v1/flows/" + flow_id + "/run");
  BOOST_TEST(r.status == 422u);
}

BOOST_FIXTURE_TEST_CASE(a_connection_whose_ping_fails_is_offline_and_its_flows_fail_fast, flow_fixture) {
  auto conn = peer_connection(R"("ping":{"relativeURI":"/ping"})");
  auto flow_id = simple_flow(*this, conn, 5, "offline");
  // The peer answers pings with 500 for a while.
  fault f;
  f.path_prefix = "/ping";
  f.status = 500;
  peer.inject(f);
  BOOST_TEST(api("GET", "/v1/connections/" + conn + "/ping").status == 422u);
  BOOST_TEST(api("GET", "/v1/connections/" + conn).json().at("offline") == true);
  auto j = wait_job(run(flow_id));
  BOOST_TEST(status_of(j) == "failed");
  BOOST_TEST(peer.hits("/source") == 0);  // nothing was tried
  auto errors = api("GET", "/v1/jobs/" + std::string(j.at("_id").as_string()) + "/joberrors").json().as_array();
  BOOST_REQUIRE_EQUAL(errors.size(), 1u);
  BOOST_TEST(std::string(errors[0].at("message").as_string()).find("offline") != std::string::npos);
  // A good ping brings it back.
  BOOST_TEST(api("GET", "/v1/connections/" + conn + "/ping").status == 200u);
  BOOST_TEST(api("GET", "/v1/connections/" + conn).json().at("offline") == false);
  BOOST_TEST(status_of(wait_job(run(flow_id))) == "completed");
  BOOST_TEST(peer.sink("offline").size() == 5u);
}

BOOST_FIXTURE_TEST_CASE(a_put_with_new_credentials_brings_an_offline_connection_back, flow_fixture) {
  auto block = [&](const char* token) {
    return R"({"type":"http","name":"Creds","http":{"baseURI":")" + peer.base_url()
           + R"(","ping":{"relativeURI":"/ping"},"auth":{"type":"token","token":{"token":")" + token
           + R"(","location":"header","scheme":"Bearer"}}}})";
  };
  auto conn = create("connections", block("old-token"));
  fault f;
  f.path_prefix = "/ping";
  f.status = 401;
  peer.inject(f);
  BOOST_TEST(api("GET", "/v1/connections/" + conn + "/ping").status == 422u);
  auto offline = [&] { return api("GET", "/v1/connections/" + conn).json().at("offline") == true; };
  BOOST_TEST(offline());
  // The document as read back (credentials masked), even without the
  // flag, changes nothing: the server owns it.
  auto same = api("GET", "/v1/connections/" + conn).json();
  same.as_object().erase("offline");
  BOOST_TEST(api("PUT", "/v1/connections/" + conn, boost::json::serialize(same)).status == 200u);
  BOOST_TEST(offline());
  BOOST_TEST(api("PUT", "/v1/connections/" + conn, block("new-token")).status == 200u);
  BOOST_TEST(!offline());
}

BOOST_FIXTURE_TEST_CASE(the_proxy_calls_the_target_with_the_connections_auth, flow_fixture) {
  auto conn = peer_connection(R"("auth":{"type":"token","token":{"token":"s3cret","location":"header","scheme":"Bearer"}})");
  auto proxy = [&](const std::string& method, const std::string& uri, const std::string& body = {}) {
    std::map<std::string, std::string> headers{{"Authorization", "Bearer " + token}};
    if (!method.empty())
      headers["Integrator-Method"] = method;
    if (!uri.empty())
      headers["Integrator-Relative-URI"] = uri;
    return client.request("POST", "/v1/connections/" + conn + "/proxy", body, headers);
  };
  auto got = proxy("GET", "/source/page?total=3&size=10");
  BOOST_REQUIRE_MESSAGE(got.status == 200u, got.body);
  BOOST_TEST(got.json().at("items").as_array().size() == 3u);
  BOOST_TEST(peer.last_headers("/source/page")["authorization"] == "Bearer s3cret");
  // The body goes along; the target's status comes back as it is.
  auto posted = proxy("post", "/sink/proxied", R"({"id":1})");
  BOOST_TEST(posted.status == 201u, posted.body);
  BOOST_TEST(peer.sink("proxied").size() == 1u);
  BOOST_TEST(proxy("GET", "/nowhere").status == 404u);
  BOOST_TEST(proxy("GET", "").status == 422u);  // no Integrator-Relative-URI
  BOOST_TEST(proxy("", "/source/page?total=1").status == 200u);  // GET by default
}

BOOST_FIXTURE_TEST_CASE(an_import_invoked_alone_answers_per_record, flow_fixture) {
  auto conn = peer_connection();
  auto imp = http_import(conn, R"({"method":["POST"],"relativeURI":["/sink/invoked"]})",
                         R"("mapping":{"fields":[{"extract":"n","generate":"id"},{"extract":"r","generate":"reject"}]})");
  auto r = api("POST", "/v1/imports/" + imp + "/invoke", R"({"data":[{"n":1},{"n":2,"r":true},{"n":3}]})");
  BOOST_REQUIRE_MESSAGE(r.status == 200u, r.body);
  auto results = r.json().as_array();
  BOOST_REQUIRE_EQUAL(results.size(), 3u);
  BOOST_TEST(results[0].at("statusCode").as_int64() == 201);
  BOOST_TEST(!results[0].at("id").as_string().empty());  // the sink's id for it
  BOOST_TEST(results[0].at("_json").is_object());
  BOOST_TEST(results[0].at("errors").as_array().empty());
  BOOST_TEST(results[1].at("statusCode").as_int64() == 422);
  BOOST_TEST(results[1].at("errors").as_array().size() == 1u);
  BOOST_TEST(results[2].at("ignored").as_bool() == false);
  auto sent = sink_ids(peer, "invoked");  // one request each, concurrently
  std::sort(sent.begin(), sent.end());
  BOOST_TEST(sent == (std::vector<std::int64_t>{1, 3}), boost::test_tools::per_element());
  // The same through the connection, with an unsaved import; and bad bodies.
  auto virt = api("POST", "/v1/connections/" + conn + "/import",
                  R"({"import":{"http":{"method":["POST"],"relativeURI":["/sink/virtual"]}},"data":[{"id":9}]})");
  BOOST_REQUIRE_MESSAGE(virt.status == 200u, virt.body);
  BOOST_TEST(virt.json().as_array()[0].at("statusCode").as_int64() == 201);
  BOOST_TEST(peer.sink("virtual").size() == 1u);
  // The same import by its apiIdentifier, with the records as the body.
  auto ident = std::string(api("GET", "/v1/imports/" + imp).json().at("apiIdentifier").as_string());
  auto by_ident = api("POST", "/v1/" + ident, R"([{"n":7}])");
  BOOST_REQUIRE_MESSAGE(by_ident.status == 200u, by_ident.body);
  BOOST_TEST(by_ident.json().as_array()[0].at("statusCode").as_int64() == 201);
  BOOST_TEST(api("POST", "/v1/i0000000", "[]").status == 404u);
  // Only the mapping, nothing sent.
  auto mapped = api("POST", "/v1/connections/" + conn + "/import/map",
                    R"({"import":{"mapping":{"fields":[{"extract":"a","generate":"b"}]}},"data":[{"a":1},{"a":"x"}]})");
  BOOST_REQUIRE_MESSAGE(mapped.status == 200u, mapped.body);
  BOOST_TEST(mapped.json() == json::parse(R"([{"b":1},{"b":"x"}])"));
  BOOST_TEST(api("POST", "/v1/connections/" + conn + "/import/map", R"({"import":{}})").status == 422u);
  BOOST_TEST(api("POST", "/v1/imports/" + imp + "/invoke", R"({"data":5})").status == 422u);
  BOOST_TEST(api("POST", "/v1/connections/" + conn + "/import", R"({"data":[]})").status == 422u);
}

BOOST_AUTO_TEST_SUITE_END()
