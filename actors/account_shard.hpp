#pragma once
// Spawns an account shard (see interfaces.hpp): the resource operations (core/api/operations.hpp) for
// the accounts that map to it. The shard itself is event-based and answers
// reads from the store's memory-only view (memtables and block cache, no
// I/O); writes, and reads that would touch the disk, go to its detached
// worker, which runs them in arrival order, so an account's writes stay
// serialized and blocking calls stay off the cooperative scheduler.

#include <caf/fwd.hpp>

#include <memory>
#include <string>
#include <vector>

#include "actors/interfaces.hpp"
#include "actors/node_services.hpp"

namespace integrator {

/// Finds the node's engine by name (local_names.hpp), for calls that start
/// or stop jobs or reach out to a connection.
account_shard_actor spawn_account_shard(caf::actor_system& sys);

/// The shard of `account_id` among `shard_count` (stable: FNV-1a).
std::size_t shard_index(const std::string& account_id, std::size_t shard_count);

}  // namespace integrator
