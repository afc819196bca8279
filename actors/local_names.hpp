#pragma once
// Where the current incarnations of a node's long-lived actors are: CAF's
// own actor registry of the node's actor system, under fixed names. The
// supervisor names an actor when it (re)spawns it; the HTTP frontend, the
// node's door and the actors that need the registry, the engine or an
// account's shard look it up by name per call, so a restarted actor is used
// from the next call on. Nothing is handed around: each looks in its own
// actor system (another node's actors are reached through its door).

#include <caf/fwd.hpp>

#include <cstddef>
#include <string>

#include "actors/interfaces.hpp"

namespace integrator {

registry_actor current_registry(caf::actor_system& sys);
engine_actor current_engine(caf::actor_system& sys);
/// The shard at `index`; nullptr past the last.
account_shard_actor current_shard(caf::actor_system& sys, std::size_t index);
/// The shard of `shards` that owns `account_id`.
account_shard_actor shard_for(caf::actor_system& sys, const std::string& account_id, std::size_t shards);

void name_registry(caf::actor_system& sys, const registry_actor& registry);
void name_engine(caf::actor_system& sys, const engine_actor& engine);
void name_shard(caf::actor_system& sys, std::size_t index, const account_shard_actor& shard);

/// Drops every name. A detached actor's thread ends only once its last
/// strong handle is gone, so the supervisor forgets them at shutdown.
void forget_names(caf::actor_system& sys);

}  // namespace integrator
