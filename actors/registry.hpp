#pragma once
// Spawns the registry actor (see interfaces.hpp): accounts, tokens, the
// operator API and one rate bucket per account.

#include <caf/fwd.hpp>

#include <memory>

#include "actors/actor_directory.hpp"
#include "actors/interfaces.hpp"
#include "actors/node_services.hpp"

namespace integrator {

/// Event-based; spawns its own detached account store and answers nothing
/// before the accounts and tokens are loaded.
/// `directory` tells it which shard serves an account.
registry_actor spawn_registry(caf::actor_system& sys, std::shared_ptr<const node_services> services,
                              std::shared_ptr<const actor_directory> directory);

}  // namespace integrator
