#include "actors/flow_runner.hpp"

#include <caf/all.hpp>

#include <deque>

#include "actors/job_runner.hpp"

namespace integrator {

namespace {

struct flow_state {
  std::shared_ptr<const node_services> services;
  engine_store_actor store;
  engine_actor engine;
  std::string account;
  std::string flow_id;
  std::deque<std::string> queue;
  std::string running_id;
  job_actor running;
  std::uint64_t runs = 0;  ///< run messages received, for the idle handshake
  static inline const char* name = "flow";
};

using flow_ptr = flow_actor::stateful_pointer<flow_state>;

void start_next(flow_ptr self) {
  auto& st = self->state;
  if (st.running)
    return;
  if (st.queue.empty()) {
    // Idle: ask the engine to forget us. Quitting here would lose a run
    // the engine sent before it learned we were gone.
    self->send(st.engine, idle_atom::value, st.account, st.flow_id, st.runs);
    return;
  }
  st.running_id = st.queue.front();
  st.queue.pop_front();
  st.running = spawn_job(self, st.services, st.store, st.account, st.flow_id, st.running_id,
                         caf::actor_cast<flow_actor>(self));
  self->monitor(st.running);
}

flow_actor::behavior_type flow_impl(flow_ptr self, std::shared_ptr<const node_services> services,
                                    engine_store_actor store, engine_actor engine,
                                    std::string account, std::string flow_id) {
  auto& st = self->state;
  st.engine = std::move(engine);
  st.services = std::move(services);
  st.store = std::move(store);
  st.account = std::move(account);
  st.flow_id = std::move(flow_id);
  // A job is linked (so it stops with us) and monitored (so we learn how
  // it ended): its exit is handled by the down handler, not by dying, even
  // when the exit comes after the down message has cleared `running`.
  // Only the engine's exit takes us with it.
  self->set_exit_handler([=](caf::exit_msg& msg) {
    if (msg.source == self->state.engine.address() && msg.reason)
      self->quit(msg.reason);
  });
  self->set_down_handler([=](caf::down_msg& msg) {
    auto& st = self->state;
    if (msg.source != st.running.address())
      return;
    if (msg.reason && msg.reason != caf::exit_reason::user_shutdown)
      // The job's actor died without ending its job: end it here.
      self->request(st.store, caf::infinite, fail_atom::value, st.account, st.running_id,
                    "the job stopped unexpectedly: " + caf::to_string(msg.reason))
        .then([](const api_error&) {});
    st.running = nullptr;
    st.running_id.clear();
    start_next(self);
  });
  return {
    [=](run_atom, const std::string& job_id) {
      ++self->state.runs;
      self->state.queue.push_back(job_id);
      start_next(self);
    },
    [=](idle_atom) {
      // The engine has forgotten us, so nothing more can come.
      self->quit();
    },
    [=](chain_atom, const std::string& next_flow) {
      // To the engine: this actor may go idle (and quit) before it is done.
      self->send(self->state.engine, chain_atom::value, self->state.account, next_flow);
    },
    [=](crash_atom) {
      if (self->state.running)
        self->send(self->state.running, crash_atom::value);
    },
    [=](cancel_atom, const std::string& job_id) -> caf::result<api_reply> {
      auto& st = self->state;
      auto rp = self->make_response_promise<api_reply>();
      if (job_id == st.running_id && st.running) {
        self->request(st.running, caf::infinite, cancel_atom::value)
          .then([rp](api_reply& r) mutable { rp.deliver(std::move(r)); });
        return rp;
      }
      std::erase(st.queue, job_id);
      cancel_in_store(self, st.store, st.account, job_id, rp);
      return rp;
    },
  };
}

}  // namespace

flow_actor spawn_flow(caf::local_actor* parent, std::shared_ptr<const node_services> services,
                      engine_store_actor store, engine_actor engine, std::string account,
                      std::string flow_id) {
  return parent->spawn<caf::linked>(flow_impl, std::move(services), std::move(store),
                                    std::move(engine), std::move(account), std::move(flow_id));
}

}  // namespace integrator
