#include "tests/integration/fixture.hpp"

using namespace integrator::test;

BOOST_FIXTURE_TEST_SUITE(supervision, api_fixture)

BOOST_AUTO_TEST_CASE(crashed_actors_are_restarted_and_the_api_stays_up) {
  auto id = create("scripts", R"({"name":"survivor"})");
  BOOST_TEST(client.request("POST", "/admin/v1/debug/crash/shard").status == 204u);
  BOOST_TEST(client.request("POST", "/admin/v1/debug/crash/registry").status == 204u);
  // The next requests reach the new incarnations.
  http_response r;
  for (int i = 0; i < 50; ++i) {
    r = api("GET", "/v1/scripts/" + id);
    if (r.status == 200u)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  BOOST_TEST(r.status == 200u);
  BOOST_TEST(r.json().at("name").as_string() == "survivor");
  BOOST_TEST(create("scripts", R"({"name":"after"})").size() == 24u);
}

// An actor that keeps failing is not restarted forever: one restart more
// than the limit stops the node, with exit code 1.
BOOST_AUTO_TEST_CASE(one_restart_too_many_stops_the_node) {
  server_process limited({"--restart-intensity", "2", "--restart-period", "60"});
  http_client admin{limited.host(), limited.port()};
  for (int i = 0; i < 3; ++i) {
    try {
      admin.request("POST", "/admin/v1/debug/crash/shard");
    } catch (const std::exception&) {
      // The third crash stops the node, which may close before it answers.
    }
  }
  BOOST_TEST(limited.wait_exit(20) == 1);
}

BOOST_AUTO_TEST_CASE(sigterm_shuts_down_cleanly) {
  create("scripts", R"({"name":"x"})");
  BOOST_TEST(server.stop() == 0);
}

BOOST_AUTO_TEST_SUITE_END()
