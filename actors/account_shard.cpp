#include "actors/account_shard.hpp"

#include <caf/all.hpp>

#include "core/resource_service.hpp"

namespace integrator {

namespace {

struct shard_state {
  std::shared_ptr<const node_services> services;
  std::optional<resource_service> service;
  static inline const char* name = "account_shard";
};

account_shard_actor::behavior_type
shard_impl(account_shard_actor::stateful_pointer<shard_state> self,
           std::shared_ptr<const node_services> services) {
  self->state.services = services;
  self->state.service.emplace(*services->store, *services->box, services->validation,
                              make_id_generator());
  return {
    [=](exec_atom, const principal& who, const api_call& call) -> api_reply {
      // Exceptions stop here: the reply is an error, the actor lives on.
      try {
        return self->state.service->handle(who.account_id, who.scope, call, wall_clock_ms());
      } catch (const std::exception& e) {
        return api_reply::fail(make_api_error(errc::internal, std::string("internal error: ") + e.what()));
      }
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
  return sys.spawn<caf::detached>(shard_impl, std::move(services));
}

std::size_t shard_index(const std::string& account_id, std::size_t shard_count) {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : account_id)
    h = (h ^ c) * 1099511628211ULL;
  return shard_count ? static_cast<std::size_t>(h % shard_count) : 0;
}

}  // namespace integrator
