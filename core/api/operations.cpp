#include "core/api/operations.hpp"

#include <array>

#include "core/api/error_handlers.hpp"
#include "core/api/job_handlers.hpp"
#include "core/api/license_handlers.hpp"
#include "core/api/resource_handlers.hpp"
#include "core/api/state_handlers.hpp"

namespace integrator {

namespace {

using o = operation;

// Step sub-resources of flows, in their short and long forms.
#define INTEGRATOR_STEP_ROWS(prefix)                                                            \
  o{.op = api_op::step_errors, .method = "GET", .path = prefix "/errors", .reads_only = true,  \
    .takes_query = true, .on_store = list_step_errors},                                         \
    o{.op = api_op::step_resolved, .method = "GET", .path = prefix "/resolved",                 \
      .reads_only = true, .takes_query = true, .on_store = list_resolved_step_errors},          \
    o{.op = api_op::step_resolve, .method = "PUT", .path = prefix "/resolved",                  \
      .on_store = resolve_step_errors},                                                         \
    o{.op = api_op::step_retry, .method = "POST", .path = prefix "/retry",                      \
      .on_engine = retry_step_errors}

const std::vector<operation> table{
  // -- the account -----------------------------------------------------------
  o{.op = api_op::token_info, .method = "GET", .path = "/tokenInfo"},
  o{.op = api_op::state_keys, .method = "GET", .path = "/state", .reads_only = true,
    .on_store = list_state_keys},
  o{.op = api_op::state_clear, .method = "DELETE", .path = "/state", .on_store = clear_state},
  o{.op = api_op::state_get, .method = "GET", .path = "/state/{key}", .reads_only = true,
    .on_store = get_state},
  o{.op = api_op::state_put, .method = "PUT", .path = "/state/{key}", .on_store = put_state},
  o{.op = api_op::state_remove, .method = "DELETE", .path = "/state/{key}",
    .on_store = remove_state},
  // -- jobs and their errors -------------------------------------------------
  o{.op = api_op::job_list, .method = "GET", .path = "/jobs", .takes_query = true,
    .on_store = list_jobs},
  o{.op = api_op::job_current, .method = "POST", .path = "/jobs/current", .on_store = current_jobs},
  o{.op = api_op::job_get, .method = "GET", .path = "/jobs/{job}", .on_store = get_job},
  o{.op = api_op::job_cancel, .method = "PUT", .path = "/jobs/{job}/cancel", .on_engine = cancel_job},
  o{.op = api_op::job_errors, .method = "GET", .path = "/jobs/{job}/~joberrors|errors",
    .on_store = list_job_errors},
  o{.op = api_op::job_errors_resolve, .method = "PUT", .path = "/jobs/{job}/~joberrors|errors/resolve",
    .on_store = resolve_job_errors},
  o{.op = api_op::job_errors_resolve, .method = "PUT",
    .path = "/jobs/{job}/~joberrors|errors/{error}/resolve", .on_store = resolve_job_errors},
  o{.op = api_op::job_retry, .method = "POST", .path = "/jobs/{job}/retry", .on_engine = retry_job_errors},
  // The legacy retry routes.
  o{.op = api_op::job_retry, .method = "PUT", .path = "/jobs/{job}/retries/retry",
    .on_engine = retry_job_errors},
  o{.op = api_op::job_retry, .method = "POST", .path = "/jobs/{job}/retries/{retry}/retry",
    .on_engine = retry_job_errors},
  // -- an import by its apiIdentifier ----------------------------------------
  o{.op = api_op::api_identifier_invoke, .method = "POST", .path = "/{apiIdentifier}",
    .on_engine = invoke_import_by_identifier},
  // -- every kind of resource ------------------------------------------------
  o{.op = api_op::list, .method = "GET", .path = "/{collection}", .reads_only = true, .paged = true,
    .takes_query = true, .on_store = list_resources},
  o{.op = api_op::create, .method = "POST", .path = "/{collection}", .on_store = create_resource},
  o{.op = api_op::connection_ping_unsaved, .method = "POST", .path = "/connections/ping",
    .on_engine = ping_unsaved_connection},
  o{.op = api_op::export_preview, .method = "POST", .path = "/exports/preview",
    .on_engine = preview_export},
  o{.op = api_op::get, .method = "GET", .path = "/{collection}/{id}", .reads_only = true,
    .on_store = get_resource},
  o{.op = api_op::replace, .method = "PUT", .path = "/{collection}/{id}", .on_store = replace_resource},
  o{.op = api_op::patch, .method = "PATCH", .path = "/{collection}/{id}", .on_store = patch_resource},
  o{.op = api_op::remove, .method = "DELETE", .path = "/{collection}/{id}", .on_store = remove_resource},
  o{.op = api_op::clone, .method = "POST", .path = "/{cloneable}/{id}/clone", .on_store = clone_resource},
  o{.op = api_op::state_keys, .method = "GET", .path = "/{collection}/{id}/state", .reads_only = true,
    .scoped = true, .on_store = list_state_keys},
  o{.op = api_op::state_clear, .method = "DELETE", .path = "/{collection}/{id}/state", .scoped = true,
    .on_store = clear_state},
  o{.op = api_op::state_get, .method = "GET", .path = "/{collection}/{id}/state/{key}",
    .reads_only = true, .scoped = true, .on_store = get_state},
  o{.op = api_op::state_put, .method = "PUT", .path = "/{collection}/{id}/state/{key}", .scoped = true,
    .on_store = put_state},
  o{.op = api_op::state_remove, .method = "DELETE", .path = "/{collection}/{id}/state/{key}",
    .scoped = true, .on_store = remove_state},
  // -- flows -----------------------------------------------------------------
  o{.op = api_op::flow_run, .method = "POST", .path = "/flows/{id}/run", .on_engine = run_flow},
  o{.op = api_op::flow_jobs_latest, .method = "GET", .path = "/flows/{id}/jobs/latest",
    .on_store = latest_flow_jobs},
  o{.op = api_op::flow_last_export, .method = "GET", .path = "/flows/{id}/lastExportDateTime",
    .on_store = last_export_time},
  INTEGRATOR_STEP_ROWS("/flows/{id}/{step}"),
  INTEGRATOR_STEP_ROWS("/flows/{id}/exports|imports/{step}"),
  // -- integrations and connectors -------------------------------------------
  o{.op = api_op::integration_jobs_latest, .method = "GET", .path = "/integrations/{id}/jobs/latest",
    .on_store = latest_integration_jobs},
  o{.op = api_op::integration_flows, .method = "GET", .path = "/integrations/{id}/flows",
    .reads_only = true, .paged = true, .takes_query = true, .on_store = list_integration_flows},
  o{.op = api_op::install_base, .method = "GET", .path = "/connectors/{id}/installBase",
    .reads_only = true, .paged = true, .takes_query = true, .on_store = list_install_base},
  o{.op = api_op::license_list, .method = "GET", .path = "/connectors/{id}/licenses",
    .reads_only = true, .paged = true, .takes_query = true, .on_store = list_licenses},
  o{.op = api_op::license_create, .method = "POST", .path = "/connectors/{id}/licenses",
    .on_store = create_license},
  o{.op = api_op::license_get, .method = "GET", .path = "/connectors/{id}/licenses/{license}",
    .reads_only = true, .on_store = get_license},
  o{.op = api_op::license_replace, .method = "PUT", .path = "/connectors/{id}/licenses/{license}",
    .on_store = replace_license},
  o{.op = api_op::license_remove, .method = "DELETE", .path = "/connectors/{id}/licenses/{license}",
    .on_store = remove_license},
  // -- connections, exports and imports at work ------------------------------
  o{.op = api_op::connection_ping, .method = "GET", .path = "/connections/{id}/ping",
    .on_engine = ping_connection},
  o{.op = api_op::connection_ping, .method = "POST", .path = "/connections/{id}/ping",
    .on_engine = ping_connection},
  o{.op = api_op::connection_proxy, .method = "POST", .path = "/connections/{id}/proxy",
    .on_engine = proxy_call},
  o{.op = api_op::stack_ping, .method = "GET", .path = "/stacks/{id}/ping", .on_engine = ping_stack},
  o{.op = api_op::stack_ping, .method = "POST", .path = "/stacks/{id}/ping", .on_engine = ping_stack},
  o{.op = api_op::integration_installer, .method = "PUT", .path = "/integrations/{id}/installer/{key}",
    .on_engine = call_connector_function},
  o{.op = api_op::integration_uninstaller, .method = "PUT", .path = "/integrations/{id}/uninstaller/{key}",
    .on_engine = call_connector_function},
  o{.op = api_op::integration_settings, .method = "PUT", .path = "/integrations/{id}/settings/{key}",
    .on_engine = call_connector_function},
  o{.op = api_op::stack_dependencies, .method = "GET", .path = "/stacks/{id}/dependencies", .reads_only = true,
    .on_store = stack_dependencies},
  o{.op = api_op::script_logs, .method = "GET", .path = "/scripts/{id}/logs",
    .on_engine = read_script_logs},
  o{.op = api_op::connection_import, .method = "POST", .path = "/connections/{id}/import",
    .on_engine = import_on_connection},
  o{.op = api_op::connection_import_map, .method = "POST", .path = "/connections/{id}/import/map",
    .on_store = map_import},
  o{.op = api_op::connection_export, .method = "POST", .path = "/connections/{id}/export",
    .on_engine = export_on_connection},
  o{.op = api_op::connection_export_pages, .method = "POST", .path = "/connections/{id}/export/pages",
    .on_engine = export_on_connection},
  o{.op = api_op::import_invoke, .method = "POST", .path = "/imports/{id}/invoke",
    .on_engine = invoke_import},
  o{.op = api_op::export_invoke, .method = "POST", .path = "/exports/{id}/invoke",
    .on_engine = invoke_export},
  // -- the operator API (/admin/v1) ------------------------------------------
  o{.op = api_op::admin_account_list, .method = "GET", .path = "/accounts", .on_operator = list_accounts},
  o{.op = api_op::admin_account_create, .method = "POST", .path = "/accounts",
    .on_operator = create_account},
  o{.op = api_op::admin_token_list, .method = "GET", .path = "/accounts/{account}/tokens",
    .on_operator = list_tokens},
  o{.op = api_op::admin_token_create, .method = "POST", .path = "/accounts/{account}/tokens",
    .on_operator = create_token},
  o{.op = api_op::admin_rate_limit_get, .method = "GET", .path = "/accounts/{account}/rateLimit",
    .on_operator = get_rate_limit},
  o{.op = api_op::admin_rate_limit_put, .method = "PUT", .path = "/accounts/{account}/rateLimit",
    .on_operator = put_rate_limit},
  o{.op = api_op::admin_token_revoke, .method = "DELETE", .path = "/tokens/{token}",
    .on_operator = revoke_token},
  o{.op = api_op::admin_cluster_nodes, .method = "GET", .path = "/cluster/nodes",
    .on_operator = cluster_nodes_alone},
  o{.op = api_op::admin_cluster_leases, .method = "GET", .path = "/cluster/leases",
    .on_operator = cluster_leases_alone},
};

#undef INTEGRATOR_STEP_ROWS

}  // namespace

const std::vector<operation>& operations() {
  return table;
}

const operation& operation_of(api_op op) {
  // By op, built once: every op has a row (checked by unit.operations).
  static const auto by_op = [] {
    std::array<const operation*, api_op_count> rows{};
    for (const auto& row : table)
      if (!rows[static_cast<std::size_t>(row.op)])
        rows[static_cast<std::size_t>(row.op)] = &row;
    return rows;
  }();
  return *by_op[static_cast<std::size_t>(op)];
}

api_reply run_store_operation(account_context& ctx, const principal& who, const api_call& call,
                              std::int64_t now_ms) {
  const auto& op = operation_of(call.op);
  if (!op.on_store)
    return api_reply::fail(make_api_error(error_code::internal_error, "operation not served by the store"));
  return op.on_store(ctx, who, call, now_ms);
}

}  // namespace integrator
