#pragma once
// Walking a JSON document along already-split path segments: object
// members by name, array elements by decimal index.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace integrator {

/// The value at `segments` below `root`, or nullptr when any step is missing.
const boost::json::value* find_path(const boost::json::value& root,
                                    const std::vector<std::string>& segments);

/// A value as text: strings as they are, null as "", anything else as JSON.
std::string text_of(const boost::json::value& v);

/// The object at member `key` of `doc`; null when `doc` is no object or
/// the member is absent or no object.
const boost::json::object* object_member(const boost::json::value& doc, std::string_view key);

/// Whether JavaScript judges `v` true (a script filter's answer): all but
/// false, null, 0 and "". js_truthy_text: the same for a value's JSON text.
bool js_truthy(const boost::json::value& v);
bool js_truthy_text(std::string_view json_text);

/// Member `key` of `o` when it is a string, else "".
std::string string_member(const boost::json::object& o, std::string_view key);

/// A setting that may be a value or a list of them (imports' method[],
/// relativeURI[]): the value, or the list's first, as text (text_of); ""
/// when absent or an empty list.
std::string first_text(const boost::json::object& o, std::string_view key);

/// One JSON Pointer reference token: ~ as ~0, / as ~1.
std::string escape_pointer_token(std::string_view token);

/// Splits "a.b[0].c" into {"a","b","0","c"} and "lines[*].sku" into
/// {"lines","*","sku"}; a leading "$" (JSONPath root) is dropped.
std::vector<std::string> split_path(std::string_view path);

/// Writes `v` at `path` below `target`, creating objects on the way (a
/// non-object in the way is replaced).
void assign_path(boost::json::object& target, const std::vector<std::string>& path,
                 boost::json::value v);

/// Like find_path, but a "*" segment fans out over an array, giving an
/// array of the results; a missing step gives null.
boost::json::value extract_all(const boost::json::value& root,
                               const std::vector<std::string>& segments, std::size_t from = 0);

}  // namespace integrator
