#pragma once
// A hook a step configures, resolved to what runs it: a stack's function
// (stack_call.hpp) or a script's, with the configuration passed through to
// it (integrator-api.md §9). A job carries the stacks and scripts its hooks
// name (job_spec), so a running job reads no documents to call one.

#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/engine/job_spec.hpp"
#include "core/engine/stack_call.hpp"
#include "core/util/result.hpp"

namespace integrator {

/// A hook as a step configures it: hooks.<name> = {_scriptId | _stackId,
/// function, configuration}, or the 2016 form hooks._<name>Id = "<script
/// id>" (its function then has the hook's name).
struct hook_ref {
  std::string script_id;
  std::string stack_id;
  std::string function;
  boost::json::value configuration;
};

/// Hook `name` of `doc` (an export, an import or a flow's processor
/// entry); nullopt when it configures none.
std::optional<hook_ref> hook_of(const boost::json::value& doc, std::string_view name);

/// The ids of the scripts and of the stacks every hook of `doc` names, and
/// of the scripts of its script blocks (filter, inputFilter, transform)
/// and of its script ({_scriptId}: a router's).
void hook_code_ids(const boost::json::value& doc, std::vector<std::string>& scripts,
                   std::vector<std::string>& stacks);

/// A hook ready to call.
struct user_function {
  std::string function;
  boost::json::value configuration;
  std::optional<stack_target> stack;  ///< a stack runs it, or else
  std::string script_id;              ///< this script,
  std::string script_code;            ///< whose content this is
  std::int64_t debug_until_ms = 0;     ///< the script's debugUntil: its logs are kept until then
  /// A script block's function (a filter, a transform, a router's script):
  /// it runs once per record of options.records, in one call per page.
  bool each_record = false;

  /// `script s1, function f` / `stack k1, function f`, for messages.
  std::string describe() const;
};

/// Whether `v` is a script block ({"type":"script", …}): user code, where
/// an expression would be.
bool is_script_block(const boost::json::value* v);

/// The script block `key` of `doc` ({"type":"script","script":{_scriptId,
/// function}}: a script filter or transform), resolved; nullopt when `key`
/// is no script block. Fails when it names no function or a missing script.
result<std::optional<user_function>> resolve_script_block(const boost::json::value& doc, std::string_view key,
                                                          const document_texts& scripts);

/// The script `doc`[`key`] names as {_scriptId, function} (a router's
/// script), resolved as a script block is; nullopt when there is none.
result<std::optional<user_function>> resolve_script_ref(const boost::json::value& doc, std::string_view key,
                                                        const document_texts& scripts);

/// Hook `name` of `doc`, resolved against the job's stacks and scripts
/// (revealed); nullopt when none is configured. Fails, naming the hook,
/// when it names no function, a missing script or stack, or a stack this
/// server cannot call.
result<std::optional<user_function>> resolve_hook(const boost::json::value& doc, std::string_view name,
                                                  const document_texts& stacks,
                                                  const document_texts& scripts);

}  // namespace integrator
