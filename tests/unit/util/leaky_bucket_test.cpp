#include "core/util/leaky_bucket.hpp"

#include <boost/test/unit_test.hpp>

using namespace integrator;
using namespace std::chrono;

namespace {

leaky_bucket::duration at(double seconds) {
  return duration_cast<leaky_bucket::duration>(duration<double>(seconds));
}

int admitted(leaky_bucket& b, int requests, leaky_bucket::duration now) {
  int n = 0;
  for (int i = 0; i < requests; ++i)
    n += b.take(now).admitted ? 1 : 0;
  return n;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(leaky_bucket_test)

BOOST_AUTO_TEST_CASE(admits_exactly_100_at_once_then_refuses) {
  integrator::leaky_bucket b({100, 30}, at(0));
  BOOST_TEST(admitted(b, 150, at(0)) == 100);
  auto d = b.take(at(0));
  BOOST_TEST(!d.admitted);
  BOOST_TEST(d.retry_after.count() > 0);
}

BOOST_AUTO_TEST_CASE(refills_30_per_second_never_more) {
  integrator::leaky_bucket b({100, 30}, at(0));
  BOOST_TEST(admitted(b, 100, at(0)) == 100);
  BOOST_TEST(admitted(b, 100, at(1)) == 30);
  BOOST_TEST(admitted(b, 100, at(2)) == 30);
  BOOST_TEST(admitted(b, 100, at(2.5)) == 15);
}

BOOST_AUTO_TEST_CASE(one_token_every_thirtieth_of_a_second) {
  integrator::leaky_bucket b({100, 30}, at(0));
  admitted(b, 100, at(0));
  for (int i = 1; i <= 90; ++i) {
    BOOST_TEST(b.take(at(i / 30.0)).admitted);
    BOOST_TEST(!b.take(at(i / 30.0)).admitted);
  }
}

BOOST_AUTO_TEST_CASE(never_exceeds_capacity_after_long_idle) {
  integrator::leaky_bucket b({100, 30}, at(0));
  BOOST_TEST(admitted(b, 500, at(3600)) == 100);
}

BOOST_AUTO_TEST_CASE(retry_after_rounds_up_to_whole_seconds) {
  integrator::leaky_bucket b({100, 30}, at(0));
  admitted(b, 100, at(0));
  auto d = b.take(at(0));
  BOOST_TEST(retry_after_seconds(d.retry_after) == 1);
  integrator::leaky_bucket slow({1, 0.25}, at(0));
  slow.take(at(0));
  BOOST_TEST(retry_after_seconds(slow.take(at(0)).retry_after) == 4);
}

BOOST_AUTO_TEST_CASE(reconfigure_clips_level_and_changes_rate) {
  integrator::leaky_bucket b({100, 30}, at(0));
  b.reconfigure({10, 5}, at(0));
  BOOST_TEST(admitted(b, 50, at(0)) == 10);
  BOOST_TEST(admitted(b, 50, at(1)) == 5);
}

BOOST_AUTO_TEST_SUITE_END()
