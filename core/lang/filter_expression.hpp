#pragma once
// Expression filters, version 1 (output filters on exports, input filters
// on page processors and router branches): prefix rules such as
//   ["and", ["isnotempty", ["extract", "email"]],
//           ["greaterthan", ["number", ["extract", "amt"]], 100]]
// compiled once (so a bad filter is a 422 when the resource is saved) and
// evaluated per record without re-parsing.
//
// Operators: equals notequals greaterthan greaterthanequals lessthan
// lessthanequals startswith endswith contains doesnotcontain matches
// isempty isnotempty anyof and or not. Accessors: ["extract", "a.b[0].c"],
// ["settings", "flow.x"]. Casts: number string boolean epochtime.
// Functions: lowercase uppercase ceiling floor abs. Anything else in a rule
// is a literal.

#include <boost/json/value.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/util/result.hpp"

namespace integrator {

class filter_expression {
public:
  /// Compiles `rules`, or says why they are not valid.
  static result<filter_expression> compile(const boost::json::value& rules);

  /// Compiles a filter block: {"type":"expression","expression":{"version":"1",
  /// "rules":[…]}} (a missing or empty rule list keeps every record).
  static result<filter_expression> compile_filter(const boost::json::value& filter);

  /// True when `record` passes; `settings` is what ["settings", …] reads.
  bool matches(const boost::json::value& record, const boost::json::value& settings = {}) const;

  /// The top-level record fields the filter reads (first segments of its
  /// extract paths), so a caller can hand it just those.
  std::vector<std::string> record_fields() const;

  struct node;

private:
  explicit filter_expression(std::shared_ptr<const node> root) : root_(std::move(root)) {}
  std::shared_ptr<const node> root_;  ///< null: keeps everything
};

}  // namespace integrator
