#pragma once
// The node's supervisor: spawns the registry and the account shards,
// monitors them and respawns any that dies for a reason other than a
// shutdown, publishing each incarnation in the actor_directory. Sending it
// an exit message (user_shutdown) stops its children, then itself.
//
// spawn_supervisor returns once the directory holds every actor.

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include <memory>

#include "actors/actor_directory.hpp"
#include "actors/node_services.hpp"

namespace integrator {

caf::actor spawn_supervisor(caf::actor_system& sys, std::shared_ptr<const node_services> services,
                            std::shared_ptr<actor_directory> directory, std::size_t shard_count);

}  // namespace integrator
