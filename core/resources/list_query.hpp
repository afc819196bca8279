#pragma once
// Query parameters of list endpoints: skip/limit paging, include/exclude
// projections and equality filters, and what the answer needs for its Link
// header.

#include <boost/json/value.hpp>

#include <string>
#include <utility>
#include <vector>

#include "core/util/api_error.hpp"
#include "core/resources/resource_kind.hpp"

namespace integrator {

using query_params = std::vector<std::pair<std::string, std::string>>;

/// Default and largest page of a list.
inline constexpr std::size_t default_list_limit = 1000;

struct list_query {
  std::size_t skip = 0;
  std::size_t limit = default_list_limit;
  std::vector<std::string> include;  ///< dotted paths; empty = all fields
  std::vector<std::string> exclude;  ///< dotted paths
  query_params filters;              ///< field = value
};

/// Parses `params` for a list of `kind`. Unknown parameters, both include
/// and exclude, or bad numbers → 400 invalid_query_params.
api_error parse_list_query(resource_kind kind, const query_params& params, list_query& out);

/// True when `doc` matches every filter (string compare on the field's
/// value; true/false compare booleans; numbers compare as text).
bool matches_filters(const boost::json::value& doc, const query_params& filters);

/// Applies include/exclude and the kind's list omissions to a document.
boost::json::value project(resource_kind kind, const boost::json::value& doc, const list_query& q);

}  // namespace integrator
