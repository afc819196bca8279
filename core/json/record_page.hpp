#pragma once
// A page: the unit that moves between the engine's actors. One immutable
// buffer of records (JSON texts back to back) and where each ends, shared
// by reference count, so handing a page to the next stage copies nothing.
// Its inspect (actors/catalogue.hpp) writes the bytes, so a page crosses
// nodes unchanged.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace integrator {

/// Bytes simdjson may read past the end of a JSON text (their content does
/// not matter). Page buffers keep this much spare capacity, so each record
/// is parsed in place instead of copied into a padded buffer.
inline constexpr std::size_t json_padding = 64;

/// How many bytes are readable from `part.data()` on when `part` lies in
/// `buffer` (its spare capacity counts), else 0.
inline std::size_t readable_within(std::string_view part, const std::string& buffer) {
  const char* begin = buffer.data();
  if (part.data() < begin || part.data() + part.size() > begin + buffer.size())
    return 0;
  return buffer.capacity() - static_cast<std::size_t>(part.data() - begin);
}

/// The origin of page `number` (from 1) of generator `generator`.
inline std::uint64_t page_origin(std::size_t generator, std::uint64_t number) {
  return (static_cast<std::uint64_t>(generator + 1) << 40) | number;
}

/// The page number (from 1) an origin names; 0 for 0 (untracked).
inline std::uint64_t origin_number(std::uint64_t origin) {
  return origin & ((std::uint64_t{1} << 40) - 1);
}

/// The generator an origin names; -1 for 0 (untracked).
inline std::int64_t origin_generator(std::uint64_t origin) {
  return static_cast<std::int64_t>(origin >> 40) - 1;
}

struct page_data {
  std::string bytes;
  std::vector<std::uint32_t> ends;  ///< end offset of each record
  /// The router branch each record is in (flow_routes.hpp); empty when
  /// every record is in lane 0, as in every flow without routers.
  std::vector<std::uint16_t> lanes;
  /// The generator page this one descends from (its generator and number):
  /// each stage passes one page on per page it takes, keeping this, so the
  /// job knows when an exported page has gone through the flow. 0: untracked.
  std::uint64_t origin = 0;
};

class record_page {
public:
  record_page() = default;
  explicit record_page(std::shared_ptr<const page_data> data) : data_(std::move(data)) {}

  std::size_t size() const { return data_ ? data_->ends.size() : 0; }
  std::size_t bytes() const { return data_ ? data_->bytes.size() : 0; }
  std::uint16_t lane(std::size_t i) const { return data_->lanes.empty() ? 0 : data_->lanes[i]; }
  bool has_lanes() const { return data_ && !data_->lanes.empty(); }
  std::uint64_t origin() const { return data_ ? data_->origin : 0; }
  std::string_view record(std::size_t i) const { return slice(*data_, i); }
  /// Record i of page data not (yet) shared as a page.
  static std::string_view slice(const page_data& d, std::size_t i) {
    std::uint32_t begin = i == 0 ? 0 : d.ends[i - 1];
    return std::string_view(d.bytes).substr(begin, d.ends[i] - begin);
  }
  /// Bytes readable from record(i).data() on (see json_padding).
  std::size_t readable(std::size_t i) const {
    std::uint32_t begin = i == 0 ? 0 : data_->ends[i - 1];
    return data_->bytes.capacity() - begin;
  }
  const std::shared_ptr<const page_data>& data() const { return data_; }
  void reset(std::shared_ptr<const page_data> data) { data_ = std::move(data); }

private:
  std::shared_ptr<const page_data> data_;
};

/// Collects records into pages of at most `max_records` and `max_bytes`.
class page_builder {
public:
  page_builder(std::size_t max_records, std::size_t max_bytes)
    : max_records_(max_records ? max_records : 1), max_bytes_(max_bytes) {}

  /// True when the page should be taken before this record is added.
  bool full_for(std::size_t record_bytes) const {
    return !cur_.ends.empty()
           && (cur_.ends.size() >= max_records_ || cur_.bytes.size() + record_bytes > max_bytes_);
  }
  void append(std::string_view record, std::uint16_t lane = 0) {
    cur_.bytes.append(record);
    cur_.ends.push_back(static_cast<std::uint32_t>(cur_.bytes.size()));
    if (lane != 0 || !cur_.lanes.empty()) {
      cur_.lanes.resize(cur_.ends.size() - 1, 0);
      cur_.lanes.push_back(lane);
    }
  }
  std::size_t size() const { return cur_.ends.size(); }
  bool empty() const { return cur_.ends.empty(); }
  bool complete() const { return cur_.ends.size() >= max_records_; }
  record_page take(std::uint64_t origin = 0) {
    cur_.bytes.reserve(cur_.bytes.size() + json_padding);
    cur_.origin = origin;
    auto out = std::make_shared<page_data>(std::move(cur_));
    cur_ = page_data{};
    return record_page(std::move(out));
  }

private:
  std::size_t max_records_;
  std::size_t max_bytes_;
  page_data cur_;
};

}  // namespace integrator
