#include "core/json/json_depth.hpp"

#include <boost/json/parse.hpp>

#include <array>
#include <cstring>

namespace integrator {

namespace {

enum : unsigned char { other, open, close, quote };

constexpr std::array<unsigned char, 256> classes = [] {
  std::array<unsigned char, 256> t{};
  t['['] = t['{'] = open;
  t[']'] = t['}'] = close;
  t['"'] = quote;
  return t;
}();

}  // namespace

bool nests_deeper_than(std::string_view json, std::size_t limit) {
  // Too short to nest that deep, or too few brackets in all (counted with
  // memchr, which is vectorized): nearly every record ends here.
  if (json.size() <= limit)
    return false;
  std::size_t opens = 0;
  for (char bracket : {'[', '{'}) {
    const char* p = json.data();
    const char* end = p + json.size();
    while (opens <= limit && (p = static_cast<const char*>(std::memchr(p, bracket, static_cast<std::size_t>(end - p))))) {
      ++opens;
      ++p;
    }
  }
  if (opens <= limit)
    return false;
  const char* p = json.data();
  const char* end = p + json.size();
  std::size_t depth = 0;
  while (p < end) {
    switch (classes[static_cast<unsigned char>(*p)]) {
      case open:
        if (++depth > limit)
          return true;
        break;
      case close:
        if (depth > 0)
          --depth;
        break;
      case quote:
        // To the closing quote: one not preceded by an odd run of backslashes.
        for (;;) {
          auto* q = static_cast<const char*>(std::memchr(p + 1, '"', static_cast<std::size_t>(end - p - 1)));
          if (!q)
            return false;
          std::size_t slashes = 0;
          for (const char* b = q - 1; b > p && *b == '\\'; --b)
            ++slashes;
          p = q;
          if (slashes % 2 == 0)
            break;
        }
        break;
      default:
        break;
    }
    ++p;
  }
  return false;
}

boost::json::value parse_json(std::string_view text, boost::system::error_code& ec) {
  boost::json::parse_options options;
  options.max_depth = max_json_depth;
  return boost::json::parse(text, ec, {}, options);
}

std::string json_parse_failure(std::string_view text) {
  if (nests_deeper_than(text))
    return "nested deeper than " + std::to_string(max_json_depth) + " levels";
  return "not valid JSON";
}

}  // namespace integrator
