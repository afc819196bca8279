#pragma once
// The top-level members of a JSON object found by a plain byte scan. Meant
// for texts a JSON parser has already read or a serializer has written (the
// records of a page), where all that is needed is where each key and value
// starts and ends: tracking strings and nesting finds that faster than a
// parser can. It checks nothing more; whatever it does not expect (a key with
// escapes, text after the object, an unclosed string) makes it give up, and
// the caller then parses the text. It never reads outside the text.

#include <algorithm>
#include <cstddef>
#include <string_view>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace integrator {

namespace member_scan_detail {

inline bool is_space(char c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

// The first '"' or '\\' in [p, end), or end. 16 bytes at a time while
// `readable` (where reading may go, past end) allows.
inline const char* find_quote_or_escape(const char* p, const char* end, const char* readable) {
#ifdef __SSE2__
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i escape = _mm_set1_epi8('\\');
  while (p < end && p + 16 <= readable) {
    __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    int hits = _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(block, quote), _mm_cmpeq_epi8(block, escape)));
    if (hits != 0) {
      const char* at = p + __builtin_ctz(static_cast<unsigned>(hits));
      return at < end ? at : end;
    }
    p += 16;
  }
#endif
  while (p < end && *p != '"' && *p != '\\')
    ++p;
  return p < end ? p : end;
}

// `p` at an opening quote: just past the closing one, or nullptr.
inline const char* skip_string(const char* p, const char* end, const char* readable) {
  for (++p;;) {
    p = find_quote_or_escape(p, end, readable);
    if (p == end)
      return nullptr;
    if (*p == '"')
      return p + 1;
    p += 2;  // an escape and the character it escapes, whatever it is
    if (p >= end)
      return nullptr;
  }
}

// `p` at a value's first character: just past its end, or nullptr.
inline const char* skip_value(const char* p, const char* end, const char* readable) {
  if (*p == '"')
    return skip_string(p, end, readable);
  if (*p == '{' || *p == '[') {
    int depth = 0;
    while (p < end) {
      char c = *p;
      if (c == '"') {
        p = skip_string(p, end, readable);
        if (!p)
          return nullptr;
        continue;
      }
      if (c == '{' || c == '[')
        ++depth;
      else if ((c == '}' || c == ']') && --depth == 0)
        return p + 1;
      ++p;
    }
    return nullptr;
  }
  const char* start = p;  // a number, true, false or null
  while (p < end && *p != ',' && *p != '}' && *p != ']' && !is_space(*p))
    ++p;
  return p == start ? nullptr : p;
}

}  // namespace member_scan_detail

/// Calls f(key, value) for each top-level member of the object `text`, in
/// order (value: its JSON text). False when `text` is not such an object or
/// a key has escapes; f may have been called for some members by then.
/// `readable`: bytes that may be read from text.data() on (at least
/// text.size()), which lets it look 16 bytes at a time.
template <class F>
bool scan_members(std::string_view text, std::size_t readable, F&& f) {
  using namespace member_scan_detail;
  const char* p = text.data();
  const char* end = p + text.size();
  const char* limit = p + std::max(readable, text.size());
  auto skip_space = [&] {
    while (p < end && is_space(*p))
      ++p;
  };
  // Takes `c` if it comes next, and the space after it.
  auto take = [&](char c) {
    if (p == end || *p != c)
      return false;
    ++p;
    skip_space();
    return true;
  };
  skip_space();
  if (!take('{'))
    return false;
  if (take('}'))
    return p == end;
  for (;;) {
    if (p == end || *p != '"')
      return false;
    const char* key = ++p;
    p = find_quote_or_escape(p, end, limit);
    if (p == end || *p == '\\')
      return false;
    std::string_view name(key, static_cast<std::size_t>(p - key));
    ++p;
    skip_space();
    if (!take(':') || p == end)
      return false;
    const char* value = p;
    p = skip_value(p, end, limit);
    if (!p)
      return false;
    f(name, std::string_view(value, static_cast<std::size_t>(p - value)));
    skip_space();
    if (take('}'))
      return p == end;
    if (!take(','))
      return false;
  }
}

}  // namespace integrator
