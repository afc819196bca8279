#include "actors/account_shard.hpp"

#include <caf/all.hpp>

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
  static inline const char* name = "account_shard_worker";
};

account_shard_actor::behavior_type
worker_impl(account_shard_actor::stateful_pointer<worker_state> self,
            std::shared_ptr<const node_services> services) {
  self->state.service.emplace(*services->store, *services->box, services->validation,
                              make_id_generator());
  return {
    [=](exec_atom, const principal& who, const api_call& call) -> api_reply {
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
           std::shared_ptr<const node_services> services) {
  auto& st = self->state;
  st.services = services;
  if (services->memory_view)
    st.fast.emplace(*services->memory_view, *services->box, services->validation,
                    make_id_generator());
  // One worker per shard keeps each account's writes in arrival order; it
  // shares the shard's fate.
  st.worker = self->spawn<caf::detached + caf::linked>(worker_impl, services);
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
                                        std::shared_ptr<const node_services> services) {
  return sys.spawn(shard_impl, std::move(services));
}

std::size_t shard_index(const std::string& account_id, std::size_t shard_count) {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : account_id)
    h = (h ^ c) * 1099511628211ULL;
  return shard_count ? static_cast<std::size_t>(h % shard_count) : 0;
}

}  // namespace integrator
