#include "core/raw_mapping.hpp"

#include <boost/json.hpp>
#include "core/member_scan.hpp"
#include "core/record_page.hpp"
#include "core/simdjson_text.hpp"

#include <algorithm>
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
  return r;
}

namespace {

static_assert(json_padding >= simdjson::SIMDJSON_PADDING);

// Opens `record` as an object. simdjson reads a little past the end: in
// place when `readable` covers that, else from a padded per-thread copy
// (valid until the next call).
bool open_object(std::string_view record, std::size_t readable, od::document& doc,
                 od::object& obj) {
  thread_local od::parser parser;
  if (readable < record.size() + json_padding) {
    thread_local std::string scratch;
    scratch.assign(record);
    scratch.reserve(record.size() + json_padding);
    record = scratch;
    readable = scratch.capacity();
  }
  return !parser.iterate(record.data(), record.size(), readable).get(doc)
         && !doc.get_object().get(obj);
}

}  // namespace

std::optional<boost::json::value> project_fields(std::string_view record,
                                                 const std::vector<std::string>& keys,
                                                 boost::json::storage_ptr storage,
                                                 std::size_t readable) {
  od::document doc;
  od::object obj;
  if (!open_object(record, readable, doc, obj))
    return std::nullopt;
  boost::json::object out(storage);
  bool found_all = false;
  if (!project_object(obj, keys, out, found_all))
    return std::nullopt;
  return boost::json::value(std::move(out), storage);
}

std::size_t raw_mapping::source_of(std::size_t position, std::string_view key,
                                  std::vector<std::size_t>& guess) const {
  // guess[j]: the source the j-th member was last time; records of one page
  // mostly share their key order, so one compare usually finds it.
  if (guess.size() <= position)
    guess.resize(position + 1, sources_.size());
  std::size_t k = guess[position];
  if (k >= sources_.size() || sources_[k] != key) {
    k = static_cast<std::size_t>(std::find(sources_.begin(), sources_.end(), key) - sources_.begin());
    guess[position] = k;
  }
  return k;
}

void raw_mapping::append_mapped(const std::vector<std::string_view>& values, std::string& out) const {
  out += '{';
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    const auto& s = slots_[i];
    out.append(s.key_prefix, i == 0 ? 1 : 0, std::string::npos);
    if (s.source.empty())
      out += s.constant;
    else if (values[s.source_index].empty())
      out += "null";
    else
      out += values[s.source_index];
  }
  out += '}';
}

template <class OnDemandObject>
bool raw_mapping::map_object(OnDemandObject& obj, std::string& out) const {
  // values[k]: the text of sources_[k] in this record.
  thread_local std::vector<std::string_view> values;
  thread_local std::vector<std::size_t> guess;
  values.assign(sources_.size(), std::string_view());
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
  append_mapped(values, out);
  return true;
}

bool raw_mapping::map_scanned(std::string_view record, std::size_t readable, std::string& out) const {
  thread_local std::vector<std::string_view> values;
  thread_local std::vector<std::size_t> guess;
  values.assign(sources_.size(), std::string_view());
  std::size_t j = 0;
  bool ok = scan_members(record, readable, [&](std::string_view key, std::string_view value) {
    auto k = source_of(j++, key, guess);
    if (k < sources_.size() && values[k].empty())
      values[k] = value;
  });
  if (ok)
    append_mapped(values, out);
  return ok;
}

bool raw_mapping::apply(std::string_view record, std::string& out, std::size_t readable) const {
  od::document doc;
  od::object obj;
  return open_object(record, readable, doc, obj) && map_object(obj, out);
}

bool raw_mapping::apply(const record_page& page, std::size_t i, std::string& out) const {
  // A page's records were read by a parser or written by a serializer: a
  // byte scan finds their members; what it cannot read, simdjson does.
  auto record = page.record(i);
  return map_scanned(record, page.readable(i), out) || apply(record, out, page.readable(i));
}

}  // namespace integrator
