#pragma once
// A node's door: the one actor each cluster node publishes on its cluster
// port (CAF's BASP over TLS), through which the other nodes reach it. It
// lives as long as the node, while the actors behind it (engine, registry)
// may be restarted by their supervisor.

#include <caf/fwd.hpp>
#include <caf/typed_actor.hpp>
#include <caf/replies_to.hpp>

#include <string>

#include "actors/catalogue.hpp"
#include "cluster/cluster_settings.hpp"

namespace integrator {

using node_door_actor = caf::typed_actor<
  // → the node's id: who answers at this address
  caf::replies_to<ping_atom>::with<std::string>>;

node_door_actor spawn_node_door(caf::actor_system& sys, std::string node_id);

/// Publishes `door` on the cluster port over TLS; the bound port, or why not.
caf::expected<std::uint16_t> publish_door(const node_door_actor& door, const cluster_settings& settings);

/// Connects to the door at HOST:PORT over TLS (blocks up to CAF's connect
/// time; call from a detached actor or main). Fails when the TLS handshake
/// does: a certificate the cluster's CA did not sign, on either side.
caf::expected<node_door_actor> connect_door(caf::actor_system& sys, const std::string& host_port);

}  // namespace integrator
