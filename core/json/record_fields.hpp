#pragma once
// A record's fields read straight from its text: the ones a filter needs,
// as a small document, without parsing the rest of the record.

#include <boost/json/storage_ptr.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace integrator {

/// The record's top-level fields named in `keys`, as a document of just
/// those (what a filter reads), parsed from the record's text in one pass;
/// nullopt when the record is not a JSON object.
/// `storage` holds the result (a monotonic resource per record saves the
/// allocations); `readable`: bytes readable from record.data() on (with
/// json_padding beyond the record, simdjson reads in place).
std::optional<boost::json::value> project_fields(std::string_view record,
                                                 const std::vector<std::string>& keys,
                                                 boost::json::storage_ptr storage = {},
                                                 std::size_t readable = 0);

}  // namespace integrator
