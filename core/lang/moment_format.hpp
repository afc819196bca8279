#pragma once
// Dates as integrator.io's Handlebars helpers show them: moment.js format
// tokens (YYYY MM DD HH mm ss SSS Z X x MMM dddd Do A, [literal] ...) in an
// IANA time zone (the OS tz database, through Howard Hinnant's date/tz).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace integrator {

/// Formats `epoch_ms` with moment.js tokens in `time_zone` ("" = UTC).
/// nullopt when the zone is unknown.
std::optional<std::string> format_moment(std::int64_t epoch_ms, std::string_view format,
                                         std::string_view time_zone = {});

/// True when `name` is an IANA zone known to this machine (or UTC).
bool is_time_zone(std::string_view name);

}  // namespace integrator
