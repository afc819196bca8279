#pragma once
// The text and values of on-demand values, for the .cpp files that read
// records with simdjson (json_scan, raw_mapping). Includes simdjson.h: keep it out of
// other headers.

#include <boost/json.hpp>
#include <simdjson.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace integrator {

/// Opens `record` as an object. simdjson reads a little past the end: in
/// place when `readable` covers that, else from a padded per-thread copy
/// (valid until the next call). Defined in record_fields.cpp.
bool open_record_object(std::string_view record, std::size_t readable,
                        simdjson::ondemand::document& doc, simdjson::ondemand::object& obj);

/// `s` without trailing JSON whitespace (raw slices keep what follows).
inline std::string_view trim_json_space(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\r' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

/// The key of `field`: read in place when it holds no escape (the common
/// key: no copy, no unescaping), else unescaped by simdjson.
inline bool key_of(simdjson::ondemand::field& field, std::string_view& key) {
  const char* begin = field.key().raw();
  const char* end = begin;
  while (*end != '"' && *end != '\\')  // a valid key has its closing quote
    ++end;
  if (*end == '"') {
    key = std::string_view(begin, static_cast<std::size_t>(end - begin));
    return true;
  }
  return !field.unescaped_key().get(key);
}

/// The JSON text of `v` as it stands in the document, consuming it.
inline bool raw_text_of(simdjson::ondemand::value v, std::string_view& out) {
  namespace od = simdjson::ondemand;
  od::json_type t;
  if (v.type().get(t))
    return false;
  if (t == od::json_type::object) {
    od::object o;
    if (v.get_object().get(o) || o.raw_json().get(out))
      return false;
  } else if (t == od::json_type::array) {
    od::array a;
    if (v.get_array().get(a) || a.raw_json().get(out))
      return false;
  } else {
    out = v.raw_json_token();
  }
  out = trim_json_space(out);
  return true;
}

// A boost.json value of an on-demand one, strings and numbers taken
// directly (the common filter operands); containers parsed from their text.
inline bool value_of(simdjson::ondemand::value v, boost::json::value& out) {
  namespace od = simdjson::ondemand;
  od::json_type t;
  if (v.type().get(t))
    return false;
  switch (t) {
    case od::json_type::string: {
      std::string_view s;
      if (v.get_string().get(s))
        return false;
      if (auto* str = out.if_string())
        str->assign(s);  // a reused document keeps the string's buffer
      else
        out = boost::json::string(s, out.storage());
      return true;
    }
    case od::json_type::number: {
      od::number n;
      if (v.get_number().get(n))
        return false;
      if (n.is_int64())
        out = n.get_int64();
      else if (n.is_uint64())
        out = n.get_uint64();
      else
        out = n.get_double();
      return true;
    }
    case od::json_type::boolean: {
      bool b;
      if (v.get_bool().get(b))
        return false;
      out = b;
      return true;
    }
    case od::json_type::null:
      out = nullptr;
      return !v.is_null().error();
    default: {
      std::string_view raw;
      if (!raw_text_of(v, raw))
        return false;
      boost::system::error_code ec;
      out = boost::json::parse(raw, ec, out.storage());
      return !ec;
    }
  }
}

/// Copies the fields of `obj` named in `keys` (the first of each; keys
/// distinct) into `out`, allocated from out's storage; false when the
/// object is malformed. `out` may hold the previous record's fields: values
/// are assigned in place (strings keep their buffers) and keys this record
/// lacks are erased, so a document reused record after record costs no
/// allocation in the steady state. Stops as soon as every key is found and
/// says so in `found_all`: the caller may then read the object's raw text
/// straight on, which skips the rest without rewinding.
inline bool project_object(simdjson::ondemand::object& obj, const std::vector<std::string>& keys,
                           boost::json::object& out, bool& found_all) {
  thread_local std::vector<char> seen;
  seen.assign(keys.size(), 0);
  std::size_t found = 0;
  if (!keys.empty()) {
    for (auto item : obj) {
      simdjson::ondemand::field field;
      std::string_view key;
      if (std::move(item).get(field) || !key_of(field, key))
        return false;
      auto at = static_cast<std::size_t>(std::find(keys.begin(), keys.end(), key) - keys.begin());
      if (at == keys.size() || seen[at])
        continue;
      seen[at] = 1;
      if (!value_of(field.value(), out[keys[at]]))
        return false;
      if (++found == keys.size())
        break;
    }
  }
  found_all = found == keys.size();
  for (std::size_t k = 0; k < keys.size() && !found_all; ++k)
    if (!seen[k])
      out.erase(keys[k]);
  return true;
}

}  // namespace integrator
