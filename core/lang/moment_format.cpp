#include "core/lang/moment_format.hpp"

#include <date/tz.h>

#include <array>
#include <cstdio>

namespace integrator {

namespace {

constexpr std::array<const char*, 12> month_names{"January", "February", "March",     "April",
                                                  "May",     "June",     "July",      "August",
                                                  "September", "October", "November", "December"};
constexpr std::array<const char*, 7> day_names{"Sunday",   "Monday", "Tuesday", "Wednesday",
                                               "Thursday", "Friday", "Saturday"};

std::string pad(long long v, int width) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%0*lld", width, v);
  return buf;
}

std::string ordinal(unsigned d) {
  const char* suffix = "th";
  if (d % 100 < 11 || d % 100 > 13) {
    if (d % 10 == 1)
      suffix = "st";
    else if (d % 10 == 2)
      suffix = "nd";
    else if (d % 10 == 3)
      suffix = "rd";
  }
  return std::to_string(d) + suffix;
}

std::string offset_text(std::chrono::seconds off, bool colon) {
  auto total = off.count();
  char sign = total < 0 ? '-' : '+';
  total = total < 0 ? -total : total;
  return std::string(1, sign) + pad(total / 3600, 2) + (colon ? ":" : "") + pad(total / 60 % 60, 2);
}

const date::time_zone* find_zone(std::string_view name) {
  try {
    return date::locate_zone(std::string(name));
  } catch (const std::exception&) {
    return nullptr;
  }
}

bool is_utc(std::string_view name) {
  return name.empty() || name == "UTC" || name == "Z" || name == "GMT" || name == "Etc/UTC";
}

}  // namespace

bool is_time_zone(std::string_view name) {
  return is_utc(name) || find_zone(name) != nullptr;
}

std::optional<std::string> format_moment(std::int64_t epoch_ms, std::string_view fmt,
                                         std::string_view time_zone) {
  using namespace std::chrono;
  sys_time<milliseconds> instant{milliseconds(epoch_ms)};
  seconds offset{0};
  if (!is_utc(time_zone)) {
    const auto* zone = find_zone(time_zone);
    if (!zone)
      return std::nullopt;
    offset = zone->get_info(date::floor<seconds>(instant)).offset;
  }
  auto local = instant + offset;
  auto day = date::floor<date::days>(local);
  date::year_month_day ymd{day};
  date::hh_mm_ss<milliseconds> tod{local - day};
  unsigned weekday = date::weekday{day}.c_encoding();
  int year = static_cast<int>(ymd.year());
  unsigned month = static_cast<unsigned>(ymd.month()), dom = static_cast<unsigned>(ymd.day());
  long long hour = tod.hours().count();
  std::string out;
  size_t i = 0;
  auto starts = [&](std::string_view token) { return fmt.substr(i, token.size()) == token; };
  while (i < fmt.size()) {
    if (fmt[i] == '[') {
      auto end = fmt.find(']', i);
      if (end == std::string_view::npos)
        end = fmt.size();
      out.append(fmt.substr(i + 1, end - i - 1));
      i = end + 1;
      continue;
    }
    // Longest tokens first.
    struct token {
      std::string_view text;
      std::string value;
    };
    const token tokens[] = {
      {"YYYY", pad(year, 4)},
      {"YY", pad(year % 100, 2)},
      {"MMMM", month_names[month - 1]},
      {"MMM", std::string(month_names[month - 1]).substr(0, 3)},
      {"MM", pad(month, 2)},
      {"M", std::to_string(month)},
      {"Do", ordinal(dom)},
      {"DD", pad(dom, 2)},
      {"D", std::to_string(dom)},
      {"dddd", day_names[weekday]},
      {"ddd", std::string(day_names[weekday]).substr(0, 3)},
      {"d", std::to_string(weekday)},
      {"HH", pad(hour, 2)},
      {"H", std::to_string(hour)},
      {"hh", pad(hour % 12 == 0 ? 12 : hour % 12, 2)},
      {"h", std::to_string(hour % 12 == 0 ? 12 : hour % 12)},
      {"mm", pad(tod.minutes().count(), 2)},
      {"m", std::to_string(tod.minutes().count())},
      {"ss", pad(tod.seconds().count(), 2)},
      {"s", std::to_string(tod.seconds().count())},
      {"SSS", pad(tod.subseconds().count(), 3)},
      {"SS", pad(tod.subseconds().count() / 10, 2)},
      {"S", std::to_string(tod.subseconds().count() / 100)},
      {"A", hour < 12 ? "AM" : "PM"},
      {"a", hour < 12 ? "am" : "pm"},
      {"ZZ", offset_text(offset, false)},
      {"Z", offset_text(offset, true)},
      {"X", std::to_string(epoch_ms >= 0 ? epoch_ms / 1000 : -((-epoch_ms + 999) / 1000))},
      {"x", std::to_string(epoch_ms)},
    };
    bool matched = false;
    for (const auto& t : tokens)
      if (starts(t.text)) {
        out += t.value;
        i += t.text.size();
        matched = true;
        break;
      }
    if (!matched)
      out += fmt[i++];
  }
  return out;
}

}  // namespace integrator
