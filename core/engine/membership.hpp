#pragma once
// A cluster's membership, kept as rows of the shared store (space `nodes`,
// one row per node), after Orleans' SQL membership: each node writes its
// row with a heartbeat every second; a node whose heartbeat is older than
// the timeout (default 10 s) is dead, whatever it may still believe. Nodes
// compare heartbeats against their own clocks: keep them in sync (NTP).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/resources/document_store.hpp"

namespace integrator {

struct node_record {
  std::string id;       ///< unique per node process (a new start, a new id)
  std::string address;  ///< HOST:PORT of its cluster (CAF) endpoint
  std::string api;      ///< HOST:PORT of its API, for operators
  std::int64_t started_ms = 0;
  std::int64_t heartbeat_ms = 0;
  bool leaving = false;  ///< stopping: hands its work over, takes none
};

inline constexpr std::int64_t default_node_timeout_ms = 10'000;

/// The batch that writes `self`'s row (its heartbeat).
write_batch heartbeat_batch(const node_record& self);
/// The batch that removes `id`'s row (a clean stop).
write_batch leave_batch(const std::string& id);

/// Every row of `store`'s nodes space; a malformed row is skipped.
std::vector<node_record> read_nodes(document_store& store);

/// Ids of the nodes alive at `now_ms` and not leaving, sorted.
std::vector<std::string> live_node_ids(const std::vector<node_record>& nodes, std::int64_t now_ms,
                                       std::int64_t timeout_ms = default_node_timeout_ms);

/// Whether `id` is alive at `now_ms` (leaving nodes count: they still finish
/// what they run).
bool is_alive(const std::vector<node_record>& nodes, const std::string& id, std::int64_t now_ms,
              std::int64_t timeout_ms = default_node_timeout_ms);

/// {"self": id, "stagesHosted": n, "nodes": [{"_id", "address", "api",
/// "startedAt", "heartbeatAt", "alive", "leaving"}]}: GET
/// /admin/v1/cluster/nodes; `stages_hosted`: import stages the answering
/// node has run for other nodes' jobs since it started.
std::string nodes_json(const std::vector<node_record>& nodes, const std::string& self, std::int64_t now_ms,
                       std::int64_t timeout_ms = default_node_timeout_ms, std::int64_t stages_hosted = 0);

/// The row of `id`, if any.
std::optional<node_record> find_node(const std::vector<node_record>& nodes, const std::string& id);

}  // namespace integrator
