#include "actors/supervisor.hpp"

#include <caf/all.hpp>

#include <iostream>

#include "actors/account_shard.hpp"
#include "actors/engine.hpp"
#include "actors/local_names.hpp"
#include "actors/registry.hpp"
#include "core/util/restart_intensity.hpp"

namespace integrator {

namespace {

struct supervisor_state {
  std::shared_ptr<const node_services> services;
  std::optional<restart_intensity> budget;
  std::function<void(const std::string&)> gave_up;
  caf::actor_addr registry;
  caf::actor_addr engine;
  std::vector<caf::actor_addr> shards;
  bool stopping = false;
  static inline const char* name = "supervisor";
};

using supervisor_ptr = caf::stateful_actor<supervisor_state>*;

void start_registry(supervisor_ptr self) {
  auto r = spawn_registry(self->system(), self->state.shards.size());
  self->monitor(r);
  self->state.registry = caf::actor_cast<caf::actor_addr>(r);
  name_registry(self->system(), r);
}

void start_engine(supervisor_ptr self) {
  auto e = spawn_engine(self->system());
  self->monitor(e);
  self->state.engine = caf::actor_cast<caf::actor_addr>(e);
  name_engine(self->system(), e);
}

void start_shard(supervisor_ptr self, std::size_t i) {
  auto s = spawn_account_shard(self->system());
  self->monitor(s);
  self->state.shards[i] = caf::actor_cast<caf::actor_addr>(s);
  name_shard(self->system(), i, s);
}

// Stops every child, then the supervisor.
void stop_all(supervisor_ptr self, const caf::error& reason) {
  auto& st = self->state;
  st.stopping = true;
  auto& sys = self->system();
  self->send_exit(current_registry(sys), reason);
  self->send_exit(current_engine(sys), reason);
  for (std::size_t i = 0; i < st.shards.size(); ++i)
    self->send_exit(current_shard(sys, i), reason);
  forget_names(sys);
  self->quit(reason);
}

std::chrono::milliseconds steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
    std::chrono::steady_clock::now().time_since_epoch());
}

caf::behavior supervisor_impl(supervisor_ptr self, std::size_t shards,
                              supervision limits) {
  self->state.budget.emplace(limits.intensity, limits.period);
  self->state.gave_up = std::move(limits.gave_up);
  self->state.services = services_of(self->system());
  self->state.shards.resize(shards);
  start_registry(self);
  if (self->state.services->outbound)
    start_engine(self);
  for (std::size_t i = 0; i < shards; ++i)
    start_shard(self, i);
  self->set_down_handler([=](caf::down_msg& msg) {
    auto& st = self->state;
    if (st.stopping)
      return;
    auto what = "actor " + caf::to_string(msg.source) + " stopped (" + caf::to_string(msg.reason) + ")";
    if (!st.budget->allow(steady_ms())) {
      auto why = what + ": more than " + std::to_string(st.budget->intensity()) + " restarts in "
                 + std::to_string(st.budget->period().count()) + " ms; something keeps failing, "
                 + "so the node stops instead of restarting it";
      std::cerr << "integratord: " << why << std::endl;
      stop_all(self, caf::make_error(caf::sec::runtime_error, why));
      if (st.gave_up)
        st.gave_up(why);
      return;
    }
    std::cerr << "integratord: " << what << "; restarting it" << std::endl;
    if (msg.source == st.registry) {
      start_registry(self);
      return;
    }
    if (msg.source == st.engine) {
      start_engine(self);
      return;
    }
    for (std::size_t i = 0; i < st.shards.size(); ++i)
      if (msg.source == st.shards[i])
        start_shard(self, i);
  });
  self->set_exit_handler([=](caf::exit_msg& msg) { stop_all(self, msg.reason); });
  return {
    // Answered once the children exist and the engine has recovered:
    // spawn_supervisor waits for it, and the node serves only then.
    [=](caf::ok_atom) -> caf::result<bool> {
      if (auto engine = current_engine(self->system()))
        return self->delegate(engine, caf::ok_atom::value);
      return true;
    },
  };
}

}  // namespace

caf::actor spawn_supervisor(caf::actor_system& sys, std::size_t shard_count, supervision limits) {
  auto sup = sys.spawn(supervisor_impl, shard_count, std::move(limits));
  // Callers look the actors up right away: wait until they are named.
  caf::scoped_actor self{sys};
  self->request(sup, std::chrono::seconds(30), caf::ok_atom::value)
    .receive([](bool) {},
             [](caf::error& e) {
               throw std::runtime_error("supervisor did not start: " + caf::to_string(e));
             });
  return sup;
}

}  // namespace integrator
