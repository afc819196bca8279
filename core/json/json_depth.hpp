#pragma once
// One nesting limit for every JSON text Integrator reads, records and API
// bodies alike: a preview and a run refuse the same records, and nothing
// that walks a parsed value recursively (boost::json's destructor, the
// mapping and filter walkers) can be driven off the stack. Deep enough for
// any real record; APIs' records rarely nest 20 levels.

#include <boost/json/value.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace integrator {

inline constexpr std::size_t max_json_depth = 256;

/// Whether `json` (well-formed or not) nests arrays and objects deeper
/// than `limit`. One pass; strings are skipped with memchr.
bool nests_deeper_than(std::string_view json, std::size_t limit = max_json_depth);

/// boost::json::parse with the nesting limit; `ec` is set on failure.
boost::json::value parse_json(std::string_view text, boost::system::error_code& ec);

/// Why `text` could not be parsed, for error messages: the nesting limit,
/// or "not valid JSON".
std::string json_parse_failure(std::string_view text);

}  // namespace integrator
