#pragma once
// How an actor calls user code: a stack's function over HTTP through the
// outbound port, or a script's in the script port, either way with a fresh
// one-time token in options.bearerToken that is revoked once the answer is
// in. The answer comes back as (code_atom, tag, user_code_answer) to the
// caller, whose interface lists `user_code_reply` (engine_interfaces.hpp).

#include <caf/send.hpp>

#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "actors/catalogue.hpp"
#include "actors/node_services.hpp"
#include "core/connect/outbound_port.hpp"
#include "core/engine/script_port.hpp"
#include "core/engine/user_function.hpp"

namespace integrator {

/// Stacks get at most this many calls at once from one node; more wait.
inline constexpr int stack_concurrency = 16;

/// Calls `fn` with `options` (a JSON object's text) on behalf of `account`
/// (`connector_id` set, or `fn` on a connector's stack, for a connector's
/// code, which reaches that connector's resources); the answer goes to
/// `to` tagged `tag`.
template <class Handle>
void call_user_function(const node_services& services, const std::string& account,
                        const std::string& connector_id, const user_function& fn, extension_type type,
                        std::string_view options_text, Handle to, std::uint64_t tag) {
  auto tokens = services.one_time;
  // A connector's stack runs the connector's code: its token reaches that
  // connector's resources (extension-protocol.md §4).
  const auto& scope = connector_id.empty() && fn.stack ? fn.stack->connector_id : connector_id;
  auto token = tokens->mint(account, "", scope, wall_clock_ms());
  auto options = with_string_member(options_text, "bearerToken", token);
  std::function<void(user_code_answer)> done = [to = std::move(to), tag, tokens, token](user_code_answer a) {
    tokens->revoke(token);
    caf::anon_send(to, code_atom::value, tag, std::move(a));
  };
  if (fn.stack) {
    retry_policy transport_only;  // a 422 is the function's answer: final
    transport_only.max_attempts = 3;
    auto req = stack_request(*fn.stack, type, fn.function, options);
    auto function = fn.function;
    services.outbound->submit(std::move(req), "stack:" + fn.stack->id, stack_concurrency,
                              std::move(transport_only),
                              [done = std::move(done), function](outbound_response r) {
                                done(read_stack_answer(std::move(r), function));
                              });
    return;
  }
  // A script's console output is kept while its debugUntil is ahead.
  done = [done = std::move(done), logs = services.logs, account, id = fn.script_id,
          until = fn.debug_until_ms](user_code_answer a) {
    if (!a.logs.empty())
      logs->add(account, id, a.logs, until, wall_clock_ms());
    done(std::move(a));
  };
  if (!services.scripts) {
    done(failed_answer("script_unavailable", "scripts cannot run on this node (no Node.js worker pool); "
                                             "script " + fn.script_id + " was not called"));
    return;
  }
  script_call call{fn.script_id, fn.script_code, fn.function, std::move(options)};
  call.each_record = fn.each_record;
  services.scripts->submit(std::move(call), std::move(done));
}

}  // namespace integrator
