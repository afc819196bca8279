#pragma once
// Where the current incarnations of the node's long-lived actors are. The
// supervisor writes it when it (re)spawns an actor; the HTTP frontend reads
// it per request, so a restarted actor is used from the next request on.

#include <mutex>
#include <string>
#include <vector>

#include "actors/interfaces.hpp"

namespace integrator {

class actor_directory {
public:
  registry_actor registry() const {
    std::lock_guard<std::mutex> guard(mutex_);
    return registry_;
  }

  engine_actor engine() const {
    std::lock_guard<std::mutex> guard(mutex_);
    return engine_;
  }

  void set_engine(engine_actor e) {
    std::lock_guard<std::mutex> guard(mutex_);
    engine_ = std::move(e);
  }

  /// The shard that owns `account_id`.
  account_shard_actor shard_for(const std::string& account_id) const;

  /// The shard at `index` (for tests and hooks).
  account_shard_actor shard(std::size_t index) const {
    std::lock_guard<std::mutex> guard(mutex_);
    return index < shards_.size() ? shards_[index] : account_shard_actor{};
  }

  void set_registry(registry_actor r) {
    std::lock_guard<std::mutex> guard(mutex_);
    registry_ = std::move(r);
  }

  void set_shard(std::size_t index, account_shard_actor s) {
    std::lock_guard<std::mutex> guard(mutex_);
    if (shards_.size() <= index)
      shards_.resize(index + 1);
    shards_[index] = std::move(s);
  }

  /// Drops every handle. A detached actor's thread ends only once its last
  /// strong handle is gone, so the supervisor clears this at shutdown.
  void clear() {
    std::lock_guard<std::mutex> guard(mutex_);
    registry_ = nullptr;
    engine_ = nullptr;
    shards_.clear();
  }

private:
  mutable std::mutex mutex_;
  registry_actor registry_;
  engine_actor engine_;
  std::vector<account_shard_actor> shards_;
};

}  // namespace integrator
