#include "actors/gateway.hpp"

#include <boost/test/unit_test.hpp>

using namespace integrator;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(gateway_test)

BOOST_AUTO_TEST_CASE(tickets_complete_once_and_expire_after_their_deadline) {
  ticket_table tickets;
  auto now = ticket_table::clock::now();
  std::vector<std::string> seen;
  auto record = [&](std::string name) {
    return [&seen, name](api_reply r) {
      seen.push_back(name + ":" + (r.status == api_status::failed ? to_string(r.error.kind()) : "ok"));
    };
  };
  auto answered = tickets.park(record("answered"), now + 10s);
  tickets.park(record("overdue"), now - 1ms);
  tickets.park(record("waiting"), now + 10s);
  tickets.complete(answered, api_reply::json(api_status::ok, "{}"));
  tickets.complete(answered, api_reply::json(api_status::ok, "{}"));  // no second call
  tickets.expire(now);
  BOOST_TEST_REQUIRE(seen.size() == 2u);
  BOOST_TEST(seen[0] == "answered:ok");
  BOOST_TEST(seen[1] == "overdue:unavailable");
  tickets.complete_all(api_reply::fail(make_api_error(error_code::unavailable, "bye")));
  BOOST_TEST(seen.size() == 3u);
  BOOST_TEST(seen[2] == "waiting:unavailable");
}

BOOST_AUTO_TEST_SUITE_END()
