#include "actors/flow_runner.hpp"

#include <caf/all.hpp>

#include <algorithm>
#include <chrono>
#include <deque>
#include <map>

#include "actors/cluster_view.hpp"
#include "actors/job_runner.hpp"
#include "core/engine/ownership.hpp"
#include "core/engine/run_queue.hpp"

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
  // In a cluster, a flow's jobs run only under its lease (one flow actor
  // in the whole cluster runs them); held from the first run to idleness.
  std::optional<lease_fence> lease;
  bool claiming = false;  ///< asking for the lease (and taking over after)
  bool adopt = false;     ///< once held, take up what its last holder left
  std::map<std::string, int> resumed;  ///< job id → times run again after losing a stage
  /// Cancels asked of this actor and not yet answered: an idle actor the
  /// engine has forgotten (`forgotten`) quits only after the last, or its
  /// caller would wait for an answer that never comes.
  int cancels_out = 0;
  bool forgotten = false;
  static inline const char* name = "flow";
};

using flow_ptr = flow_actor::stateful_pointer<flow_state>;

/// How often a job that lost a stage on another node is run again.
constexpr int max_resumes = 3;

void start_next(flow_ptr self);

// Asks for the flow's lease. Held: runs its queue (after taking up what a
// dead or stopped holder left). Another live node holds it: the runs go
// there. Neither (a race, the store away): asks again soon.
void claim(flow_ptr self) {
  auto& st = self->state;
  if (std::exchange(st.claiming, true))
    return;
  auto name = flow_lease_name(st.account, st.flow_id);
  auto again = [=](std::chrono::milliseconds after) {
    self->state.claiming = false;
    self->delayed_send(self, after, lease_atom::value);
  };
  self->request(st.store, caf::infinite, lease_atom::value, name, true)
    .then(
      [=](std::int64_t epoch, const std::string& who) {
        auto& st = self->state;
        if (epoch > 0) {
          st.lease = lease_fence{name, lease{epoch, st.services->node_id}};
          if (who.empty() && !std::exchange(st.adopt, false)) {
            st.claiming = false;
            start_next(self);
            return;
          }
          st.adopt = false;
          self->request(st.store, caf::infinite, adopt_atom::value, st.account, st.flow_id)
            .then([=](const std::vector<job_ref>& left) {
                    auto& st = self->state;
                    st.queue = left_runs_first(left, std::move(st.queue), st.running_id);
                    self->state.claiming = false;
                    start_next(self);
                  },
                  [=](caf::error&) {
                    // Held, but its jobs not settled: give it up and try again.
                    self->send(self->state.store, release_atom::value, name, epoch);
                    self->state.lease.reset();
                    self->state.adopt = true;
                    again(std::chrono::seconds(1));
                  });
          return;
        }
        if (auto door = st.services->cluster->door_of(who)) {
          for (const auto& id : st.queue)
            self->send(door, run_atom::value, job_ref{st.account, st.flow_id, id});
          st.queue.clear();
          st.adopt = false;
          st.claiming = false;
          start_next(self);
          return;
        }
        again(std::chrono::milliseconds(500));
      },
      [=](caf::error&) { again(std::chrono::seconds(1)); });
}

void start_next(flow_ptr self) {
  auto& st = self->state;
  if (st.running || st.claiming)
    return;
  if (st.services->cluster && !st.lease && (st.adopt || !st.queue.empty())) {
    claim(self);
    return;
  }
  if (st.queue.empty()) {
    // Nothing runs under the lease any more: another node may take it.
    if (st.lease)
      self->send(st.store, release_atom::value, st.lease->name, st.lease->held.epoch);
    st.lease.reset();
    // Idle: ask the engine to forget us. Quitting here would lose a run
    // the engine sent before it learned we were gone.
    self->send(st.engine, idle_atom::value, st.account, st.flow_id, st.runs);
    return;
  }
  st.running_id = st.queue.front();
  st.queue.pop_front();
  st.running = spawn_job(self, st.store, st.account, st.flow_id, st.running_id,
                         caf::actor_cast<flow_actor>(self), st.lease);
  self->monitor(st.running);
}

flow_actor::behavior_type flow_impl(flow_ptr self, engine_store_actor store, engine_actor engine,
                                    std::string account, std::string flow_id) {
  auto& st = self->state;
  st.engine = std::move(engine);
  st.services = services_of(self->system());
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
      auto& st = self->state;
      ++st.runs;
      if (job_id.empty())
        st.adopt = !st.lease;  // a holder's own leftovers were taken up when it took the lease
      else if (job_id != st.running_id && std::find(st.queue.begin(), st.queue.end(), job_id) == st.queue.end())
        st.queue.push_back(job_id);
      start_next(self);
    },
    [=](lease_atom) {
      // From the running job: a fenced write found the lease moved on.
      auto& st = self->state;
      if (st.running && self->current_sender() == st.running.address())
        st.lease.reset();
      start_next(self);
    },
    [=](resume_atom, const std::string& job_id) {
      // From the running job, which stops next: it goes on first, a few
      // times at most (a node that keeps failing its stages must not hold
      // the flow forever).
      auto& st = self->state;
      if (!st.running || self->current_sender() != st.running.address())
        return;
      if (++st.resumed[job_id] <= max_resumes) {
        st.queue.push_front(job_id);
        return;
      }
      st.resumed.erase(job_id);
      self->request(st.store, caf::infinite, fail_atom::value, st.account, job_id,
                    "lost a step on another node " + std::to_string(max_resumes + 1)
                      + " times; run the flow again")
        .then([](const api_error&) {});
    },
    [=](idle_atom) {
      // The engine has forgotten us, so nothing more can come.
      if (self->state.cancels_out > 0) {
        self->state.forgotten = true;
        return;
      }
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
      ++st.cancels_out;
      auto answered = [self] {
        auto& st = self->state;
        if (--st.cancels_out == 0 && st.forgotten)
          self->quit();
      };
      if (job_id == st.running_id && st.running) {
        // A job that ends before it answers has settled its state: the
        // store says how it stands (an unanswered request must not take
        // this actor down with CAF's default error handler).
        self->request(st.running, caf::infinite, cancel_atom::value)
          .then([rp, answered](api_reply& r) mutable {
                  rp.deliver(std::move(r));
                  answered();
                },
                [=](caf::error&) mutable {
                  cancel_in_store(self, self->state.store, self->state.account, job_id, rp, answered);
                });
        return rp;
      }
      std::erase(st.queue, job_id);
      cancel_in_store(self, st.store, st.account, job_id, rp, answered);
      return rp;
    },
  };
}

}  // namespace

flow_actor spawn_flow(caf::local_actor* parent, engine_store_actor store, engine_actor engine, std::string account,
                      std::string flow_id) {
  return parent->spawn<caf::linked>(flow_impl, std::move(store),
                                    std::move(engine), std::move(account), std::move(flow_id));
}

}  // namespace integrator
