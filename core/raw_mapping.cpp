#include "core/raw_mapping.hpp"

#include <boost/json.hpp>
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
  for (auto item : obj) {
    od::field field;
    std::string_view key;
    if (std::move(item).get(field) || !key_of(field, key))
      return std::nullopt;
    if (std::find(keys.begin(), keys.end(), key) == keys.end() || out.contains(key))
      continue;
    boost::json::value v(storage);
    if (!value_of(field.value(), v))
      return std::nullopt;
    out.emplace(key, std::move(v));
  }
  return boost::json::value(std::move(out), storage);
}

bool raw_mapping::apply(std::string_view record, std::string& out, std::size_t readable) const {
  od::document doc;
  od::object obj;
  if (!open_object(record, readable, doc, obj))
    return false;
  thread_local std::vector<std::string_view> values;
  values.assign(slots_.size(), std::string_view());
  for (auto item : obj) {
    od::field field;
    std::string_view key;
    if (std::move(item).get(field) || !key_of(field, key))
      return false;
    std::size_t hit = slots_.size();
    for (std::size_t i = 0; i < slots_.size(); ++i)
      if (!slots_[i].source.empty() && slots_[i].source == key && values[i].empty()) {
        hit = i;
        break;
      }
    if (hit == slots_.size())
      continue;  // skipped unread: on-demand moves past it
    std::string_view raw;
    if (!raw_text_of(field.value(), raw))
      return false;
    // Every slot copying this key gets the value.
    for (std::size_t i = hit; i < slots_.size(); ++i)
      if (slots_[i].source == key)
        values[i] = raw;
  }
  out += '{';
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    const auto& s = slots_[i];
    out.append(s.key_prefix, i == 0 ? 1 : 0, std::string::npos);
    if (s.source.empty())
      out += s.constant;
    else if (values[i].empty())
      out += "null";
    else
      out += values[i];
  }
  out += '}';
  return true;
}

}  // namespace integrator
