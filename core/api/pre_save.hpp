#pragma once
// A resource's preSave script (integrator-api.md §7.12): integrations,
// flows, exports, imports and connections may name
// preSave: {_scriptId, function}. Every save (POST, PUT, PATCH) calls it
// with {newResource, oldResource, sandbox} and stores what it returns;
// throwing rejects the save with a 422 that carries its message. The call
// waits for the script in the account's shard (the save cannot answer
// before it), bounded by pre_save_wait.

#include <boost/json/value.hpp>

#include <chrono>
#include <string>

#include "core/api/account_context.hpp"

namespace integrator {

/// How long a save waits for its preSave script; longer fails the save.
inline constexpr std::chrono::seconds pre_save_wait{30};

/// Runs the preSave script `doc` (a `kind` document about to be stored,
/// prepared) names, and puts what it returned in `doc`, prepared again;
/// `old` is the stored document (null on a create). An error names why the
/// save cannot go on.
api_error run_pre_save(const account_context& ctx, const std::string& account, resource_kind kind,
                       boost::json::value& doc, const boost::json::value* old);

}  // namespace integrator
