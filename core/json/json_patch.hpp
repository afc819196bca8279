#pragma once
// RFC 6902 JSON Patch over Boost.JSON values, and the RFC 6901 pointers it
// uses. Which paths a resource lets a client patch is decided elsewhere
// (resource_kind.hpp); this file only applies operations.

#include <boost/json/value.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/util/api_error.hpp"

namespace integrator {

/// Splits "/a/b~1c" into {"a","b/c"}; nullopt when not a valid pointer.
std::optional<std::vector<std::string>> parse_json_pointer(std::string_view pointer);

/// The most values (scalars, arrays and objects) a document patched by copy
/// operations may hold: far above a 5 MiB document's worth of fields, far
/// below what exhausts memory.
inline constexpr std::size_t max_patched_values = 2'000'000;

/// Applies `patch` (a JSON array of operations) to `doc`. All or nothing: on
/// error `doc` is unchanged and the error names the failing operation.
/// Supports add, remove, replace, move, copy and test. One leniency:
/// "replace" of an absent member of an existing object adds it.
api_error apply_json_patch(boost::json::value& doc, const boost::json::value& patch);

/// The "path" (and "from") members of every operation in `patch`; empty
/// with an error when `patch` is not an array of operations.
api_error json_patch_paths(const boost::json::value& patch, std::vector<std::string>& paths);

}  // namespace integrator
