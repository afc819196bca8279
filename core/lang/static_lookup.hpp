#pragma once
// Static lookups of an import ({name, map, default, allowFailures}), shared
// by mapping 1.0 and Mapper 2.0.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <vector>

namespace integrator {

struct static_lookup {
  std::string name;
  boost::json::object map;
  std::optional<boost::json::value> fallback;  ///< "default"
  bool allow_failures = false;

  /// The mapped value of `v`: the map's entry, else the default, else ""
  /// with allowFailures; nullopt (and `error`) when the lookup fails.
  std::optional<boost::json::value> apply(const boost::json::value& v, std::string& error) const;

  /// A lookup entry's name, map, default and allowFailures (whatever else
  /// it has, as a dynamic lookup's request, is not read here).
  static static_lookup from(const boost::json::object& entry);
};

/// The lookups of `lookups` (an array, or null); nullopt with `error` when
/// one has no name.
std::optional<std::vector<static_lookup>> parse_static_lookups(const boost::json::value& lookups,
                                                               std::string& error);

/// The lookup called `name`, or nullptr.
const static_lookup* find_lookup(const std::vector<static_lookup>& lookups, std::string_view name);

}  // namespace integrator
