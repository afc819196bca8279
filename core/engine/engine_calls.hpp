#pragma once
// What the API asks of the engine, as values (so a call can cross nodes):
// cancel a job, ping a connection, proxy a call, run an import or an export
// standalone, preview an export. Connections travel as JSON with their
// secrets opened; the account's shard has checked the caller may use them.
// The engine's answers are in actors/interfaces.hpp (engine_actor).

#include <cstdint>
#include <string>

#include "core/engine/job_spec.hpp"
#include "core/util/api_error.hpp"

namespace integrator {

/// Cancel job `job_id` of flow `flow_id` (running, or still queued).
struct cancel_request {
  std::string account;
  std::string flow_id;
  std::string job_id;
};

/// Ping `connection` (its ping settings, or its base URI).
struct ping_request {
  std::string connection;
  std::string account;  ///< whose one-time token a wrapper's ping function gets
  std::string stack;    ///< a wrapper connection's stack (revealed JSON), "" otherwise
};

/// A call of a connector's installer, uninstaller or settings function
/// on its stack (PUT /integrations/{id}/installer|uninstaller|settings/{fn}).
struct connector_function_request {
  std::string account;
  std::string connector_id;  ///< the function's token reaches this connector's resources
  std::string stack;         ///< the connector's stack (revealed JSON)
  std::string type;          ///< installer, uninstaller or setting
  std::string function;
  std::string options;       ///< JSON text
};

/// A script's logs (GET /scripts/{id}/logs): what the node kept of them.
struct script_logs_request {
  std::string account;
  std::string script_id;
};

/// Send `method` `relative_uri` with `body` to `connection`, with its auth.
struct proxy_request {
  std::string connection;
  std::string method;
  std::string relative_uri;
  std::string body;
};

/// Run the records of `body` ({"data":[…]} or an array) through the
/// import of `spec` (standalone_spec(): the import, its connection, the
/// code its hooks name).
struct standalone_import {
  std::string account;  ///< whose one-time tokens its user code gets
  job_spec spec;
  std::string body;
};

/// Page the export of `spec` (standalone_spec()) from `position` (JSON;
/// "" from the start): one page, or all of them up to max_export_records.
struct standalone_export {
  std::string account;  ///< whose one-time tokens its user code gets
  job_spec spec;
  std::string position;
  bool one_page = false;
};

/// The most records a whole (unpaged) standalone export returns.
inline constexpr std::uint64_t max_export_records = 10000;

/// What a standalone export read: its records (after its transform,
/// output filter and hooks) as one JSON array, and where paging stands.
struct export_page {
  api_error error;       ///< set: the export failed, nothing else holds
  std::string data;      ///< JSON array of the records
  std::string errors;    ///< JSON array of the errors its hooks gave ("": none)
  std::uint64_t count = 0;
  std::string position;  ///< JSON object, for the next call
  bool done = false;     ///< no page follows
};

/// Run the first page of an unsaved export stage by stage: `spec`
/// (standalone_spec()) holds it as sent (with its postData), with its
/// connection and the code its hooks name.
struct preview_request {
  std::string account;  ///< whose one-time tokens its user code gets
  job_spec spec;
};

}  // namespace integrator
