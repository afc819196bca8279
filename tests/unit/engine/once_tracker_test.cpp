#include "core/engine/once_tracker.hpp"

#include <boost/test/unit_test.hpp>

using namespace integrator;

namespace {

std::vector<once_call> calls(std::size_t n) {
  std::vector<once_call> out(n);
  for (std::size_t i = 0; i < n; ++i)
    out[i].target = "/flag/" + std::to_string(i);
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(once_tracker_test)

BOOST_AUTO_TEST_CASE(calls_go_out_once_the_page_is_through) {
  once_tracker t;
  BOOST_TEST(t.calls_for(7, calls(2)).empty());
  auto out = t.page_through(7);
  BOOST_TEST(out.size() == 2u);
  BOOST_TEST(out[1].target == "/flag/1");
  BOOST_TEST(t.page_through(7).empty());  // not twice
}

BOOST_AUTO_TEST_CASE(a_page_through_before_its_calls_came_sends_them_when_they_come) {
  once_tracker t;
  BOOST_TEST(t.page_through(3).empty());
  BOOST_TEST(t.calls_for(3, calls(1)).size() == 1u);
  BOOST_TEST(t.calls_for(3, calls(1)).empty());  // a later page with that number waits again
}

BOOST_AUTO_TEST_CASE(pages_are_kept_apart) {
  once_tracker t;
  t.calls_for(1, calls(1));
  t.calls_for(2, calls(3));
  BOOST_TEST(t.page_through(2).size() == 3u);
  BOOST_TEST(t.page_through(1).size() == 1u);
}

BOOST_AUTO_TEST_CASE(settled_only_when_every_sent_call_is_answered) {
  once_tracker t;
  BOOST_TEST(t.settled());
  t.sent(2);
  BOOST_TEST(!t.settled());
  t.answered();
  BOOST_TEST(!t.settled());
  t.answered();
  BOOST_TEST(t.settled());
  t.answered();  // a stray answer does not go below zero
  t.sent(1);
  BOOST_TEST(!t.settled());
}

BOOST_AUTO_TEST_SUITE_END()
