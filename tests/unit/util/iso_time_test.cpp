#include "core/util/iso_time.hpp"

#include <boost/test/unit_test.hpp>

using namespace integrator;

BOOST_AUTO_TEST_SUITE(iso_time_test)

BOOST_AUTO_TEST_CASE(formats_utc_with_milliseconds) {
  BOOST_TEST(format_iso_ms(0) == "1970-01-01T00:00:00.000Z");
  BOOST_TEST(format_iso_ms(1511897824180) == "2017-11-28T19:37:04.180Z");
  BOOST_TEST(format_iso_ms(951782400000) == "2000-02-29T00:00:00.000Z");
}

BOOST_AUTO_TEST_CASE(parses_iso_date_only_offsets_and_epoch_ms) {
  BOOST_TEST(*parse_iso_ms("2017-11-28T19:37:04.180Z") == 1511897824180);
  BOOST_TEST(*parse_iso_ms("2017-11-28") == 1511827200000);
  BOOST_TEST(*parse_iso_ms("2017-11-28T20:37:04.180+01:00") == 1511897824180);
  BOOST_TEST(*parse_iso_ms("2017-11-28T19:37") == 1511897820000);
  BOOST_TEST(*parse_iso_ms("1511897824180") == 1511897824180);
  for (auto bad : {"", "2017-13-01", "2017-11-28X", "yesterday", "2017-11-28T25:00"})
    BOOST_TEST(!parse_iso_ms(bad).has_value(), bad);
}

// Found by the validation fuzz target (debugUntil): 19 digits overflowed
// the epoch-milliseconds reading (undefined). Past 16 digits it is no date.
BOOST_AUTO_TEST_CASE(epoch_digits_beyond_any_date_are_no_date) {
  BOOST_TEST(!parse_iso_ms("1111111111111111111").has_value());
  BOOST_TEST(!parse_iso_ms("99999999999999999").has_value());
  BOOST_TEST(parse_iso_ms("8640000000000000").value() == 8640000000000000);
}

BOOST_AUTO_TEST_CASE(round_trips) {
  for (std::int64_t ms : {0LL, 1LL, 86399999LL, 1700000000123LL, 4102444800000LL})
    BOOST_TEST(*parse_iso_ms(format_iso_ms(ms)) == ms);
}

BOOST_AUTO_TEST_SUITE_END()
