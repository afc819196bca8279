#pragma once
// integrator.io flow schedules: six Quartz-like fields whose first (seconds)
// is always "?": "? min hour day-of-month month day-of-week". Minute
// granularity is what makes "at most once a minute" hold by construction.
//
// Fields accept "*", "?" (day fields only), numbers, names (JAN-DEC,
// SUN-SAT), ranges "a-b", steps "*/n", "a/n", "a-b/n" and comma lists.
// Day of week: 0-7 with 0 and 7 both Sunday (names are the safe choice).

#include <bitset>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/util/result.hpp"

namespace integrator {

/// A parsed schedule: the set of allowed values of each field.
struct cron_schedule {
  std::bitset<60> minutes;
  std::bitset<24> hours;
  std::bitset<32> days_of_month;  ///< bit 0 unused
  std::bitset<13> months;         ///< bit 0 unused
  std::bitset<7> days_of_week;    ///< 0 = Sunday
  bool any_day_of_month = false;  ///< "*" or "?"
  bool any_day_of_week = false;   ///< "*" or "?"
};

/// Parses `text`, or says why it is not a schedule.
result<cron_schedule> parse_cron(std::string_view text);

/// The first time (epoch ms, on a whole minute) strictly after `after_ms`
/// at which `s` fires in time zone `zone` (IANA name; empty: UTC), within
/// four years; nullopt when it never does (e.g. 31 February) or the zone
/// is unknown.
///
/// Daylight saving time, since schedules are in local time:
/// - spring forward: a local time that does not exist that day (02:30 when
///   clocks jump from 02:00 to 03:00) does not fire that day;
/// - fall back: a local time that occurs twice fires once, at its first
///   occurrence.
std::optional<std::int64_t> next_fire(const cron_schedule& s, std::string_view zone,
                                      std::int64_t after_ms);

}  // namespace integrator
