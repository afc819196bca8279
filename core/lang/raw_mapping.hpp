#pragma once
// Mapping 1.0 straight from a record's text to the mapped record's text,
// for the common mapping: fields that copy a top-level value (or a
// hard-coded one) to a top-level name. One pass of simdjson's on-demand
// parser over the record, raw value slices copied out: no document model,
// no number or string re-encoding. Anything else (paths, [*], lookups,
// dataTypes, lists) keeps mapping_v1 over a parsed record.

#include <boost/json/storage_ptr.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/lang/mapping.hpp"
#include "core/json/record_page.hpp"

namespace integrator {

class raw_mapping {
public:
  /// The raw form of `m`, or nullopt when it needs more than copying.
  static std::optional<raw_mapping> from(const mapping_v1& m);

  /// Appends the mapped record (a JSON object) to `out`. False when
  /// `record` is not a JSON object; `out` is then unchanged. `readable`:
  /// bytes readable from record.data() on; with json_padding beyond the
  /// record the text is parsed in place, else copied first.
  bool apply(std::string_view record, std::string& out, std::size_t readable = 0) const;

  /// apply() for record `i` of `page`: its members are found by a byte
  /// scan (member_scan.hpp), parsed only where that gives up. Appends
  /// straight to `out` (an import's request body: no copy in between).
  bool apply(const record_page& page, std::size_t i, std::string& out) const;

private:
  // Defined (for simdjson's on-demand object) in the .cpp only, so this
  // header does not pull in simdjson.
  template <class OnDemandObject>
  bool map_object(OnDemandObject& obj, std::string& out) const;
  /// map_object by a byte scan (member_scan.hpp); false: it gave up.
  bool map_scanned(std::string_view record, std::size_t readable, std::string& out) const;
  /// Which source `key`, the record's member at `position`, is (sources_.size():
  /// none); `guess` remembers the answer by position for the next record.
  static constexpr std::size_t guess_slots = 64;
  std::size_t source_of(std::size_t position, std::string_view key, std::uint8_t* guess) const;
  /// This thread's guess table (guess_slots entries), shared by both ways
  /// of mapping: a stale guess only costs a search.
  static std::uint8_t* position_guesses();
  /// The mapped object from values[k], the text of sources_[k] ("" when absent).
  void append_mapped(const std::string_view* values, std::string& out) const;

  struct slot {
    std::string source;       ///< top-level key to copy, or empty
    std::string constant;     ///< hard-coded value as JSON, when no source
    std::string key_prefix;   ///< ,"generate": (the comma dropped for the first)
    std::size_t source_index = 0;  ///< of source in sources_
  };
  std::vector<slot> slots_;
  std::vector<std::string> sources_;  ///< distinct keys copied
  std::size_t fixed_bytes_ = 0;       ///< of a mapped record, less its values
};

}  // namespace integrator
