#include "actors/engine.hpp"
#include "core/json/json_depth.hpp"

#include <caf/all.hpp>

#include <boost/json.hpp>

#include <deque>
#include <iostream>
#include <map>
#include <set>
#include <type_traits>

#include "actors/catalogue.hpp"
#include "actors/cluster_view.hpp"
#include "core/engine/ownership.hpp"
#include "actors/engine_store.hpp"
#include "actors/flow_runner.hpp"
#include "actors/stages.hpp"
#include "actors/user_code_call.hpp"
#include "core/api/engine_operations.hpp"
#include "core/engine/wrappers.hpp"
#include "actors/outbound_reply.hpp"
#include "actors/export_invocation.hpp"
#include "actors/import_invocation.hpp"

namespace integrator {

namespace {

// -- the engine ------------------------------------------------------------------

struct engine_state {
  std::shared_ptr<const node_services> services;
  engine_store_actor store;
  struct flow_entry {
    flow_actor actor;
    std::uint64_t runs = 0;  ///< run messages sent to it
  };
  std::map<std::string, flow_entry> flows;  ///< account|flow → its actor
  /// Pings and proxied calls waiting for their answer, by tag.
  struct outbound_call {
    caf::typed_response_promise<api_reply> rp;
    std::shared_ptr<const http_endpoint> endpoint;
    bool proxy = false;  ///< answer with the target's own reply
  };
  std::map<std::uint64_t, outbound_call> calls;
  /// Calls to user code waiting for their answer, by tag: wrapper pings,
  /// connectors' functions.
  struct code_call {
    caf::typed_response_promise<api_reply> rp;
    api_reply (*reply_of)(const user_code_answer&);  ///< the API's answer for the function's
  };
  std::map<std::uint64_t, code_call> code_calls;
  std::uint64_t next_call = 0;
  /// Import stages run here for other nodes' jobs (stage_placement): they
  /// stop with the engine, and their jobs resume (job_runner).
  std::shared_ptr<std::set<caf::actor_addr>> hosted = std::make_shared<std::set<caf::actor_addr>>();
  static inline const char* name = "engine";
};

using engine_ptr = engine_actor::stateful_pointer<engine_state>;

// The endpoint of a connection JSON, or the error to answer.
std::shared_ptr<const http_endpoint> endpoint_of(const std::string& connection, api_reply& error) {
  boost::system::error_code ec;
  auto doc = parse_json(connection, ec);
  if (ec) {
    error = api_reply::fail(make_api_error(error_code::invalid_connection, "the connection is not JSON"));
    return nullptr;
  }
  auto endpoint = http_endpoint::from_connection(doc);
  if (!endpoint) {
    error = api_reply::fail(make_api_error(error_code::invalid_connection, endpoint.error().message));
    return nullptr;
  }
  return std::make_shared<const http_endpoint>(std::move(*endpoint));
}

// What a standalone call answers when its actor ended without answering.
template <class Reply>
Reply failed_reply(api_error e) {
  if constexpr (std::is_same_v<Reply, api_reply>) {
    return api_reply::fail(std::move(e));
  } else {
    Reply page;  // export_page
    page.error = std::move(e);
    return page;
  }
}

// A standalone call: spawns its actor (spawn_import_invocation or
// spawn_export_invocation) and answers with what it answers to `request`.
// Its actor's end without an answer is the caller's error, not the
// engine's (CAF's default for an unhandled one would stop the engine).
template <class Reply, class Spawn, class Request>
caf::result<Reply> call_alone(engine_ptr self, Spawn spawn, const Request& request) {
  auto call = spawn(self->system());
  auto rp = self->make_response_promise<Reply>();
  self->request(call, caf::infinite, request)
    .then([rp](Reply& r) mutable { rp.deliver(std::move(r)); },
          [rp](caf::error& e) mutable {
            rp.deliver(failed_reply<Reply>(
              make_api_error(error_code::internal_error, "the call stopped: " + caf::to_string(e))));
          });
  return rp;
}

// Sends `req` out for a ping or a proxied call; the answer comes back as
// (http_atom, tag, response).
caf::typed_response_promise<api_reply> ask_out(engine_ptr self,
                                                std::shared_ptr<const http_endpoint> endpoint,
                                                outbound_request req, retry_policy retry,
                                                bool proxy) {
  auto& st = self->state;
  auto tag = ++st.next_call;
  auto rp = self->make_response_promise<api_reply>();
  st.calls.emplace(tag, engine_state::outbound_call{rp, endpoint, proxy});
  st.services->outbound->submit(std::move(req), proxy ? "proxy" : "ping", endpoint->concurrency(),
                                retry, reply_to(caf::actor_cast<engine_actor>(self), tag));
  return rp;
}

// Calls `fn` for `account`; the API's answer, `reply_of` the function's,
// goes to the promise returned.
caf::result<api_reply> ask_user_code(engine_ptr self, const std::string& account, const std::string& connector_id,
                                     const user_function& fn, extension_type type, std::string_view options,
                                     api_reply (*reply_of)(const user_code_answer&)) {
  auto& st = self->state;
  auto tag = ++st.next_call;
  auto rp = self->make_response_promise<api_reply>();
  st.code_calls.emplace(tag, engine_state::code_call{rp, reply_of});
  call_user_function(*st.services, account, connector_id, fn, type, options, caf::actor_cast<engine_actor>(self), tag);
  return rp;
}

// Pings a wrapper connection through its stack's ping function.
caf::result<api_reply> ping_wrapper(engine_ptr self, const ping_request& req) {
  boost::system::error_code ec;
  auto target = wrapper_target::of(parse_json(req.connection, ec), parse_json(req.stack, ec));
  auto ping = target ? target->ping() : result<user_function>(target.error());
  if (!ping)
    return api_reply::fail(make_api_error(error_code::ping_failed, ping.error().message, ping.error().field));
  return ask_user_code(self, req.account, "", *ping, extension_type::wrapper, wrapper_ping_options(*target),
                       wrapper_ping_reply);
}

// Calls a connector's installer, uninstaller or settings function.
caf::result<api_reply> call_connector_function(engine_ptr self, const connector_function_request& req) {
  boost::system::error_code ec;
  auto stack = stack_target::from_document(parse_json(req.stack, ec));
  if (!stack)
    return api_reply::fail(stack.error());
  user_function fn;
  fn.function = req.function;
  fn.stack = std::move(*stack);
  return ask_user_code(self, req.account, req.connector_id, fn, extension_type_named(req.type), req.options,
                       connector_function_reply);
}

// Queues job `job_id` on its flow's actor, spawned if the flow has none.
// In a cluster a flow this node does not run goes to the node rendezvous
// hashing gives it to, unless it was `placed` here by another node (the
// flow actor's lease then decides: a run never travels more than twice).
void run_on_flow(engine_ptr self, const std::string& account, const std::string& flow_id,
                 const std::string& job_id, bool placed = false) {
  auto& st = self->state;
  auto key = account + flow_id;
  auto it = st.flows.find(key);
  if (it == st.flows.end() && !placed && st.services->cluster)
    if (auto door = st.services->cluster->door_for(flow_lease_name(account, flow_id))) {
      self->send(door, run_atom::value, job_ref{account, flow_id, job_id});
      return;
    }
  if (it == st.flows.end()) {
    auto f = spawn_flow(self, st.store, caf::actor_cast<engine_actor>(self), account,
                        flow_id);
    self->monitor(f);
    it = st.flows.emplace(key, engine_state::flow_entry{f, 0}).first;
  }
  ++it->second.runs;
  caf::anon_send(it->second.actor, run_atom::value, job_id);
}

// A cancel of a job of a flow without an actor here: the node that holds
// the flow's lease cancels it (it may be running there), else the store.
void cancel_where_held(engine_ptr self, const cancel_request& cancel, caf::typed_response_promise<api_reply> rp) {
  auto store = self->state.store;
  self->request(store, caf::infinite, lease_atom::value, flow_lease_name(cancel.account, cancel.flow_id), false)
    .then(
      [=](std::int64_t, const std::string& holder) mutable {
        if (auto door = self->state.services->cluster->door_of(holder)) {
          self->request(door, std::chrono::seconds(30), cancel)
            .then([rp](api_reply& r) mutable { rp.deliver(std::move(r)); },
                  [rp](caf::error& e) mutable {
                    rp.deliver(api_reply::fail(make_api_error(
                      error_code::unavailable, "the node running the job did not answer: " + caf::to_string(e))));
                  });
          return;
        }
        cancel_in_store(self, store, cancel.account, cancel.job_id, rp);
      },
      [=](caf::error&) mutable { cancel_in_store(self, store, cancel.account, cancel.job_id, rp); });
}

engine_actor::behavior_type engine_impl(engine_ptr self, spawn_tag) {
  auto& st = self->state;
  st.services = services_of(self->system());
  st.store = spawn_engine_store(self->system());
  self->link_to(st.store);
  // Stages hosted for other nodes' jobs stop with the engine, for the reason
  // a lost connection gives: their jobs resume elsewhere (job_runner.cpp).
  self->attach_functor([hosted = st.hosted](const caf::error&) {
    for (const auto& stage : *hosted)
      caf::anon_send_exit(stage, caf::exit_reason::remote_link_unreachable);
  });
  self->set_down_handler([=](caf::down_msg& msg) {
    if (self->state.hosted->erase(msg.source) > 0)
      return;
    auto& flows = self->state.flows;
    for (auto it = flows.begin(); it != flows.end(); ++it)
      if (it->second.actor.address() == msg.source) {
        flows.erase(it);
        return;
      }
  });
  self->set_exit_handler([=](caf::exit_msg& msg) {
    // Our store or a flow died: so do we (the supervisor restarts us).
    // Flows that end normally (idle) are only forgotten (down handler).
    if (msg.reason)
      self->quit(msg.reason);
  });
  // Jobs a previous run left behind: interrupted ones end failed (in the
  // store actor), queued ones run.
  // Awaited: nothing else is handled (a readiness check, a run, a cancel)
  // before they are, so no one sees a job from before as still running.
  self->request(st.store, caf::infinite, recover_atom::value)
    .await(
      [=](const std::vector<job_ref>& queued) {
        for (const auto& j : queued)
          run_on_flow(self, j.account, j.flow_id, j.job_id);
      },
      [=](caf::error& e) { self->quit(std::move(e)); });
  self->send(self, purge_atom::value);
  self->send(self, tick_atom::value);
  return {
    [=](chain_atom, const std::string& account, const std::string& next_flow) {
      self->request(self->state.store, caf::infinite, chain_atom::value, account, next_flow)
        .then([=](const api_error& error, const std::string& job_id) {
          if (error)  // the user hears why the chained flow did not run
            std::cerr << "integratord: flow " << next_flow << " (chained) did not run: "
                      << error.message << std::endl;
          else
            run_on_flow(self, account, next_flow, job_id);
        });
    },
    [=](tick_atom) {
      auto& st = self->state;
      auto now = wall_clock_ms();
      self->request(st.store, caf::infinite, tick_atom::value, now)
        .then([=](const std::vector<job_ref>& runs) {
          for (const auto& j : runs)
            run_on_flow(self, j.account, j.flow_id, j.job_id);
        });
      // Next tick a second into the next minute: schedules fire on minutes.
      auto into_minute = now % 60000;
      self->delayed_send(self, std::chrono::milliseconds(61000 - into_minute), tick_atom::value);
    },
    [=](purge_atom) {
      auto& st = self->state;
      auto cutoff = wall_clock_ms() - st.services->error_retention_ms;
      self->request(st.store, caf::infinite, purge_atom::value, cutoff)
        .then([=](const api_error& error, std::int64_t purged) {
          if (error)
            std::cerr << "integratord: purging old errors: " << error.message << std::endl;
          // A full batch means more is due: go on at once, else in an hour.
          if (!error && purged >= 10000)
            self->send(self, purge_atom::value);
          else
            self->delayed_send(self, std::chrono::hours(1), purge_atom::value);
        });
    },
    [=](run_atom, const job_ref& job) { run_on_flow(self, job.account, job.flow_id, job.job_id); },
    [=](run_atom, const job_ref& job, bool placed) {
      run_on_flow(self, job.account, job.flow_id, job.job_id, placed);
    },
    [=](caf::ok_atom) { return true; },
    [=](place_atom, const stage_placement& placed) -> caf::result<import_stage_actor> {
      auto& st = self->state;
      auto stage = host_import_stage(self->system(), placed);
      if (!stage)
        return caf::make_error(caf::sec::runtime_error, stage.error().message);
      self->monitor(*stage);
      st.hosted->insert(stage->address());
      if (st.services->cluster)
        st.services->cluster->hosted_stage();
      return *stage;
    },
    [=](idle_atom, const std::string& account, const std::string& flow_id, std::uint64_t received) {
      auto& flows = self->state.flows;
      auto it = flows.find(account + flow_id);
      if (it == flows.end() || it->second.actor.address() != self->current_sender()
          || it->second.runs != received)
        return;  // a run is on its way (or the word is an old actor's): the flow goes on
      caf::anon_send(it->second.actor, idle_atom::value);
      flows.erase(it);
    },
    [=](const cancel_request& cancel) -> caf::result<api_reply> {
      auto& st = self->state;
      const auto& [account, flow_id, job_id] = cancel;
      auto it = st.flows.find(account + flow_id);
      auto rp = self->make_response_promise<api_reply>();
      if (it != st.flows.end())
        self->request(it->second.actor, caf::infinite, cancel_atom::value, job_id)
          .then([rp](api_reply& r) mutable { rp.deliver(std::move(r)); },
                [=](caf::error&) mutable {
                  cancel_in_store(self, self->state.store, cancel.account, cancel.job_id, rp);
                });
      else if (st.services->cluster)
        cancel_where_held(self, cancel, rp);
      else
        cancel_in_store(self, st.store, account, job_id, rp);
      return rp;
    },
    [=](const ping_request& ping_req) -> caf::result<api_reply> {
      if (!ping_req.stack.empty())
        return ping_wrapper(self, ping_req);
      api_reply error;
      auto endpoint = endpoint_of(ping_req.connection, error);
      if (!endpoint)
        return error;
      const auto& ping = endpoint->ping();
      auto req = endpoint->request(ping.method, ping.relative_uri, ping.body);
      if (!req)
        return api_reply::fail(make_api_error(error_code::ping_failed, req.error().message));
      retry_policy once = endpoint->retry();
      once.max_attempts = 1;
      return ask_out(self, endpoint, std::move(*req), once, false);
    },
    [=](const standalone_import& r) -> caf::result<api_reply> {
      return call_alone<api_reply>(self, spawn_import_invocation, r);
    },
    [=](const standalone_export& r) -> caf::result<export_page> {
      return call_alone<export_page>(self, spawn_export_invocation, r);
    },
    [=](const preview_request& r) -> caf::result<api_reply> {
      return call_alone<api_reply>(self, spawn_export_invocation, r);
    },
    [=](const connector_function_request& r) -> caf::result<api_reply> { return call_connector_function(self, r); },
    [=](const script_logs_request& r) -> caf::result<api_reply> {
      return api_reply::json(api_status::ok, self->state.services->logs->read(r.account, r.script_id));
    },
    [=](proxy_request& r) -> caf::result<api_reply> {
      api_reply error;
      auto endpoint = endpoint_of(r.connection, error);
      if (!endpoint)
        return error;
      auto req = endpoint->request(r.method, r.relative_uri, std::move(r.body));
      if (!req)
        return api_reply::fail(req.error());
      return ask_out(self, endpoint, std::move(*req), endpoint->retry(), true);
    },
    [=](crash_atom, bool jobs_only) -> bool {
      if (!self->state.services->test_hooks)
        return false;
      if (!jobs_only)
        throw std::runtime_error("engine crashed on request (test hook)");
      for (const auto& [key, flow] : self->state.flows)
        caf::anon_send(flow.actor, crash_atom::value);
      return true;
    },
    [=](code_atom, std::uint64_t tag, user_code_answer& answer) {
      auto& calls = self->state.code_calls;
      auto it = calls.find(tag);
      if (it == calls.end())
        return;
      auto [rp, reply_of] = std::move(it->second);
      calls.erase(it);
      rp.deliver(reply_of(answer));
    },
    [=](http_atom, std::uint64_t tag, outbound_response& resp) {
      auto& calls = self->state.calls;
      auto it = calls.find(tag);
      if (it == calls.end())
        return;
      auto [rp, endpoint, proxy] = std::move(it->second);
      calls.erase(it);
      if (proxy && resp.transport_error.empty()) {
        api_reply r = api_reply::json(api_status::ok, std::move(resp.body));
        r.raw_status = static_cast<std::uint16_t>(resp.status);
        auto type = find_header(resp.headers, "Content-Type");
        r.content_type = type.empty() ? "application/octet-stream" : std::string(type);
        rp.deliver(std::move(r));
      } else if (proxy) {
        rp.deliver(api_reply::fail(make_api_error(error_code::proxy_failed,
                                                  resp.transport_error, "")));
      } else if (auto why = endpoint->ping_failure(resp))
        rp.deliver(api_reply::fail(make_api_error(error_code::ping_failed, *why, "")));
      else
        rp.deliver(api_reply::json(api_status::ok, R"({"code":200})"));
    },
  };
}

}  // namespace

engine_actor spawn_engine(caf::actor_system& sys) {
  return sys.spawn(engine_impl, spawn_tag{});
}

}  // namespace integrator
