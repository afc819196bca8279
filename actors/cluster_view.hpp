#pragma once
// What a cluster node knows of the others, for placing work: the live
// nodes (its membership keeper refreshes them every second) and the door of
// each one it holds a TLS connection to. Rendezvous hashing over the live
// set names where a key (a flow's lease, an account's bucket) belongs; the
// lease in the store stays the authority on who runs it (a view may be a
// second old).

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "actors/interfaces.hpp"

namespace integrator {

class cluster_view {
public:
  explicit cluster_view(std::string self) : self_(std::move(self)) {}

  const std::string& self() const { return self_; }

  /// The keeper's beat: the live node ids (this one among them) and the
  /// doors it holds.
  void update(std::vector<std::string> live, std::map<std::string, node_door_actor> doors);

  /// Where `key` belongs: a peer's door, or nullptr when it is this node's
  /// (or its node is not reachable yet: then this node does it, and the
  /// lease decides).
  node_door_actor door_for(const std::string& key) const;

  /// Where a stage of this node's job goes when imports are spread: a
  /// peer's door by rendezvous hashing of `key` over the other live nodes
  /// this node holds a door of; nullptr when there is none.
  node_door_actor door_elsewhere(const std::string& key) const;

  /// Import stages this node has run for jobs of other nodes (counted as
  /// they start), for the operator's view of the cluster.
  void hosted_stage() { ++hosted_stages_; }
  std::int64_t hosted_stages() const { return hosted_stages_.load(); }

  /// The door of node `id`, nullptr when this node holds none.
  node_door_actor door_of(const std::string& id) const;

  /// A node that started after this one connected to it and introduced its
  /// door (over that one connection: CAF's BASP keeps one per pair of nodes,
  /// and a second one from the other side would leave messages unrouted).
  void introduce(const std::string& id, node_door_actor door);
  node_door_actor introduced(const std::string& id) const;
  /// Drops what is known of node `id`'s door (it stopped answering).
  void forget(const std::string& id);

private:
  const std::string self_;
  mutable std::mutex mutex_;
  std::vector<std::string> live_;
  std::map<std::string, node_door_actor> doors_;
  std::map<std::string, node_door_actor> introduced_;
  std::atomic<std::int64_t> hosted_stages_{0};
};

}  // namespace integrator
