#pragma once
// Walking a JSON document along already-split path segments: object
// members by name, array elements by decimal index.

#include <boost/json/value.hpp>

#include <string>
#include <vector>

namespace integrator {

/// The value at `segments` below `root`, or nullptr when any step is missing.
const boost::json::value* find_path(const boost::json::value& root,
                                    const std::vector<std::string>& segments);

}  // namespace integrator
