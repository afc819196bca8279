#pragma once
// User code a step configures: hooks (a script's or a stack's function),
// script filters and transforms, wrapper adaptors. Each caller runs some
// of it (a flow's export runs preSavePage: user_function.hpp); a step that
// configures code its caller does not run must not run as if that code were
// absent, which would hand the target records the user's code never saw.
// Saving such a step stays allowed: existing configurations import
// unchanged, and they run once this server runs their code.

#include <boost/json/value.hpp>

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/util/api_error.hpp"

namespace integrator {

/// Hooks (by name), script blocks (filter, inputFilter, transform) and
/// "wrapper" that a caller runs itself.
using hooks_run = std::span<const std::string_view>;

/// The first piece of user code that `doc` (an export or an import) or
/// `processor_entry` (its entry in a flow's pageProcessors, which may hold
/// hooks and an input filter) configures, besides the hooks in `runs`,
/// described for a person: `hooks.preMap (script s1, function preMap)`;
/// nullopt when none.
std::optional<std::string> configured_user_code(const boost::json::value& doc,
                                                 const boost::json::value& processor_entry = {},
                                                 hooks_run runs = {});

/// The refusal of a run that would need such code (user_code_unavailable),
/// naming the step (`export e1`) and the code; nullopt when there is none.
std::optional<api_error> refuse_user_code(std::string_view step, const boost::json::value& doc,
                                          const boost::json::value& processor_entry = {},
                                          hooks_run runs = {});

}  // namespace integrator
