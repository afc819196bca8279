#include "actors/cluster_view.hpp"

#include "core/util/rendezvous.hpp"

namespace integrator {

void cluster_view::update(std::vector<std::string> live, std::map<std::string, node_door_actor> doors) {
  std::lock_guard<std::mutex> guard(mutex_);
  live_ = std::move(live);
  doors_ = std::move(doors);
}

node_door_actor cluster_view::door_for(const std::string& key) const {
  std::lock_guard<std::mutex> guard(mutex_);
  auto owner = rendezvous_owner(key, live_);
  if (owner.empty() || owner == self_)
    return {};
  auto it = doors_.find(owner);
  return it == doors_.end() ? node_door_actor{} : it->second;
}

node_door_actor cluster_view::door_elsewhere(const std::string& key) const {
  std::lock_guard<std::mutex> guard(mutex_);
  std::vector<std::string> others;
  for (const auto& id : live_)
    if (id != self_ && doors_.count(id))
      others.push_back(id);
  auto owner = rendezvous_owner(key, others);
  return owner.empty() ? node_door_actor{} : doors_.at(owner);
}

node_door_actor cluster_view::door_of(const std::string& id) const {
  std::lock_guard<std::mutex> guard(mutex_);
  auto it = doors_.find(id);
  return it == doors_.end() ? node_door_actor{} : it->second;
}

void cluster_view::introduce(const std::string& id, node_door_actor door) {
  std::lock_guard<std::mutex> guard(mutex_);
  introduced_[id] = std::move(door);
}

void cluster_view::forget(const std::string& id) {
  std::lock_guard<std::mutex> guard(mutex_);
  introduced_.erase(id);
  doors_.erase(id);
}

node_door_actor cluster_view::introduced(const std::string& id) const {
  std::lock_guard<std::mutex> guard(mutex_);
  auto it = introduced_.find(id);
  return it == introduced_.end() ? node_door_actor{} : it->second;
}

}  // namespace integrator
