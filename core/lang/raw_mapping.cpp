#include "core/lang/raw_mapping.hpp"

#include <boost/json.hpp>
#include "core/json/member_scan.hpp"
#include "core/json/record_fields.hpp"
#include "core/json/record_page.hpp"
#include "core/json/simdjson_text.hpp"

#include <algorithm>
#include <cstring>
#include <set>

namespace integrator {

namespace od = simdjson::ondemand;

std::optional<raw_mapping> raw_mapping::from(const mapping_v1& m) {
  if (m.has_lists() || m.fields().empty())
    return std::nullopt;
  raw_mapping r;
  std::set<std::string> generated;
  for (const auto& f : m.fields()) {
    if (f.via || !f.data_type.empty() || f.generate.size() != 1
        || !generated.insert(f.generate[0]).second)
      return std::nullopt;
    slot s;
    if (f.hard_coded) {
      s.constant = boost::json::serialize(*f.hard_coded);
    } else {
      if (f.extract.size() != 1 || f.extract[0] == "*")
        return std::nullopt;
      s.source = f.extract[0];
      auto at = std::find(r.sources_.begin(), r.sources_.end(), s.source);
      s.source_index = static_cast<std::size_t>(at - r.sources_.begin());
      if (at == r.sources_.end())
        r.sources_.push_back(s.source);
    }
    s.key_prefix = "," + boost::json::serialize(boost::json::value(f.generate[0])) + ":";
    r.slots_.push_back(std::move(s));
  }
  // Braces, keys (the first without its comma) and constants.
  r.fixed_bytes_ = 2 - 1;
  for (const auto& s : r.slots_)
    r.fixed_bytes_ += s.key_prefix.size() + s.constant.size();
  return r;
}

namespace {

// Copies n bytes as a few fixed-size moves (what a record's keys and values
// mostly are: short), memcpy only for the long ones; never reads or writes
// outside [src, src+n) and [dst, dst+n).
inline char* put(char* dst, const char* src, std::size_t n) {
  if (n >= 8 && n <= 16) {
    std::memcpy(dst, src, 8);
    std::memcpy(dst + n - 8, src + n - 8, 8);
  } else if (n > 16 && n <= 32) {
    std::memcpy(dst, src, 16);
    std::memcpy(dst + n - 16, src + n - 16, 16);
  } else if (n >= 4 && n < 8) {
    std::memcpy(dst, src, 4);
    std::memcpy(dst + n - 4, src + n - 4, 4);
  } else if (n < 4) {
    for (std::size_t i = 0; i < n; ++i)
      dst[i] = src[i];
  } else {
    std::memcpy(dst, src, n);
  }
  return dst + n;
}

// a == b, inlined: keys are a few bytes, and a call to memcmp per member
// cost more than the compare (the mapping's profile, issue 4).
inline bool same_key(std::string_view a, const std::string& b) {
  if (a.size() != b.size())
    return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i] != b[i])
      return false;
  return true;
}

}  // namespace

std::size_t raw_mapping::source_of(std::size_t position, std::string_view key,
                                  std::uint8_t* guess) const {
  // guess[j]: the source the j-th member was last time; records of one page
  // mostly share their key order, so one compare usually finds it.
  if (position < guess_slots) {
    std::size_t k = guess[position];
    if (k < sources_.size() && same_key(key, sources_[k]))
      return k;
  }
  std::size_t k = 0;
  while (k < sources_.size() && !same_key(key, sources_[k]))
    ++k;
  if (position < guess_slots)
    guess[position] = static_cast<std::uint8_t>(std::min<std::size_t>(k, 0xFF));
  return k;
}

void raw_mapping::append_mapped(const std::string_view* values, std::string& out) const {
  // Measured first, then written through a pointer: one resize instead of
  // a capacity check per piece.
  std::size_t n = fixed_bytes_;
  for (const auto& s : slots_)
    if (!s.source.empty())
      n += values[s.source_index].empty() ? 4 : values[s.source_index].size();
  auto at = out.size();
  out.resize(at + n);
  char* p = out.data() + at;
  *p++ = '{';
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    const auto& s = slots_[i];
    std::size_t skip = i == 0 ? 1 : 0;  // no comma before the first
    p = put(p, s.key_prefix.data() + skip, s.key_prefix.size() - skip);
    std::string_view v = s.source.empty() ? std::string_view(s.constant)
                         : values[s.source_index].empty() ? std::string_view("null")
                                                          : values[s.source_index];
    p = put(p, v.data(), v.size());
  }
  *p = '}';
}

namespace {

// values[k]: the text of sources_[k] in the record being mapped, all empty
// to begin with. On the stack for the usual handful of sources, cleared one
// by one (a whole-array clear cost more than the scan); on the heap beyond.
class source_values {
public:
  explicit source_values(std::size_t n) {
    thread_local std::vector<std::string_view> heap;
    if (n > on_stack) {
      heap.resize(n);
      values_ = heap.data();
    }
    for (std::size_t k = 0; k < n; ++k)
      values_[k] = {};
  }
  source_values(const source_values&) = delete;
  source_values& operator=(const source_values&) = delete;

  std::string_view& operator[](std::size_t k) { return values_[k]; }
  const std::string_view* data() const { return values_; }

private:
  static constexpr std::size_t on_stack = 16;
  union uncleared {
    uncleared() {}
    std::string_view views[on_stack];
  } stack_;
  std::string_view* values_ = stack_.views;
};

}  // namespace

std::uint8_t* raw_mapping::position_guesses() {
  thread_local std::uint8_t guess[guess_slots];
  return guess;
}

template <class OnDemandObject>
bool raw_mapping::map_object(OnDemandObject& obj, std::string& out) const {
  source_values values(sources_.size());
  auto* guess = position_guesses();
  std::size_t j = 0;
  for (auto item : obj) {
    od::field field;
    std::string_view key;
    if (std::move(item).get(field) || !key_of(field, key))
      return false;
    auto k = source_of(j++, key, guess);
    if (k == sources_.size() || !values[k].empty())
      continue;  // not mapped, or a repeated key: skipped unread
    if (!raw_text_of(field.value(), values[k]))
      return false;
  }
  append_mapped(values.data(), out);
  return true;
}

bool raw_mapping::map_scanned(std::string_view record, std::size_t readable, std::string& out) const {
  source_values values(sources_.size());
  auto* guess = position_guesses();
  std::size_t j = 0;
  bool ok = scan_members(record, readable, [&](std::string_view key, std::string_view value) {
    auto k = source_of(j++, key, guess);
    if (k < sources_.size() && values[k].empty())
      values[k] = value;
  });
  if (ok)
    append_mapped(values.data(), out);
  return ok;
}

bool raw_mapping::apply(std::string_view record, std::string& out, std::size_t readable) const {
  od::document doc;
  od::object obj;
  return open_record_object(record, readable, doc, obj) && map_object(obj, out);
}

bool raw_mapping::apply(const record_page& page, std::size_t i, std::string& out) const {
  // A page's records were read by a parser or written by a serializer: a
  // byte scan finds their members; what it cannot read, simdjson does.
  auto record = page.record(i);
  return map_scanned(record, page.readable(i), out) || apply(record, out, page.readable(i));
}

}  // namespace integrator
