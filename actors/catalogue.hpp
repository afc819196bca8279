#pragma once
// The message catalogue: every atom and every type that crosses actors,
// with its inspect overload. add_message_types() registers them all under
// fixed names; the node config (cluster/node_config.hpp) and every test
// fixture call it, so an actor may live on any node.

#include <caf/actor_system_config.hpp>
#include <caf/atom.hpp>
#include <caf/meta/load_callback.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/none.hpp>

#include <cstdint>

#include "core/api/account_book.hpp"
#include "core/api/api_call.hpp"
#include "core/engine/engine_calls.hpp"
#include "core/engine/flow_plan.hpp"
#include "core/engine/job_model.hpp"
#include "core/engine/stage_report.hpp"
#include "core/engine/user_code_answer.hpp"
#include "core/connect/outbound.hpp"
#include "core/connect/once_marking.hpp"
#include "core/json/record_page.hpp"

namespace integrator {

// -- atoms (at most 10 characters) --------------------------------------------

using auth_atom = caf::atom_constant<caf::atom("auth")>;
using take_atom = caf::atom_constant<caf::atom("take")>;
using exec_atom = caf::atom_constant<caf::atom("exec")>;
using admin_atom = caf::atom_constant<caf::atom("admin")>;
using limit_atom = caf::atom_constant<caf::atom("limit")>;
using crash_atom = caf::atom_constant<caf::atom("crash")>;
using stall_atom = caf::atom_constant<caf::atom("stall")>;  ///< test hook: busy for a while
using load_atom = caf::atom_constant<caf::atom("load")>;
using write_atom = caf::atom_constant<caf::atom("write")>;
using edge_atom = caf::atom_constant<caf::atom("edge")>;
// the engine
using run_atom = caf::atom_constant<caf::atom("run")>;
using cancel_atom = caf::atom_constant<caf::atom("cancel")>;
using ping_atom = caf::atom_constant<caf::atom("ping")>;
using page_atom = caf::atom_constant<caf::atom("page")>;
using credit_atom = caf::atom_constant<caf::atom("credit")>;
using end_atom = caf::atom_constant<caf::atom("end")>;
using report_atom = caf::atom_constant<caf::atom("report")>;
using http_atom = caf::atom_constant<caf::atom("httpdone")>;
using spec_atom = caf::atom_constant<caf::atom("spec")>;
using recover_atom = caf::atom_constant<caf::atom("recover")>;
using resume_atom = caf::atom_constant<caf::atom("resume")>;
using fail_atom = caf::atom_constant<caf::atom("fail")>;
using start_atom = caf::atom_constant<caf::atom("start")>;
using progress_atom = caf::atom_constant<caf::atom("progress")>;
using retry_atom = caf::atom_constant<caf::atom("retry")>;
using retried_atom = caf::atom_constant<caf::atom("retried")>;
using purge_atom = caf::atom_constant<caf::atom("purge")>;
using tick_atom = caf::atom_constant<caf::atom("tick")>;
using chain_atom = caf::atom_constant<caf::atom("chain")>;
using proxy_atom = caf::atom_constant<caf::atom("proxy")>;
using invoke_atom = caf::atom_constant<caf::atom("invoke")>;
using export_atom = caf::atom_constant<caf::atom("export")>;
using once_atom = caf::atom_constant<caf::atom("once")>;
using idle_atom = caf::atom_constant<caf::atom("idle")>;
// user code
using mint_atom = caf::atom_constant<caf::atom("mint")>;
using revoke_atom = caf::atom_constant<caf::atom("revoke")>;
using offline_atom = caf::atom_constant<caf::atom("offline")>;  ///< a connection found offline
using code_atom = caf::atom_constant<caf::atom("code")>;  ///< a call to user code answered
using nodes_atom = caf::atom_constant<caf::atom("nodes")>;  ///< the cluster's membership rows
using hello_atom = caf::atom_constant<caf::atom("hello")>;  ///< a node introduces its door
using lease_atom = caf::atom_constant<caf::atom("lease")>;  ///< a flow's lease: claim it, or who holds it
using release_atom = caf::atom_constant<caf::atom("release")>;  ///< give a lease up
using adopt_atom = caf::atom_constant<caf::atom("adopt")>;  ///< take up what a lease's last holder left
using place_atom = caf::atom_constant<caf::atom("place")>;  ///< a job's stage to run on another node
using reload_atom = caf::atom_constant<caf::atom("reload")>;  ///< another node changed what we keep in memory

// -- message types ------------------------------------------------------------

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, api_error& x) {
  return f(caf::meta::type_name("api_error"), x.code, x.message, x.field);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, access_scope& x) {
  return f(caf::meta::type_name("access_scope"), x.full, x.connection_ids, x.export_ids,
           x.import_ids, x.integration_ids, x.connector_id, x.invoke_only);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, principal& x) {
  return f(caf::meta::type_name("principal"), x.account_id, x.token_id, x.email, x.scope);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, api_call& x) {
  return f(caf::meta::type_name("api_call"), x.op, x.kind, x.scoped, x.id, x.sub_id, x.body,
           x.query, x.headers, x.start_by_ms, x.content_type);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, api_reply& x) {
  return f(caf::meta::type_name("api_reply"), x.status, x.body, x.text, x.next_skip, x.prev_skip,
           x.retry_after, x.error, x.raw_status, x.content_type);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, write_batch::op& x) {
  return f(caf::meta::type_name("write_op"), x.space, x.key, x.value, x.erase);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, write_batch::expectation& x) {
  return f(caf::meta::type_name("write_expectation"), x.space, x.key, x.value, x.absent);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, write_batch& x) {
  return f(caf::meta::type_name("write_batch"), x.mutable_ops(), x.mutable_expectations());
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, outbound_response& x) {
  return f(caf::meta::type_name("outbound_response"), x.status, x.headers, x.body,
           x.transport_error, x.timed_out, x.attempts);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, job_spec& x) {
  return f(caf::meta::type_name("job_spec"), x.flow, x.exports, x.imports, x.connections,
           x.marks, x.stacks, x.scripts);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, user_code_answer& x) {
  return f(caf::meta::type_name("user_code_answer"), x.ok, x.returned, x.code, x.message,
           x.transport, x.logs);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, job_counts& x) {
  return f(caf::meta::type_name("job_counts"), x.num_export, x.num_success, x.num_error,
           x.num_ignore, x.num_pages_generated, x.num_pages_processed);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, job_error_entry& x) {
  return f(caf::meta::type_name("job_error_entry"), x.error_id, x.job_id, x.flow_job_id,
           x.flow_id, x.step_id, x.source, x.code, x.message, x.trace_key, x.retry_data_key,
           x.retry_data, x.occurred_at);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, resume_point& x) {
  return f(caf::meta::type_name("resume_point"), x.position, x.skip, x.kept, x.pages, x.done);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, stage_report& x) {
  return f(caf::meta::type_name("stage_report"), x.step, x.counts, x.errors, x.fatal,
           x.exhausted, x.page, x.after, x.origin, x.offline_connection);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, job_ref& x) {
  return f(caf::meta::type_name("job_ref"), x.account, x.flow_id, x.job_id);
}

// A page is written as its bytes, record ends, lanes and origin; loading builds a
// fresh shared buffer (with json_padding spare, as pages are made).
// Locally CAF passes the message itself, so nothing is copied.
template <class Inspector>
typename std::enable_if<Inspector::reads_state, typename Inspector::result_type>::type
inspect(Inspector& f, record_page& x) {
  page_data empty;
  const page_data& d = x.data() ? *x.data() : empty;
  return f(caf::meta::type_name("record_page"), const_cast<std::string&>(d.bytes),
           const_cast<std::vector<std::uint32_t>&>(d.ends),
           const_cast<std::vector<std::uint16_t>&>(d.lanes), const_cast<std::uint64_t&>(d.origin));
}

template <class Inspector>
typename std::enable_if<Inspector::writes_state, typename Inspector::result_type>::type
inspect(Inspector& f, record_page& x) {
  auto d = std::make_shared<page_data>();
  auto publish = caf::meta::load_callback([&]() -> caf::error {
    d->bytes.reserve(d->bytes.size() + json_padding);
    x.reset(d);
    return caf::none;
  });
  return f(caf::meta::type_name("record_page"), d->bytes, d->ends, d->lanes, d->origin, publish);
}


template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, cancel_request& x) {
  return f(caf::meta::type_name("cancel_request"), x.account, x.flow_id, x.job_id);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ping_request& x) {
  return f(caf::meta::type_name("ping_request"), x.connection, x.account, x.stack);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, connector_function_request& x) {
  return f(caf::meta::type_name("connector_function_request"), x.account, x.connector_id, x.stack, x.type,
           x.function, x.options);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, script_logs_request& x) {
  return f(caf::meta::type_name("script_logs_request"), x.account, x.script_id);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, proxy_request& x) {
  return f(caf::meta::type_name("proxy_request"), x.connection, x.method, x.relative_uri, x.body);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, standalone_import& x) {
  return f(caf::meta::type_name("standalone_import"), x.account, x.spec, x.body);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, standalone_export& x) {
  return f(caf::meta::type_name("standalone_export"), x.account, x.spec, x.position, x.one_page);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, export_page& x) {
  return f(caf::meta::type_name("export_page"), x.error, x.data, x.errors, x.count, x.position, x.done);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, preview_request& x) {
  return f(caf::meta::type_name("preview_request"), x.account, x.spec);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, once_call& x) {
  return f(caf::meta::type_name("once_call"), x.method, x.target, x.body, x.failure);
}

/// Registers every type above and the actor handles of interfaces.hpp.
void add_message_types(caf::actor_system_config& cfg);

}  // namespace integrator
