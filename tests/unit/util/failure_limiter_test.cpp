#include "core/util/failure_limiter.hpp"

#include <boost/test/unit_test.hpp>

using namespace integrator;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(failure_limiter_test)

BOOST_AUTO_TEST_CASE(an_address_is_refused_once_its_failures_run_out_and_served_after_the_wait) {
  failure_limiter limiter({.capacity = 3, .fill_rate = 1});
  auto t = std::chrono::nanoseconds(10s);
  BOOST_TEST(!limiter.refused("10.0.0.1", t));
  for (int i = 0; i < 3; ++i)
    limiter.failed("10.0.0.1", t);
  auto wait = limiter.refused("10.0.0.1", t);
  BOOST_REQUIRE(wait);
  BOOST_TEST(*wait == 1);
  // Others are not affected.
  BOOST_TEST(!limiter.refused("10.0.0.2", t));
  // One failure's worth refills in a second.
  BOOST_TEST(limiter.refused("10.0.0.1", t + 500ms).has_value());
  BOOST_TEST(!limiter.refused("10.0.0.1", t + 1s));
  limiter.failed("10.0.0.1", t + 1s);
  BOOST_TEST(limiter.refused("10.0.0.1", t + 1s).has_value());
}

BOOST_AUTO_TEST_CASE(memory_is_bounded_by_forgetting_refilled_addresses) {
  failure_limiter limiter({.capacity = 2, .fill_rate = 1}, 10);
  auto t = std::chrono::nanoseconds(10s);
  for (int i = 0; i < 10; ++i)
    limiter.failed("a" + std::to_string(i), t);
  BOOST_TEST(limiter.tracked() == 10u);
  // Later, all refilled: the next new address makes room.
  limiter.failed("late", t + 5s);
  BOOST_TEST(limiter.tracked() == 1u);
  // A flood of new addresses never grows past the bound.
  for (int i = 0; i < 100; ++i)
    limiter.failed("f" + std::to_string(i), t + 5s);
  BOOST_TEST(limiter.tracked() <= 10u);
}

BOOST_AUTO_TEST_SUITE_END()
