#pragma once
// Which of an account's resources refer to one (GET /{collection}/{id}/
// dependencies): every document with a field `_…Id` (or a `_…Ids` array)
// that names it, wherever it sits (a hook's _stackId, a wrapper
// connection's _stackId, a flow's _exportId, …). Read before a delete or a
// change, so the user sees what the resource is part of.

#include <boost/json/object.hpp>

#include <string>

#include "core/resources/access_scope.hpp"
#include "core/resources/resource_store.hpp"

namespace integrator {

/// {"<collection>": [{"_id", "name", "paths": ["hooks.preSavePage._stackId", …]}], …}
/// for the documents of `account` that `scope` sees and that refer to
/// `id`; collections without any are left out.
boost::json::object dependents_of(const resource_store& resources, const std::string& account,
                                  const access_scope& scope, const std::string& id);

}  // namespace integrator
