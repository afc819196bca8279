#pragma once
// A REST call once routed: what to do, to which resource, with what input;
// and the protocol-neutral answer. These two are the messages between the
// HTTP frontend and the actors (serialized by actors/catalogue.hpp), so
// they hold only values.

#include <cstdint>
#include <string>

#include "core/util/api_error.hpp"
#include "core/resources/list_query.hpp"
#include "core/resources/resource_kind.hpp"

namespace integrator {

enum class api_op : std::uint8_t {
  token_info,
  list,
  get,
  create,
  replace,
  patch,
  remove,
  clone,
  integration_flows,  ///< GET /integrations/{id}/flows
  install_base,       ///< GET /connectors/{id}/installBase
  license_list,
  license_get,
  license_create,
  license_replace,
  license_remove,
  state_keys,    ///< global when `scoped` is false
  state_get,
  state_put,
  state_remove,
  state_clear,
  job_list,                 ///< GET /jobs
  job_get,                  ///< GET /jobs/{id}
  job_current,              ///< POST /jobs/current
  job_errors,               ///< GET /jobs/{id}/joberrors
  job_cancel,               ///< PUT /jobs/{id}/cancel (engine)
  flow_run,                 ///< POST /flows/{id}/run (engine)
  flow_jobs_latest,         ///< GET /flows/{id}/jobs/latest
  integration_jobs_latest,  ///< GET /integrations/{id}/jobs/latest
  step_errors,              ///< GET /flows/{id}/{stepId}/errors (sub_id: step)
  connection_ping,          ///< GET|POST /connections/{id}/ping (engine)
  connection_ping_unsaved,  ///< POST /connections/ping (engine)
  connection_proxy,         ///< POST /connections/{id}/proxy (engine)
  script_logs,              ///< GET /scripts/{id}/logs (engine)
  stack_ping,               ///< GET|POST /stacks/{id}/ping (engine)
  stack_dependencies,       ///< GET /stacks/{id}/dependencies
  integration_installer,    ///< PUT /integrations/{id}/installer/{function} (engine; sub_id: function)
  integration_uninstaller,  ///< PUT /integrations/{id}/uninstaller/{function} (engine)
  integration_settings,     ///< PUT /integrations/{id}/settings/{function} (engine)
  connection_import,        ///< POST /connections/{id}/import (engine)
  connection_import_map,    ///< POST /connections/{id}/import/map
  connection_export,        ///< POST /connections/{id}/export (engine)
  connection_export_pages,  ///< POST /connections/{id}/export/pages (engine)
  import_invoke,            ///< POST /imports/{id}/invoke (engine)
  api_identifier_invoke,    ///< POST /{apiIdentifier}: a saved import (engine; id: the identifier)
  export_invoke,            ///< POST /exports/{id}/invoke (engine)
  export_preview,           ///< POST /exports/preview (engine)
  flow_last_export,         ///< GET /flows/{id}/lastExportDateTime
  step_resolved,            ///< GET /flows/{id}/{stepId}/resolved
  step_resolve,             ///< PUT /flows/{id}/{stepId}/resolved
  job_errors_resolve,       ///< PUT /jobs/{id}/joberrors[/{errorId}]/resolve (sub_id: error)
  step_retry,               ///< POST /flows/{id}/{stepId}/retry (engine)
  job_retry,                ///< POST /jobs/{id}/retry, legacy retries routes (engine; sub_id: key)
  admin_account_list,
  admin_account_create,
  admin_token_list,
  admin_token_create,
  admin_token_revoke,
  admin_cluster_nodes,
  admin_cluster_leases,
  admin_rate_limit_get,
  admin_rate_limit_put,  ///< keep last: api_op_count counts up to it
};

/// How many operations there are.
inline constexpr std::size_t api_op_count = static_cast<std::size_t>(api_op::admin_rate_limit_put) + 1;

/// True for operations of the operator API (/admin/v1).
inline bool is_admin(api_op op) {
  return op >= api_op::admin_account_list;
}

struct api_call {
  api_op op = api_op::token_info;
  resource_kind kind = resource_kind::connection;
  bool scoped = false;  ///< state ops: on a resource rather than global
  std::string id;       ///< resource, account or token id
  std::string sub_id;   ///< license id or state key
  std::string body;     ///< request body as received
  query_params query;
  query_params headers;  ///< the Integrator-* request headers, names lower-cased
  /// Wall-clock ms by which the call must have started; later it is refused
  /// unstarted, so a caller answered "did not answer in time" knows that
  /// nothing was done (0: no limit).
  std::int64_t start_by_ms = 0;
  /// The Content-Type the client declared, as sent ("" when none).
  std::string content_type;
};

enum class api_status : std::uint8_t { ok, created, no_content, failed };

struct api_reply {
  api_status status = api_status::ok;
  std::string body;
  bool text = false;             ///< body is text/plain (state API's "OK")
  std::int64_t next_skip = -1;   ///< list has more after this page
  std::int64_t prev_skip = -1;   ///< list has a page before this one
  std::int64_t retry_after = 0;  ///< seconds, with rate_limited
  api_error error;               ///< when status == failed
  std::uint16_t raw_status = 0;  ///< a proxied answer's own status (overrides `status`)
  std::string content_type;      ///< a proxied answer's own Content-Type

  static api_reply fail(api_error e) {
    api_reply r;
    r.status = api_status::failed;
    r.error = std::move(e);
    return r;
  }
  static api_reply json(api_status s, std::string body) {
    api_reply r;
    r.status = s;
    r.body = std::move(body);
    return r;
  }
};

}  // namespace integrator
