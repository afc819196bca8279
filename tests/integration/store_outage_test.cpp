// PostgreSQL stopped under load (issue 16, test 8): a node on a PostgreSQL
// of its own keeps answering, 503 with Retry-After and the error shape
// while the database is away; no call answers 201 without its row; all
// works again once it is back. Registered in the integration_pg tier.

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <thread>

#include "tests/integration/http_client.hpp"
#include "tests/integration/server_process.hpp"

using namespace integrator::test;

namespace {

// A PostgreSQL of this test's own: pausing the tier's shared one would break
// the tests running beside it.
struct own_postgres {
  std::string state = (std::filesystem::temp_directory_path()
                       / ("integrator-outage-" + std::to_string(std::random_device{}())))
                        .string();
  std::string script = std::string(INTEGRATOR_SOURCE_DIR) + "/tests/support/private_postgres.sh ";
  own_postgres() { BOOST_REQUIRE(std::system((script + "start " + state).c_str()) == 0); }
  ~own_postgres() {
    std::system((script + "stop " + state).c_str());
    std::error_code ec;
    std::filesystem::remove_all(state, ec);
  }
  std::string conninfo() const { return read_file(state + "/conninfo"); }
  void pause() { BOOST_REQUIRE(std::system((script + "pause " + state).c_str()) == 0); }
  void resume() { BOOST_REQUIRE(std::system((script + "resume " + state).c_str()) == 0); }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(store_outage)

BOOST_AUTO_TEST_CASE(calls_answer_503_while_postgres_is_away_and_no_201_lacks_its_row) {
  own_postgres pg;
  server_process node({"--postgres", pg.conninfo(), "--rate-bucket-size", "1000000", "--rate-fill-rate", "1000000"});
  auto token = node.initial_token();
  std::atomic<bool> stop{false}, resumed{false};
  int created_after = 0;  // 201s once PostgreSQL was back
  std::vector<std::string> created;  // ids answered 201
  int unavailable = 0, other = 0, with_retry_after = 0;
  std::thread load([&] {
    http_client c(node.host(), node.port());
    for (int i = 0; !stop; ++i) {
      auto r = c.request("POST", "/v1/integrations", R"({"name":"i)" + std::to_string(i) + R"("})",
                         {{"Authorization", "Bearer " + token}});
      if (r.status == 201u) {
        created.emplace_back(r.json().at("_id").as_string());
        created_after += resumed ? 1 : 0;
      } else if (r.status == 503u) {
        ++unavailable;
        if (!r.header("retry-after").empty() && r.body.find("\"errors\"") != std::string::npos)
          ++with_retry_after;
      } else {
        ++other;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  pg.pause();
  std::this_thread::sleep_for(std::chrono::seconds(5));
  pg.resume();
  resumed = true;
  // Back: writes succeed again within a few seconds.
  http_client c(node.host(), node.port());
  bool back = false;
  for (int i = 0; i < 100 && !back; ++i) {
    back = c.request("GET", "/v1/integrations?limit=1", "", {{"Authorization", "Bearer " + token}}).status == 200u;
    if (!back)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::this_thread::sleep_for(std::chrono::seconds(1));
  stop = true;
  load.join();
  BOOST_TEST(back);
  BOOST_TEST(created_after > 0);
  BOOST_TEST(unavailable > 0);
  BOOST_TEST(with_retry_after == unavailable);
  BOOST_TEST(other == 0);
  // Every 201 is there.
  int missing = 0;
  for (const auto& id : created)
    missing += c.request("GET", "/v1/integrations/" + id, "", {{"Authorization", "Bearer " + token}}).status != 200u;
  BOOST_TEST(missing == 0);
  BOOST_TEST(created.size() > 20u);
  BOOST_TEST_MESSAGE(created.size() << " created, " << unavailable << " answered 503 while PostgreSQL was away");
}

BOOST_AUTO_TEST_SUITE_END()
