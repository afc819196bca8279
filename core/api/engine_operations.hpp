#pragma once
// The operations the engine carries out (run, retry, cancel, ping, proxy,
// standalone imports and exports, previews), prepared where the account's
// documents are: each preparer checks the call (body, headers, scope, the
// job's state), loads what the engine needs and answers either at once or
// with a request for the engine. The shard actor only sends the request
// and passes the engine's answer through, or through answer_export /
// answer_ping for the two that need the store afterwards.

#include <cstdint>
#include <optional>
#include <variant>
#include <vector>

#include "core/api/account_context.hpp"
#include "core/connect/paged_export_state.hpp"
#include "core/engine/engine_calls.hpp"
#include "core/engine/job_model.hpp"
#include "core/engine/user_code_answer.hpp"

namespace integrator {

/// A standalone export on its way to the engine, with what signing the
/// next pagedExportState needs.
struct export_call {
  standalone_export request;
  std::string export_doc;  ///< as sent (what a pagedExportState is signed over)
  std::string connection_id;
  std::optional<paged_export_state> paged;  ///< set for …/export/pages
};

/// A ping on its way to the engine; a saved connection's offline flag
/// follows its outcome.
struct ping_call {
  ping_request request;
  std::string connection_id;  ///< "" for an unsaved connection
};

/// A connector's function on its way to the engine; an installer step's
/// answer updates the integration's install steps.
struct connector_call {
  connector_function_request request;
  std::string integration_id;
};

using engine_request = std::variant<std::monostate, cancel_request, ping_call, proxy_request,
                                    standalone_import, export_call, preview_request, script_logs_request,
                                    connector_call>;

/// What the shard does for an engine operation.
struct engine_step {
  api_reply reply;              ///< the answer, when `request` is empty
  std::vector<job_ref> runs;    ///< queued jobs for the engine to start
  engine_request request;       ///< else: what to ask the engine
};

/// An engine operation's preparer: (context, caller, call, wall-clock ms).
using engine_preparer = engine_step (*)(account_context&, const principal&, const api_call&,
                                        std::int64_t now_ms);

engine_step run_flow(account_context&, const principal&, const api_call&, std::int64_t);
engine_step retry_step_errors(account_context&, const principal&, const api_call&, std::int64_t);
engine_step retry_job_errors(account_context&, const principal&, const api_call&, std::int64_t);
engine_step cancel_job(account_context&, const principal&, const api_call&, std::int64_t);
engine_step ping_connection(account_context&, const principal&, const api_call&, std::int64_t);
engine_step ping_unsaved_connection(account_context&, const principal&, const api_call&,
                                    std::int64_t);
engine_step proxy_call(account_context&, const principal&, const api_call&, std::int64_t);
/// GET|POST /stacks/{id}/ping: the stack's GET /healthCheck (a lambda
/// stack cannot be reached here: 422 user_code_unavailable)
engine_step ping_stack(account_context&, const principal&, const api_call&, std::int64_t);
/// PUT /integrations/{id}/installer|uninstaller|settings/{function}: the
/// function of the integration's connector, on the connector's stack, with
/// {…body, _integrationId, _connectorId, opts (the license's)}.
engine_step call_connector_function(account_context&, const principal&, const api_call&, std::int64_t);
/// An installer step answered {success, stepsToUpdate}: the integration's
/// install[] entries it names (by installerFunction) take its fields, and
/// once every step is completed the integration's mode is settings.
api_reply answer_connector_call(const resource_store& resources, const principal& who, const connector_call& call,
                                api_reply reply, std::int64_t now_ms);
/// A wrapper ping function's answer as the API gives it: {"code":200}, or
/// 422 ping_failed saying why (wrapper_ping_failure).
api_reply wrapper_ping_reply(const user_code_answer& answer);
/// A connector function's answer as the API gives it: its result (an empty
/// one as {}), or 422 extension_failed with the function's error.
api_reply connector_function_reply(const user_code_answer& answer);
/// GET /scripts/{id}/logs
engine_step read_script_logs(account_context&, const principal&, const api_call&, std::int64_t);
/// POST /imports/{id}/invoke
engine_step invoke_import(account_context&, const principal&, const api_call&, std::int64_t);
/// POST /{apiIdentifier}
engine_step invoke_import_by_identifier(account_context&, const principal&, const api_call&,
                                        std::int64_t);
/// POST /connections/{id}/import {import, data}
engine_step import_on_connection(account_context&, const principal&, const api_call&,
                                 std::int64_t);
/// POST /exports/{id}/invoke
engine_step invoke_export(account_context&, const principal&, const api_call&, std::int64_t);
/// POST /connections/{id}/export and …/export/pages {export, pagedExportState?}
engine_step export_on_connection(account_context&, const principal&, const api_call&,
                                 std::int64_t);
engine_step preview_export(account_context&, const principal&, const api_call&, std::int64_t);

/// The client's answer to a standalone export once the engine has read
/// it: {data, dataURIs} and, when paged, the next signed pagedExportState.
api_reply answer_export(const secret_box& box, const export_call& call, export_page page,
                        std::int64_t now_ms);

/// The client's answer to a ping; records a saved connection's outcome
/// (offline after a failed ping, online after a good one).
api_reply answer_ping(const resource_store& resources, const principal& who, const ping_call& call,
                      api_reply reply, std::int64_t now_ms);

}  // namespace integrator
