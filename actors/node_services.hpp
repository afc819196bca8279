#pragma once
// What the actors of one node share: the store, the secret box and the
// settings they need. Held by the node's actor system (node_config) and
// found through it (services_of), never passed in spawns or messages, so a
// node's actors reach its local store without assuming where peers run.

#include <cstdint>
#include <memory>
#include <string>

#include <caf/actor_system_config.hpp>

#include "core/api/one_time_tokens.hpp"
#include "core/resources/change_feed.hpp"
#include "core/engine/script_logs.hpp"
#include "core/resources/document_store.hpp"
#include "core/util/leaky_bucket.hpp"
#include "core/util/secret_box.hpp"
#include "core/resources/validation.hpp"

namespace integrator {

class cluster_view;
class outbound_port;
class script_port;

struct node_services {
  std::shared_ptr<document_store> store;
  /// Writes other nodes make to `store` (a cluster's shared PostgreSQL);
  /// nullptr when no other process writes it.
  std::shared_ptr<change_feed> changes;
  /// This node's id in its cluster ("" alone), and when a silent node
  /// counts as dead.
  std::string node_id;
  std::int64_t node_timeout_ms = 10'000;
  /// In a cluster, where flows and buckets belong (rendezvous over the live
  /// nodes) and the doors to reach them; nullptr alone.
  std::shared_ptr<cluster_view> cluster;
  /// In a cluster: run each job's import steps on other nodes (rendezvous
  /// over the others by job and step), to take their outbound work off the
  /// node that runs the export (setting spread-imports).
  bool spread_imports = false;
  /// A view of `store` that never blocks (store_would_block instead), for
  /// reads on the cooperative scheduler; nullptr sends every read to the
  /// detached shard workers.
  std::shared_ptr<document_store> memory_view;
  /// Without a memory view, each shard's reads run on this many workers of
  /// their own beside its writer (0: on the writer).
  int store_readers = 0;
  std::shared_ptr<const secret_box> box;
  /// Hash of the operator token (core/secret_box.hpp token_hash).
  std::string operator_token_hash;
  /// Bucket of accounts without their own limit.
  bucket_limits default_limits;
  /// Validation hooks (time zones known to this machine).
  validation_context validation;
  /// Enables the crash test hooks.
  bool test_hooks = false;
  /// The engine's outbound HTTP (shared by every job of the node).
  std::shared_ptr<outbound_port> outbound;
  /// The tokens of calls to user code in progress: minted by whoever calls
  /// (core/api/one_time_tokens.hpp), authenticated by the registry.
  std::shared_ptr<one_time_tokens> one_time = std::make_shared<one_time_tokens>();
  /// Where scripts run (sandbox/script_pool.hpp); nullptr: nowhere, and a
  /// step whose hook is a script fails saying so.
  std::shared_ptr<script_port> scripts;
  /// What scripts log while their debugUntil is ahead (GET /scripts/{id}/logs).
  std::shared_ptr<script_logs> logs = std::make_shared<script_logs>();
  /// Actors whose calls block (the engine's store) or that run a tenant's
  /// configuration (a job's stages, standalone calls: spawn_work.hpp) run on
  /// threads of their own. Deterministic actor tests, whose scheduler runs
  /// everything on the test's thread, turn this off.
  bool detach = true;
  /// Pages a stage of a job may have in flight to the next (credit).
  std::int32_t pages_in_flight = 4;
  /// Job errors and their retry data are purged this long after they occur.
  std::int64_t error_retention_ms = 30LL * 24 * 3600 * 1000;
};

/// An actor system's configuration that carries its node's services (the
/// base of cluster/node_config.hpp). Set `services` before the first of
/// Integrator's actors is spawned: each finds them through its actor system
/// (services_of), so no spawn function takes a pointer to a node-local
/// service and every spawn argument could cross nodes.
class services_config : public caf::actor_system_config {
public:
  std::shared_ptr<const node_services> services;
};

/// The argument of an actor that needs none besides services_of: CAF 0.17
/// spawns a function-based actor without arguments by dereferencing a null
/// argument tuple (undefined behaviour, which UBSan stops at), so each such
/// spawn passes this instead.
struct spawn_tag {};

/// The services of the node that `sys` runs. `sys` must be made from a
/// services_config whose services are set.
const std::shared_ptr<const node_services>& services_of(caf::actor_system& sys);

/// Milliseconds since the Unix epoch, from the system clock.
std::int64_t wall_clock_ms();

/// Fresh random bytes for an ObjectId generator's process identity.
class object_id_generator make_id_generator();

}  // namespace integrator
