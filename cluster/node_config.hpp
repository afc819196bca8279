#pragma once
// Configuration of one node's actor system: the message catalogue, the
// scheduler size, the node's services, and (when clustering is enabled)
// the middleman. Every
// process that hosts Integrator actors builds its config here, so types
// are registered under the same names on every node.

#include <cstddef>

#include "actors/node_services.hpp"
#include "cluster/cluster_settings.hpp"

namespace integrator {

class node_config : public services_config {
public:
  /// `scheduler_threads`: threads of the cooperative scheduler.
  explicit node_config(std::size_t scheduler_threads = 1);

  /// Loads CAF's network layer (BASP) over TLS with `settings`' files:
  /// call before the actor system is made.
  void enable_cluster(const cluster_settings& settings);
};

}  // namespace integrator
