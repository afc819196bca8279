#pragma once
// This node's part in a cluster, for integratord's main: publishes its door
// on the cluster port (TLS), checks that it may join (a live peer answers
// it over TLS, unless it is the first), writes its first heartbeat and
// keeps beating (membership_keeper). Its end stops beating; leave() then
// removes its row, so the others need not wait for the timeout to take
// over its flows (main first marks the jobs it ran to resume: hand_over_jobs).

#include <caf/fwd.hpp>

#include <memory>
#include <string>

#include "cluster/cluster_settings.hpp"
#include "cluster/membership_keeper.hpp"
#include "cluster/node_door.hpp"

namespace integrator {

class cluster_node {
public:
  /// Joins; throws std::runtime_error saying why it cannot. `api` is
  /// HOST:PORT of this node's API, shown to operators.
  cluster_node(caf::actor_system& sys, std::shared_ptr<document_store> store, cluster_settings settings,
               const std::string& api, std::shared_ptr<cluster_view> view);
  /// Stops beating and closes the door (the row stays until leave()).
  ~cluster_node();

  /// Removes node `id`'s membership row: the others count it gone at once.
  static void leave(document_store& store, const std::string& id);

  cluster_node(const cluster_node&) = delete;
  cluster_node& operator=(const cluster_node&) = delete;

  const std::string& id() const { return self_.id; }
  /// HOST:PORT the other nodes reach it at.
  const std::string& address() const { return self_.address; }
  /// Its membership row (for a last heartbeat after it stopped beating).
  const node_record& record() const { return self_; }

private:
  std::shared_ptr<document_store> store_;
  cluster_settings settings_;
  node_record self_;
  node_door_actor door_;
  membership_keeper_actor keeper_;
};

}  // namespace integrator
