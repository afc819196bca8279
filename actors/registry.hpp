#pragma once
// Spawns the registry actor (see interfaces.hpp): accounts, tokens, the
// operator API and one rate bucket per account.

#include <caf/fwd.hpp>

#include <memory>

#include "actors/interfaces.hpp"
#include "actors/node_services.hpp"

namespace integrator {

/// Event-based; spawns its own detached account store and answers nothing
/// before the accounts and tokens are loaded.
/// It finds the shard (of `shards`) that serves an account by name
/// (local_names.hpp).
registry_actor spawn_registry(caf::actor_system& sys, std::size_t shards);

}  // namespace integrator
