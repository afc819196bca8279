// Cron and time zones: any schedule text parses or is refused, and the
// next firing time is found (or not) within its four-year bound.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/util/cron.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace integrator;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  // "schedule|zone": the zone part picks one of a few real zones by its first byte.
  auto bar = text.find('|');
  auto schedule = text.substr(0, bar);
  static constexpr std::string_view zones[] = {"", "UTC", "America/New_York", "Europe/Berlin",
                                               "Asia/Kolkata", "Australia/Lord_Howe", "Not/AZone"};
  std::string_view zone = bar == std::string_view::npos || bar + 1 >= text.size()
                            ? zones[0]
                            : zones[static_cast<unsigned char>(text[bar + 1]) % std::size(zones)];
  auto s = parse_cron(schedule);
  if (!s)
    return 0;
  (void)next_fire(*s, zone, 1700000000000);
  return 0;
}
