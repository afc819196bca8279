#pragma once
// ISO-8601 UTC timestamps with milliseconds ("2017-11-28T19:37:04.180Z"),
// the API's only time format.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace integrator {

/// Milliseconds since the Unix epoch → "YYYY-MM-DDTHH:MM:SS.mmmZ".
std::string format_iso_ms(std::int64_t epoch_ms);

/// Parses "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS[.fff]]" with "Z" or "±HH:MM",
/// or an all-digit epoch-milliseconds string. nullopt when malformed.
std::optional<std::int64_t> parse_iso_ms(std::string_view text);

}  // namespace integrator
