#pragma once
// Import Mapper 2.0: a recursive list of mappings
//   {generate, dataType, extract, default, lookupName, conditional,
//    mappings[], buildArrayHelper[{extract, mappings[], conditional, default}]}
// compiled once and applied per record. `extract` is a JSONPath from the
// record's root ("$.a.b[*].c"), a Handlebars template ("{{record.a}}"), or a
// literal. Objects build from child mappings; arrays from buildArrayHelper
// entries, where extract + mappings iterate the matched elements over a
// "composite" record in which each array on the path is that element.

#include <boost/json/value.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/util/result.hpp"

namespace integrator {

class mapper_v2 {
public:
  /// Compiles `mappings` (an array) with the import's static `lookups`.
  static result<mapper_v2> compile(const boost::json::value& mappings,
                                   const boost::json::value& lookups);

  /// The mapped record; failed lookups are reported in `errors`.
  boost::json::value apply(const boost::json::value& record,
                           std::vector<std::string>& errors) const;

  struct rule;

private:
  std::shared_ptr<const std::vector<rule>> rules_;  ///< shared, read-only
};

}  // namespace integrator
