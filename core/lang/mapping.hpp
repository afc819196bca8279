#pragma once
// Import mapping 1.0: {"fields":[…], "lists":[…]} with static lookups,
// compiled once (a bad mapping is a 422 at save time) and applied per
// record.
//
// A field is {extract | hardCodedValue, generate, lookupName?, dataType?}.
// `extract` is a dot path ("a.b", "lines[0].sku") and may take every element
// of an array with [*] ("lines[*].sku" gives an array). `generate` is the dot
// path to write. `lookupName` names a static lookup {name, map, default,
// allowFailures} of the import. `dataType`: string, number, boolean,
// stringarray, numberarray. A list {generate, fields} builds an array of
// objects: row i takes element i of each [*] extract (scalars repeat).

#include <boost/json/value.hpp>

#include "core/lang/static_lookup.hpp"

#include <optional>
#include <string>
#include <vector>

#include "core/util/result.hpp"

namespace integrator {

/// Converts `v` to a mapping dataType: string, number, boolean, and their
/// *array forms; other types leave it as is. Null stays null.
boost::json::value convert_data_type(const boost::json::value& v, const std::string& type);

/// True for the dataTypes of mappings: string, number, boolean and their
/// *array forms, plus object, objectarray and arrayarray when `structured`
/// (Mapper 2.0).
bool is_data_type(const std::string& type, bool structured);

class mapping_v1 {
public:
  /// Compiles `mapping` with the import's `lookups` (an array, or null).
  static result<mapping_v1> compile(const boost::json::value& mapping,
                                    const boost::json::value& lookups);

  /// The mapped record; failed lookups are reported in `errors` (their
  /// fields are left out).
  boost::json::value apply(const boost::json::value& record,
                           std::vector<std::string>& errors) const;

  struct field;
  struct list;

  const std::vector<field>& fields() const { return fields_; }
  bool has_lists() const { return !lists_.empty(); }

private:
  std::vector<field> fields_;
  std::vector<list> lists_;
};

struct mapping_v1::field {
  std::vector<std::string> extract;  ///< "*" marks an array expansion
  std::optional<boost::json::value> hard_coded;
  std::vector<std::string> generate;
  std::optional<static_lookup> via;
  std::string data_type;
};

struct mapping_v1::list {
  std::vector<std::string> generate;
  std::vector<field> fields;
};

}  // namespace integrator
