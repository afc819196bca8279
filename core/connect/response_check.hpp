#pragma once
// Whether an HTTP answer is a success, per the resource's settings:
// successPath + successValues, failPath + failValues, errorPath. Shared by
// exports, imports and pings, which all describe success the same way.

#include <boost/json/fwd.hpp>

#include <optional>
#include <string>
#include <vector>

#include "core/json/json_scan.hpp"
#include "core/connect/outbound.hpp"

namespace integrator {

struct response_check {
  std::vector<std::string> success_path;
  std::vector<std::string> success_values;  ///< empty: any truthy value
  std::vector<std::string> fail_path;
  std::vector<std::string> fail_values;  ///< empty: any truthy value
  std::vector<std::string> error_path;

  /// Reads the check from an object holding successPath, successValues,
  /// failPath, failValues and errorPath (any may be absent). Paths may be
  /// arrays (imports line them up with requests): `index` picks one.
  static response_check from(const boost::json::value* block, std::size_t index = 0);

  /// nullopt when `r` succeeded; otherwise a message saying why not.
  /// `scan` reads r.body.
  std::optional<std::string> failure(const outbound_response& r, json_scan& scan) const;
};

/// "HTTP 503: <start of body>" or the transport error, for job errors.
std::string describe_failure(const outbound_response& r, std::string_view detail = {});

/// True for "", "false", "0" and "null": what a truthy check rejects.
bool is_falsy_text(std::string_view s);

}  // namespace integrator
