#pragma once
// The text of on-demand values, for the .cpp files that read records with
// simdjson (json_scan, raw_mapping). Includes simdjson.h: keep it out of
// other headers.

#include <simdjson.h>

#include <string_view>

namespace integrator {

/// `s` without trailing JSON whitespace (raw slices keep what follows).
inline std::string_view trim_json_space(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\r' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
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

}  // namespace integrator
