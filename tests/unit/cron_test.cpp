#include "core/cron.hpp"

#include <boost/test/unit_test.hpp>

using namespace integrator;

BOOST_AUTO_TEST_SUITE(cron)

BOOST_AUTO_TEST_CASE(accepts_the_reference_examples) {
  for (auto text : {"? 0 2 ? * *", "? */5 * * * *", "? 5 0,6,12,18 ? * *", "? 0 9-17 * * MON-FRI",
                    "? 30 1 1 JAN,jul ?", "? 0/15 * * * 7"})
    BOOST_TEST(parse_cron(text).has_value(), text);
}

BOOST_AUTO_TEST_CASE(parses_field_sets) {
  auto s = parse_cron("? 5 0,6,12,18 ? * *");
  BOOST_REQUIRE(s);
  BOOST_TEST(s->minutes.count() == 1u);
  BOOST_TEST(s->minutes.test(5));
  BOOST_TEST(s->hours.count() == 4u);
  BOOST_TEST(s->hours.test(18));
  BOOST_TEST(s->any_day_of_month);
  auto every5 = parse_cron("? */5 * * * *");
  BOOST_TEST(every5->minutes.count() == 12u);
  auto sunday = parse_cron("? 0 0 ? * 7");
  BOOST_TEST(sunday->days_of_week.test(0));
  auto weekdays = parse_cron("? 0 9 ? * MON-FRI");
  BOOST_TEST(weekdays->days_of_week.count() == 5u);
  BOOST_TEST(!weekdays->days_of_week.test(0));
}

BOOST_AUTO_TEST_CASE(rejects_invalid_expressions_with_a_reason) {
  for (auto text : {"", "* * * * *", "0 0 2 ? * *", "? 60 * * * *", "? * 24 * * *",
                    "? * * 0 * *", "? * * * 13 *", "? * * * * 8", "? 5-1 * * * *", "? */0 * * * *",
                    "? a * * * *", "? * * * * * *", "? ? * * * *", "? 1,,2 * * * *"}) {
    std::string why;
    BOOST_TEST(!parse_cron(text, &why).has_value(), text);
    BOOST_TEST(why.find("Invalid cron expression") == 0u, text);
  }
}

BOOST_AUTO_TEST_SUITE_END()
