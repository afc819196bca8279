#include "core/util/restart_intensity.hpp"

#include <boost/test/unit_test.hpp>

using namespace integrator;
using ms = std::chrono::milliseconds;

BOOST_AUTO_TEST_SUITE(restart_intensity_test)

BOOST_AUTO_TEST_CASE(allows_intensity_restarts_within_a_period_and_refuses_the_next) {
  restart_intensity r(3, ms(10000));
  BOOST_TEST(r.allow(ms(0)));
  BOOST_TEST(r.allow(ms(100)));
  BOOST_TEST(r.allow(ms(200)));
  BOOST_TEST(!r.allow(ms(300)));  // a fourth within 10 s: give up
}

BOOST_AUTO_TEST_CASE(restarts_older_than_the_period_no_longer_count) {
  restart_intensity r(2, ms(1000));
  BOOST_TEST(r.allow(ms(0)));
  BOOST_TEST(r.allow(ms(500)));
  BOOST_TEST(!r.allow(ms(999)));
  BOOST_TEST(r.allow(ms(1000)));  // the first is a period old
  BOOST_TEST(!r.allow(ms(1200)));
  BOOST_TEST(r.allow(ms(2600)));  // both earlier ones have aged out
  BOOST_TEST(r.allow(ms(2700)));
}

BOOST_AUTO_TEST_CASE(an_intensity_of_zero_restarts_nothing) {
  restart_intensity r(0, ms(1000));
  BOOST_TEST(!r.allow(ms(0)));
}

BOOST_AUTO_TEST_SUITE_END()
