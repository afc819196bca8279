#include "actors/account_shard.hpp"

#include <caf/all.hpp>

#include <boost/json.hpp>

#include "core/error_service.hpp"
#include "core/job_service.hpp"
#include "core/paged_export_state.hpp"
#include "core/resource_service.hpp"

namespace integrator {

namespace {

/// Operations that only read, so they may run from the memory-only view.
bool reads_only(api_op op) {
  switch (op) {
    case api_op::list:
    case api_op::get:
    case api_op::integration_flows:
    case api_op::install_base:
    case api_op::license_list:
    case api_op::license_get:
    case api_op::state_keys:
    case api_op::state_get:
      return true;
    default:
      return false;
  }
}

api_reply run(resource_service& service, const principal& who, const api_call& call) {
  // Exceptions stop here: the reply is an error, the actor lives on.
  try {
    return service.handle(who.account_id, who.scope, call, wall_clock_ms());
  } catch (const store_would_block&) {
    throw;
  } catch (const std::exception& e) {
    return api_reply::fail(make_api_error(errc::internal, std::string("internal error: ") + e.what()));
  }
}

// -- the worker: detached, runs everything against the real store ------------

struct worker_state {
  std::optional<resource_service> service;
  std::optional<object_id_generator> ids;
  std::shared_ptr<const actor_directory> directory;
  std::shared_ptr<const node_services> services;
  static inline const char* name = "account_shard_worker";
};

using worker_ptr = account_shard_actor::stateful_pointer<worker_state>;

// A saved export or import as JSON, and the id of its connection; nullopt
// when the token cannot see it.
std::optional<std::pair<std::string, std::string>> saved_step(worker_ptr self, resource_kind kind,
                                                              const principal& who,
                                                              const std::string& id) {
  auto doc = self->state.service->engine_document(kind, who.account_id, who.scope, id);
  if (!doc)
    return std::nullopt;
  const auto* c = doc->get_object().if_contains("_connectionId");
  return std::make_pair(boost::json::serialize(*doc),
                        c && c->is_string() ? std::string(c->get_string()) : std::string());
}

bool needs_engine(api_op op) {
  return op == api_op::flow_run || op == api_op::job_cancel || op == api_op::connection_ping
         || op == api_op::connection_ping_unsaved || op == api_op::step_retry
         || op == api_op::job_retry || op == api_op::connection_proxy
         || op == api_op::connection_import || op == api_op::import_invoke
         || op == api_op::connection_export || op == api_op::connection_export_pages
         || op == api_op::export_invoke || op == api_op::api_identifier_invoke
         || op == api_op::export_preview;
}

// POST /connections/{id}/export[/pages] {export:{…}, pagedExportState?}
// and POST /exports/{id}/invoke:
// the export runs in the engine; a paged answer carries a signed state for
// the next page.
caf::result<api_reply> virtual_export(worker_ptr self, const engine_actor& engine,
                                      const principal& who, const api_call& call) {
  auto& st = self->state;
  bool paged = call.op == api_op::connection_export_pages;
  boost::system::error_code ec;
  auto body = boost::json::parse(call.body.empty() ? "{}" : call.body, ec);
  std::string export_json, connection_id = call.id;
  if (call.op == api_op::export_invoke) {  // a saved export, on its connection
    auto saved = saved_step(self, resource_kind::export_, who, call.id);
    if (!saved)
      return api_reply::fail(make_api_error(errc::not_found, "Export not found"));
    std::tie(export_json, connection_id) = *saved;
  } else {
    const auto* exp = !ec && body.is_object() ? body.get_object().if_contains("export") : nullptr;
    if (!exp || !exp->is_object())
      return api_reply::fail(make_api_error(errc::validation_failed, "invalid_request",
                                            "The body must be {\"export\":{…}}", "export"));
    export_json = boost::json::serialize(*exp);
  }
  paged_export_state state;
  if (const auto* sent = paged ? body.get_object().if_contains("pagedExportState") : nullptr;
      sent && !sent->is_null()) {
    auto checked = paged_export_state::verify(*st.services->box, *sent, connection_id, export_json);
    if (!checked)
      return api_reply::fail(make_api_error(errc::invalid_request, "invalid_paged_export_state",
                                            "pagedExportState was not issued for this export or was altered",
                                            "pagedExportState"));
    state = *checked;
    ++state.page_index;
  }
  auto conn = st.service->engine_document(resource_kind::connection, who.account_id, who.scope,
                                         connection_id);
  if (!conn)
    return api_reply::fail(make_api_error(errc::not_found, "Connection not found"));
  auto rp = self->make_response_promise<api_reply>();
  auto box = st.services->box;
  self->request(engine, caf::infinite, export_atom::value, export_json, boost::json::serialize(*conn),
                state.position, paged)
    .then([=](api_reply& r) mutable {
      if (r.status != api_status::ok) {
        rp.deliver(std::move(r));
        return;
      }
      auto got = boost::json::parse(r.body).as_object();
      boost::json::object out;
      auto& data = got["data"];
      auto count = static_cast<std::int64_t>(data.as_array().size());
      out["data"] = std::move(data);
      out["dataURIs"] = boost::json::array();
      if (paged) {
        auto next = state;
        next.position = boost::json::serialize(got["position"]);
        next.done = got["done"] == true;
        next.page_size = count;
        next.issued_at = wall_clock_ms() / 1000;
        out["pagedExportState"] = next.to_json(*box, connection_id, export_json);
      }
      rp.deliver(api_reply::json(api_status::ok, boost::json::serialize(out)));
    });
  return rp;
}

// Calls that start, stop or reach out: checked and written here, carried
// out by the engine.
caf::result<api_reply> engine_call(worker_ptr self, const principal& who, const api_call& call) {
  auto& st = self->state;
  auto engine = st.directory->engine();
  if (!engine)
    return api_reply::fail(make_api_error(errc::unavailable, "The engine is restarting"));
  auto now = wall_clock_ms();
  const auto& account = who.account_id;
  switch (call.op) {
    case api_op::flow_run: {
      auto job_id = st.ids->next(static_cast<std::uint32_t>(now / 1000));
      auto reply = st.service->enqueue_run(account, who.scope, call.id, job_id, call.body, now);
      if (reply.status == api_status::created)
        caf::anon_send(engine, run_atom::value, account, call.id, job_id);
      return reply;
    }
    case api_op::step_retry:
    case api_op::job_retry: {
      if (!who.scope.full)
        return api_reply::fail(make_api_error(errc::forbidden, "This token may not retry jobs"));
      error_service errors(*st.services->store);
      error_service::retry_plan plan;
      if (call.op == api_op::step_retry) {
        if (!st.service->engine_document(resource_kind::flow, account, who.scope, call.id))
          return api_reply::fail(make_api_error(errc::not_found, "Flow not found"));
        plan = errors.retry_step(account, call.id, call.sub_id, call.body, *st.ids, now);
      } else {
        plan = errors.retry_job(account, call.id, call.sub_id, *st.ids, now);
      }
      if (plan.error)
        return api_reply::fail(*plan.error);
      // Each retry job queues on its flow like any run.
      std::string body = "[";
      for (const auto& j : plan.jobs) {
        caf::anon_send(engine, run_atom::value, account, j.flow_id, j.id);
        body += (body.size() > 1 ? "," : "") + j.to_json();
      }
      body += "]";
      // One step retried answers its job; a job's retry, one job per step.
      return api_reply::json(api_status::created,
                             call.op == api_op::step_retry ? plan.jobs.front().to_json() : body);
    }
    case api_op::import_invoke:
    case api_op::api_identifier_invoke:
    case api_op::connection_import: {
      std::string import_doc, connection_id = call.id, body = call.body;
      if (call.op != api_op::connection_import) {
        auto id = call.op == api_op::import_invoke
                    ? std::optional<std::string>(call.id)
                    : st.service->import_by_api_identifier(account, call.id);
        auto saved = id ? saved_step(self, resource_kind::import_, who, *id) : std::nullopt;
        if (!saved)
          return api_reply::fail(make_api_error(errc::not_found, "Import not found"));
        std::tie(import_doc, connection_id) = *saved;
      } else {
        // {import:{…}, data:[…]}: the import is not saved.
        boost::system::error_code ec;
        auto v = boost::json::parse(call.body, ec);
        const auto* imp = !ec && v.is_object() ? v.get_object().if_contains("import") : nullptr;
        if (!imp || !imp->is_object())
          return api_reply::fail(make_api_error(errc::validation_failed, "invalid_request",
                                                "The body must be {\"import\":{…},\"data\":[…]}", "import"));
        import_doc = boost::json::serialize(*imp);
      }
      auto conn = st.service->engine_document(resource_kind::connection, account, who.scope, connection_id);
      if (!conn)
        return api_reply::fail(make_api_error(errc::not_found, "Connection not found"));
      return self->delegate(engine, invoke_atom::value, import_doc, boost::json::serialize(*conn), body);
    }
    case api_op::connection_export:
    case api_op::connection_export_pages:
    case api_op::export_invoke:
      return virtual_export(self, engine, who, call);
    case api_op::export_preview: {
      // The unsaved export itself, with postData; it runs on its _connectionId.
      boost::system::error_code ec;
      auto v = boost::json::parse(call.body.empty() ? "{}" : call.body, ec);
      const auto* conn_id = !ec && v.is_object() ? v.get_object().if_contains("_connectionId") : nullptr;
      if (!conn_id || !conn_id->is_string())
        return api_reply::fail(make_api_error(errc::validation_failed, "invalid_request",
                                              "The body must be an export with _connectionId", "_connectionId"));
      auto conn = st.service->engine_document(resource_kind::connection, account, who.scope,
                                              std::string(conn_id->get_string()));
      if (!conn)
        return api_reply::fail(make_api_error(errc::not_found, "Connection not found"));
      return self->delegate(engine, preview_atom::value, call.body, boost::json::serialize(*conn));
    }
    case api_op::connection_proxy: {
      auto header = [&](std::string_view name) -> std::string {
        for (const auto& [k, v] : call.headers)
          if (k == name)
            return v;
        return {};
      };
      auto uri = header("integrator-relative-uri");
      auto method = header("integrator-method");
      if (uri.empty())
        return api_reply::fail(make_api_error(errc::validation_failed, "missing_header",
                                              "Integrator-Relative-URI is required", ""));
      for (auto& c : method)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      auto doc = st.service->engine_document(resource_kind::connection, account, who.scope, call.id);
      if (!doc)
        return api_reply::fail(make_api_error(errc::not_found, "Connection not found"));
      return self->delegate(engine, proxy_atom::value, boost::json::serialize(*doc),
                            method.empty() ? std::string("GET") : method, uri, call.body);
    }
    case api_op::job_cancel: {
      if (!who.scope.full)
        return api_reply::fail(make_api_error(errc::forbidden, "This token may not cancel jobs"));
      auto job = job_service(*st.services->store).load(account, call.id);
      if (!job)
        return api_reply::fail(make_api_error(errc::not_found, "Job not found"));
      if (is_final(job->status))
        return api_reply::fail(make_api_error(errc::conflict, "job_finished",
                                              "The job is already " + std::string(status_name(job->status)), ""));
      if (!job->flow_job_id.empty())
        return api_reply::fail(make_api_error(errc::validation_failed, "not_a_flow_job",
                                              "Cancel the flow job " + job->flow_job_id, ""));
      return self->delegate(engine, cancel_atom::value, account, job->flow_id, job->id);
    }
    default: {
      if (call.op == api_op::connection_ping_unsaved)
        return self->delegate(engine, ping_atom::value, call.body);
      auto doc = st.service->engine_document(resource_kind::connection, account, who.scope,
                                             call.id);
      if (!doc)
        return api_reply::fail(make_api_error(errc::not_found, "Connection not found"));
      // A saved connection's ping also sets its offline flag.
      auto rp = self->make_response_promise<api_reply>();
      self->request(engine, caf::infinite, ping_atom::value, boost::json::serialize(*doc))
        .then([=](api_reply& r) mutable {
          bool failed = r.status == api_status::failed && r.error.code == "ping_failed";
          try {
            if (failed || r.status == api_status::ok)
              self->state.service->mark_offline(account, call.id, failed, wall_clock_ms());
          } catch (const std::exception&) {
          }
          rp.deliver(std::move(r));
        });
      return rp;
    }
  }
}

account_shard_actor::behavior_type worker_impl(worker_ptr self,
                                               std::shared_ptr<const node_services> services,
                                               std::shared_ptr<const actor_directory> directory) {
  self->state.service.emplace(*services->store, *services->box, services->validation,
                              make_id_generator());
  self->state.ids.emplace(make_id_generator());
  self->state.directory = std::move(directory);
  self->state.services = services;
  return {
    [=](exec_atom, const principal& who, const api_call& call) -> caf::result<api_reply> {
      if (needs_engine(call.op)) {
        try {
          return engine_call(self, who, call);
        } catch (const std::exception& e) {
          return api_reply::fail(make_api_error(errc::internal, std::string("internal error: ") + e.what()));
        }
      }
      return run(*self->state.service, who, call);
    },
    [=](crash_atom) { return false; },
  };
}

// -- the shard: reads from memory on the scheduler, the rest to the worker ----

struct shard_state {
  std::shared_ptr<const node_services> services;
  std::optional<resource_service> fast;  ///< over the memory-only view
  account_shard_actor worker;
  static inline const char* name = "account_shard";
};

account_shard_actor::behavior_type
shard_impl(account_shard_actor::stateful_pointer<shard_state> self,
           std::shared_ptr<const node_services> services,
           std::shared_ptr<const actor_directory> directory) {
  auto& st = self->state;
  st.services = services;
  if (services->memory_view)
    st.fast.emplace(*services->memory_view, *services->box, services->validation,
                    make_id_generator());
  // One worker per shard keeps each account's writes in arrival order; it
  // shares the shard's fate.
  st.worker = self->spawn<caf::detached + caf::linked>(worker_impl, services, directory);
  return {
    [=](exec_atom, principal& who, api_call& call) -> caf::result<api_reply> {
      auto& st = self->state;
      if (st.fast && reads_only(call.op)) {
        try {
          return run(*st.fast, who, call);
        } catch (const store_would_block&) {
          // Not in memory: the worker reads from disk.
        }
      }
      return self->delegate(st.worker, exec_atom::value, std::move(who), std::move(call));
    },
    [=](crash_atom) -> bool {
      if (!self->state.services->test_hooks)
        return false;
      throw std::runtime_error("account shard crashed on request (test hook)");
    },
  };
}

}  // namespace

account_shard_actor spawn_account_shard(caf::actor_system& sys,
                                        std::shared_ptr<const node_services> services,
                                        std::shared_ptr<const actor_directory> directory) {
  return sys.spawn(shard_impl, std::move(services), std::move(directory));
}

std::size_t shard_index(const std::string& account_id, std::size_t shard_count) {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : account_id)
    h = (h ^ c) * 1099511628211ULL;
  return shard_count ? static_cast<std::size_t>(h % shard_count) : 0;
}

}  // namespace integrator
