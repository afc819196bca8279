// A flow's queue when its lease is taken over: what the last holder left
// goes first, each run once.

#include "core/engine/run_queue.hpp"

#include <boost/test/unit_test.hpp>

using namespace integrator;

BOOST_AUTO_TEST_SUITE(run_queue_test)

BOOST_AUTO_TEST_CASE(runs_left_by_the_last_holder_go_first_each_once) {
  std::vector<job_ref> left{{"acc", "f", "j1"}, {"acc", "f", "j2"}, {"acc", "f", "j4"}};
  // j4 was forwarded here and queued before the takeover; j5 too; j3 runs.
  auto queue = left_runs_first(left, {"j4", "j5", "j3"}, "j3");
  BOOST_TEST((queue == std::deque<std::string>{"j1", "j2", "j4", "j5"}));
  BOOST_TEST(left_runs_first({}, {"j5"}, "").size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
