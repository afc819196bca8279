#pragma once
// A node's door: the one actor each cluster node publishes on its cluster
// port (CAF's BASP over TLS), through which the other nodes reach it. It
// lives as long as the node, while the actors behind it (engine, registry)
// may be restarted by their supervisor. Its interface (node_door_actor) is
// in actors/interfaces.hpp, so that actors can hold other nodes' doors.

#include <caf/fwd.hpp>

#include <memory>
#include <string>

#include "actors/cluster_view.hpp"
#include "actors/interfaces.hpp"
#include "cluster/cluster_settings.hpp"

namespace integrator {

/// Hands what comes in to the node's current engine and registry (found by
/// name: actors/local_names.hpp). Introductions go to `view`.
node_door_actor spawn_node_door(caf::actor_system& sys, std::string node_id, std::shared_ptr<cluster_view> view);

/// Publishes `door` on the cluster port over TLS; the bound port, or why not.
caf::expected<std::uint16_t> publish_door(const node_door_actor& door, const cluster_settings& settings);

/// Connects to the door at HOST:PORT over TLS (blocks up to CAF's connect
/// time; call from a detached actor or main). Fails when the TLS handshake
/// does: a certificate the cluster's CA did not sign, on either side.
caf::expected<node_door_actor> connect_door(caf::actor_system& sys, const std::string& host_port);

}  // namespace integrator
