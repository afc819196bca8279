#pragma once
// User code a step configures: hooks (a script's or a stack's function),
// script filters and transforms, wrapper adaptors. This server does not run
// user code yet (issue 15); a step that configures some must not run as if
// it were absent, which would hand the target records the user's code never
// saw. Saving such a step stays allowed: existing configurations import
// unchanged, and they run once user code does.

#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "core/util/api_error.hpp"

namespace integrator {

/// The first piece of user code that `doc` (an export or an import) or
/// `processor_entry` (its entry in a flow's pageProcessors, which may hold
/// hooks and an input filter) configures, described for a person:
/// `hooks.preSavePage (script s1, function preSavePage)`; nullopt when none.
std::optional<std::string> configured_user_code(const boost::json::value& doc,
                                                 const boost::json::value& processor_entry = {});

/// The refusal of a run that would need it (user_code_unavailable), naming
/// the step (`export e1`) and the user code; nullopt when the step has none.
std::optional<api_error> refuse_user_code(std::string_view step, const boost::json::value& doc,
                                          const boost::json::value& processor_entry = {});

/// The same for the branches of a flow's routers (their input filters).
std::optional<api_error> refuse_user_code_in_branches(const boost::json::value& flow);

}  // namespace integrator
