#include "core/util/cron.hpp"

#include <date/tz.h>

#include "core/util/decimal.hpp"

#include <array>
#include <cctype>
#include <vector>

namespace integrator {

namespace {

struct field_spec {
  const char* name;
  int min;
  int max;
  bool question_allowed;
  const char* const* names;  // names for values min.., or nullptr
};

constexpr const char* month_names[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                       "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
constexpr const char* dow_names[] = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

bool parse_value(std::string_view s, const field_spec& f, int& out) {
  if (s.empty())
    return false;
  if (std::isalpha(static_cast<unsigned char>(s[0]))) {
    if (!f.names || s.size() != 3)
      return false;
    std::string up;
    for (char c : s)
      up += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    int count = f.max - f.min + 1;
    if (f.names == dow_names)
      count = 7;
    for (int i = 0; i < count; ++i)
      if (up == f.names[i]) {
        out = f.min + i;
        return true;
      }
    return false;
  }
  out = 0;
  for (char c : s) {
    if (c < '0' || c > '9' || out > 1000)
      return false;
    out = out * 10 + (c - '0');
  }
  return out >= f.min && out <= f.max;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i)
    if (i == s.size() || s[i] == sep) {
      parts.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  return parts;
}

// Sets the bits of `field` in `bits` (indexed by value). Returns false when
// the text is not a valid field.
template <size_t N>
bool parse_field(std::string_view text, const field_spec& f, std::bitset<N>& bits, bool& any) {
  any = false;
  if (text == "?") {
    if (!f.question_allowed)
      return false;
    any = true;
    for (int v = f.min; v <= f.max; ++v)
      bits.set(static_cast<size_t>(v) % N);
    return true;
  }
  for (auto item : split(text, ',')) {
    if (item.empty())
      return false;
    int step = 1;
    auto slash = item.find('/');
    std::string_view range = item;
    if (slash != std::string_view::npos) {
      std::uint64_t n = 0;
      if (!parse_decimal(item.substr(slash + 1), n, 3) || n < 1 || n > static_cast<std::uint64_t>(f.max))
        return false;
      step = static_cast<int>(n);
      range = item.substr(0, slash);
    }
    int lo, hi;
    if (range == "*") {
      lo = f.min;
      hi = f.max;
      if (slash == std::string_view::npos && text == "*")
        any = true;
    } else if (auto dash = range.find('-'); dash != std::string_view::npos) {
      if (!parse_value(range.substr(0, dash), f, lo) || !parse_value(range.substr(dash + 1), f, hi)
          || lo > hi)
        return false;
    } else {
      if (!parse_value(range, f, lo))
        return false;
      hi = slash == std::string_view::npos ? lo : f.max;
    }
    for (int v = lo; v <= hi; v += step)
      bits.set(static_cast<size_t>(v) % N);
  }
  return true;
}

}  // namespace

result<cron_schedule> parse_cron(std::string_view text) {
  auto fail = [](std::string why) { return invalid_input("Invalid cron expression: " + std::move(why)); };
  std::vector<std::string_view> fields;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && text[i] == ' ')
      ++i;
    size_t start = i;
    while (i < text.size() && text[i] != ' ')
      ++i;
    if (i > start)
      fields.push_back(text.substr(start, i - start));
  }
  if (fields.size() != 6)
    return fail("expected 6 fields \"? min hour day-of-month month day-of-week\"");
  if (fields[0] != "?")
    return fail("the seconds field must be \"?\"");
  static const std::array<field_spec, 5> specs{{
    {"minute", 0, 59, false, nullptr},
    {"hour", 0, 23, false, nullptr},
    {"day-of-month", 1, 31, true, nullptr},
    {"month", 1, 12, false, month_names},
    {"day-of-week", 0, 7, true, dow_names},
  }};
  cron_schedule s;
  bool any = false;
  if (!parse_field(fields[1], specs[0], s.minutes, any))
    return fail("bad minute field");
  if (!parse_field(fields[2], specs[1], s.hours, any))
    return fail("bad hour field");
  if (!parse_field(fields[3], specs[2], s.days_of_month, s.any_day_of_month))
    return fail("bad day-of-month field");
  if (!parse_field(fields[4], specs[3], s.months, any))
    return fail("bad month field");
  // Day of week 7 folds onto 0 (Sunday) through the modulo in parse_field.
  if (!parse_field(fields[5], specs[4], s.days_of_week, s.any_day_of_week))
    return fail("bad day-of-week field");
  return s;
}

std::optional<std::int64_t> next_fire(const cron_schedule& s, std::string_view zone,
                                      std::int64_t after_ms) {
  using namespace std::chrono;
  const date::time_zone* tz = nullptr;
  try {
    tz = date::locate_zone(zone.empty() ? "UTC" : std::string(zone));
  } catch (const std::exception&) {
    return std::nullopt;
  }
  auto after = sys_time<milliseconds>(milliseconds(after_ms));
  // Walk local days from the one `after` falls on; within a matching day,
  // its matching minutes in order.
  auto local_after = tz->to_local(after);
  auto day = date::floor<date::days>(local_after);
  for (int n = 0; n < 4 * 366 + 1; ++n, day += date::days(1)) {
    date::year_month_day ymd(day);
    date::weekday wd(day);
    bool dom = s.days_of_month[static_cast<unsigned>(ymd.day())];
    bool dow = s.days_of_week[wd.c_encoding()];
    bool day_ok = s.any_day_of_month || s.any_day_of_week
                    ? (s.any_day_of_month || dom) && (s.any_day_of_week || dow)
                    : dom || dow;  // both restricted: either (cron's rule)
    if (!s.months[static_cast<unsigned>(ymd.month())] || !day_ok)
      continue;
    for (int h = 0; h < 24; ++h) {
      if (!s.hours[h])
        continue;
      for (int m = 0; m < 60; ++m) {
        if (!s.minutes[m])
          continue;
        auto local = date::local_days(day) + hours(h) + minutes(m);
        auto info = tz->get_info(local);
        if (info.result == date::local_info::nonexistent)
          continue;  // skipped by spring forward
        // Ambiguous (fall back): the first occurrence only.
        auto sys = date::sys_seconds(local.time_since_epoch() - info.first.offset);
        if (sys > after)
          return duration_cast<milliseconds>(sys.time_since_epoch()).count();
      }
    }
  }
  return std::nullopt;
}

}  // namespace integrator
