#pragma once
// Export transforms (extract → generate), run per record after parsing:
//   {"type":"expression","expression":{"version":"1","rules":[[{extract,generate}…]]}}
//   {"type":"expression","expression":{"version":"2","rulesTwoDotZero":
//       {"mode":"create"|"modify","mappings":[…Mapper 2.0…],"lookups":[…]}}}
// Version 1 rules are mapping 1.0 fields. "create" builds a new record from
// the mappings; "modify" merges them into a copy of the record. Script
// transforms run as hooks (a later step) and pass records through here.

#include <boost/json/value.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/util/result.hpp"

namespace integrator {

class record_transform {
public:
  /// Compiles a transform block (null or absent: records pass unchanged).
  static result<record_transform> compile(const boost::json::value& transform);

  /// The transformed record; lookup failures go to `errors`.
  boost::json::value apply(const boost::json::value& record,
                           std::vector<std::string>& errors) const;

  struct plan;

private:
  std::shared_ptr<const plan> plan_;  ///< null: identity
};

}  // namespace integrator
