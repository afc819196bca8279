// Issue 14 §7: twenty rounds of a 100,000-record flow run while a client
// writes 200 times a second, integratord killed (-9) at a random moment
// and started again. Each round, every acknowledged write is there, the
// run resumed (or had ended, or had not begun) and completed, every record
// arrived, and what arrived twice and what the job counted stay within the
// bound the job states (numPossiblyResent).
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <map>
#include <random>
#include <thread>
#include <vector>

#include "tests/integration/flow_fixture.hpp"

using namespace integrator::test;
namespace json = boost::json;

namespace {

constexpr int records = 100'000;
constexpr int rounds = 20;

struct crash_loop_fixture : flow_fixture {
  crash_loop_fixture() : flow_fixture({"--rate-bucket-size", "1000000", "--rate-fill-rate", "1000000"}) {}

  /// A flow of `records` records, read 1,000 an answer, into sink `sink`
  /// in batches of 1,000.
  std::string big_flow(const std::string& conn, const std::string& sink) {
    auto exp = http_export(conn, R"({"relativeURI":"/source/page?total=)" + std::to_string(records)
                                   + R"(&size=1000&page={{export.http.paging.page}}",
                                   "response":{"resourcePath":"items"},"paging":{"method":"page"}})",
                           R"("pageSize":1000)");
    auto imp = http_import(conn, R"({"method":["POST"],"relativeURI":["/sink/)" + sink + R"("],"batchSize":1000})");
    return flow(exp, {imp});
  }
};

// A client writing a state key every 5 ms (200 a second) in a thread of
// its own; it keeps the keys whose write was acknowledged.
struct writer {
  std::string host;
  unsigned short port;
  std::string token;
  std::string prefix;
  std::atomic<bool> done{false};
  std::vector<std::string> acknowledged;
  std::thread thread;

  void start() {
    thread = std::thread([this] {
      try {
        http_client c{host, port};
        auto next = std::chrono::steady_clock::now();
        for (int i = 0; !done; ++i) {
          auto key = prefix + "-" + std::to_string(i);
          auto r = c.request("PUT", "/v1/state/" + key, "\"" + key + "\"",
                             {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}});
          if (r.status >= 200u && r.status < 300u)
            acknowledged.push_back(key);
          next += std::chrono::milliseconds(5);
          std::this_thread::sleep_until(next);
        }
      } catch (const std::exception&) {
        // The kill: writes end with the connection.
      }
    });
  }
  void stop() {
    done = true;
    if (thread.joinable())
      thread.join();
  }
};

// A count the job shows only when it is not 0.
std::int64_t shown(const json::object& job, const char* field) {
  const auto* v = job.if_contains(field);
  return v ? v->as_int64() : 0;
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(crash_loop, crash_loop_fixture)

BOOST_AUTO_TEST_CASE(twenty_kills_lose_no_acknowledged_write_and_every_run_completes) {
  auto seed = static_cast<unsigned>(std::chrono::steady_clock::now().time_since_epoch().count());
  BOOST_TEST_MESSAGE("seed " << seed);
  std::mt19937 rng(seed);
  // The kill comes once the sink holds a random share of the records (at
  // 0, as the run starts; at the end, maybe after it completed).
  std::uniform_int_distribution<std::size_t> moment(0, records);
  auto conn = peer_connection();
  int resumed = 0;
  std::size_t writes = 0;
  for (int round = 0; round < rounds; ++round) {
    auto sink = "loop" + std::to_string(round);
    auto job_id = run(big_flow(conn, sink));
    writer w{server.host(), server.port(), token, "r" + std::to_string(round)};
    w.start();
    auto wait = moment(rng);
    for (int i = 0; i < 3000 && peer.sink_size(sink) < wait; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    server.kill9();
    w.stop();
    server.start();
    client = http_client(server.host(), server.port());
    // Every acknowledged write is there.
    for (const auto& key : w.acknowledged) {
      auto r = api("GET", "/v1/state/" + key);
      BOOST_TEST(r.body == "\"" + key + "\"", "round " << round << ": " << key << " lost (" << r.status << ")");
    }
    writes += w.acknowledged.size();
    // The run resumed (or had not begun, or had ended) and completed.
    auto j = wait_job(job_id, 180);
    BOOST_TEST_REQUIRE(std::string(j.at("status").as_string()) == "completed",
                       "round " << round << " (killed at " << wait << " records): " << json::serialize(j));
    auto bound = shown(j, "numPossiblyResent");
    resumed += shown(j, "interruptions") > 0 ? 1 : 0;
    std::map<std::string, int> times;
    auto arrived = peer.sink(sink);
    for (const auto& e : arrived)
      ++times[json::serialize(e.record.at("id"))];
    auto total = static_cast<std::int64_t>(arrived.size());
    BOOST_TEST(times.size() == static_cast<std::size_t>(records), "round " << round);
    BOOST_TEST(total - records <= bound, "round " << round << ": " << total - records
                                                   << " arrived twice, bound " << bound);
    BOOST_TEST(std::llabs(count(j, "numSuccess") - total) <= bound,
               "round " << round << ": counted " << count(j, "numSuccess") << ", arrived " << total);
    BOOST_TEST_MESSAGE("round " << round << ": killed at " << wait << " records, " << w.acknowledged.size()
                                << " writes acknowledged, " << total - records << " records twice (bound "
                                << bound << "), interruptions " << shown(j, "interruptions"));
    peer.forget(sink);
  }
  BOOST_TEST_MESSAGE(rounds << " rounds: " << resumed << " runs resumed, " << writes
                            << " acknowledged writes all kept");
  BOOST_TEST(resumed > 0);  // the kills did catch runs in the middle
}

BOOST_AUTO_TEST_SUITE_END()
