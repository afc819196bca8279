#include "actors/actor_directory.hpp"

#include "actors/account_shard.hpp"

namespace integrator {

account_shard_actor actor_directory::shard_for(const std::string& account_id) const {
  std::lock_guard<std::mutex> guard(mutex_);
  if (shards_.empty())
    return {};
  return shards_[shard_index(account_id, shards_.size())];
}

}  // namespace integrator
