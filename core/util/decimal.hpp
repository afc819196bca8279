#pragma once
// Strict unsigned decimal parsing shared by query strings, settings and cron.

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace integrator {

/// Parses 1..`max_digits` ASCII digits into `out`; false on anything else
/// (signs, spaces, empty, too long).
inline bool parse_decimal(std::string_view s, std::uint64_t& out, std::size_t max_digits = 18) {
  if (s.empty() || s.size() > max_digits)
    return false;
  out = 0;
  for (char c : s) {
    if (c < '0' || c > '9')
      return false;
    out = out * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return true;
}

}  // namespace integrator
