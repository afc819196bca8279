#pragma once
// Which fields of a resource point at other resources ("_connectionId",
// "_sharedImportIds", ...), so writes can check the targets exist in the
// same account and deletes can refuse while something still points here.

#include <boost/json/value.hpp>

#include <string>
#include <vector>

#include "core/resources/resource_kind.hpp"

namespace integrator {

/// One pointer from a document to another resource.
struct reference {
  std::string field;  ///< the member name, e.g. "_connectionId"
  std::string path;   ///< where it sits, e.g. "pageGenerators[0]._exportId"
  resource_kind target;
  std::string id;
};

/// Every reference in `doc`, at any depth, in document order. Empty strings
/// and nulls are not references.
std::vector<reference> collect_references(const boost::json::value& doc);

}  // namespace integrator
