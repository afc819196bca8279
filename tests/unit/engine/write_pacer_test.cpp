#include "core/engine/write_pacer.hpp"

#include <boost/test/unit_test.hpp>

using namespace integrator;
using action = write_pacer::action;

BOOST_AUTO_TEST_SUITE(write_pacer_test)

BOOST_AUTO_TEST_CASE(an_urgent_change_is_written_at_once) {
  write_pacer p;
  BOOST_TEST((p.changed(true) == action::write));
  BOOST_TEST(p.writing());
  BOOST_TEST((p.written() == action::none));
  BOOST_TEST(p.idle());
}

BOOST_AUTO_TEST_CASE(counts_alone_wait_for_the_timer_armed_once) {
  write_pacer p;
  BOOST_TEST((p.changed(false) == action::arm_timer));
  BOOST_TEST((p.changed(false) == action::none));  // already armed
  BOOST_TEST((p.timer() == action::write));
  BOOST_TEST((p.written() == action::none));
  BOOST_TEST((p.timer() == action::none));  // nothing left
}

BOOST_AUTO_TEST_CASE(one_write_is_out_at_a_time_and_what_came_meanwhile_joins_the_next) {
  write_pacer p;
  BOOST_TEST((p.changed(true) == action::write));
  BOOST_TEST((p.changed(true) == action::none));
  BOOST_TEST((p.changed(false) == action::none));
  BOOST_TEST((p.written() == action::write));  // the urgent one, with the counts
  BOOST_TEST((p.written() == action::none));
  BOOST_TEST(p.idle());
}

BOOST_AUTO_TEST_CASE(counts_that_came_during_a_write_wait_for_the_timer_after_it) {
  write_pacer p;
  BOOST_TEST((p.changed(true) == action::write));
  BOOST_TEST((p.changed(false) == action::none));
  BOOST_TEST((p.written() == action::arm_timer));
  BOOST_TEST(!p.idle());
  BOOST_TEST((p.timer() == action::write));
}

BOOST_AUTO_TEST_CASE(a_timer_firing_during_a_write_leaves_the_counts_to_the_write_after) {
  write_pacer p;
  BOOST_TEST((p.changed(false) == action::arm_timer));
  BOOST_TEST((p.changed(true) == action::write));
  BOOST_TEST((p.changed(false) == action::none));
  BOOST_TEST((p.timer() == action::none));  // a write is out
  BOOST_TEST((p.written() == action::arm_timer));
  BOOST_TEST((p.timer() == action::write));
}

BOOST_AUTO_TEST_SUITE_END()
