#pragma once
// The node's supervisor: spawns the registry, the engine and the account
// shards, monitors them and respawns any that dies for a reason other than
// a shutdown, naming each incarnation (actors/local_names.hpp). It
// restarts within limits (core/util/restart_intensity.hpp): one restart too
// many (a child that keeps failing, such as a registry that cannot load its
// store) stops its children and itself, says why on stderr, and calls
// `gave_up`, which stops the node. Sending it an exit message
// (user_shutdown) stops its children, then itself.
//
// spawn_supervisor returns once every actor is named.

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "actors/node_services.hpp"

namespace integrator {

/// What the supervisor tolerates, and whom it tells when it gives up.
struct supervision {
  /// At most this many restarts of children within `period` (Erlang/OTP's
  /// intensity).
  std::size_t intensity = 5;
  std::chrono::milliseconds period{10000};
  /// Called once, on an actor thread, with the reason, when it gives up.
  std::function<void(const std::string&)> gave_up;
};

/// `sys` is made from a node_config whose services are set.
caf::actor spawn_supervisor(caf::actor_system& sys, std::size_t shard_count, supervision limits = {});

}  // namespace integrator
