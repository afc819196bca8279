#include "core/util/cron.hpp"

#include "tests/support/why_not.hpp"
#include "core/util/iso_time.hpp"

#include <boost/test/unit_test.hpp>

using namespace integrator;
using integrator::test::why_not;

BOOST_AUTO_TEST_SUITE(cron_test)

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
    auto compiled = parse_cron(text);
    BOOST_TEST(!compiled.has_value(), text);
    BOOST_TEST(why_not(compiled).find("Invalid cron expression") == 0u, text);
  }
}

namespace {

std::int64_t at(const char* iso) {
  return *integrator::parse_iso_ms(iso);
}

std::string next_after(const char* cron, const char* zone, const char* after) {
  auto s = integrator::parse_cron(cron);
  BOOST_REQUIRE(s);
  auto t = integrator::next_fire(*s, zone, at(after));
  return t ? integrator::format_iso_ms(*t) : "never";
}

}  // namespace

BOOST_AUTO_TEST_CASE(next_fire_times_in_utc) {
  BOOST_TEST(next_after("? */5 * * * *", "", "2026-11-28T10:02:30.000Z") == "2026-11-28T10:05:00.000Z");
  BOOST_TEST(next_after("? */5 * * * *", "", "2026-11-28T10:05:00.000Z") == "2026-11-28T10:10:00.000Z");
  BOOST_TEST(next_after("? 0 2 ? * *", "UTC", "2026-11-28T10:00:00.000Z") == "2026-11-29T02:00:00.000Z");
  BOOST_TEST(next_after("? 5 0,6,12,18 ? * MON", "", "2026-11-28T10:00:00.000Z") == "2026-11-30T00:05:00.000Z");
  BOOST_TEST(next_after("? 0 0 31 2 ?", "", "2026-11-28T10:00:00.000Z") == "never");
  BOOST_TEST(next_after("? 0 0 29 2 ?", "", "2026-11-28T10:00:00.000Z") == "2028-02-29T00:00:00.000Z");
  auto s = integrator::parse_cron("? * * * * *");
  BOOST_TEST(!integrator::next_fire(*s, "Mars/Olympus_Mons", 0));
}

// New York, 2026: clocks jump 02:00 → 03:00 on 8 March, and fall back
// 02:00 → 01:00 on 1 November.
BOOST_AUTO_TEST_CASE(next_fire_across_daylight_saving_changes) {
  // 02:30 does not exist on 8 March: that day is skipped.
  BOOST_TEST(next_after("? 30 2 * * *", "America/New_York", "2026-03-07T12:00:00.000Z")
             == "2026-03-09T06:30:00.000Z");
  // 09:00 local is 14:00Z before the change and 13:00Z after.
  BOOST_TEST(next_after("? 0 9 * * *", "America/New_York", "2026-03-07T15:00:00.000Z")
             == "2026-03-08T13:00:00.000Z");
  // 01:30 happens twice on 1 November: it fires at the first (EDT) only.
  BOOST_TEST(next_after("? 30 1 * * *", "America/New_York", "2026-10-31T12:00:00.000Z")
             == "2026-11-01T05:30:00.000Z");
  BOOST_TEST(next_after("? 30 1 * * *", "America/New_York", "2026-11-01T05:30:00.000Z")
             == "2026-11-02T06:30:00.000Z");
  // Every 30 minutes through the repeated hour: once per local time.
  BOOST_TEST(next_after("? */30 * * * *", "America/New_York", "2026-11-01T05:30:00.000Z")
             == "2026-11-01T07:00:00.000Z");
}

BOOST_AUTO_TEST_SUITE_END()
