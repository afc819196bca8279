#include "actors/local_names.hpp"

#include <caf/actor_registry.hpp>
#include <caf/actor_system.hpp>
#include <caf/atom.hpp>

#include "actors/account_shard.hpp"

namespace integrator {

namespace {

// Names of at most 10 characters (CAF atoms), prefixed so that they meet
// none of CAF's own.
constexpr auto registry_name = caf::atom("ig_regis");
constexpr auto engine_name = caf::atom("ig_engine");
constexpr std::size_t max_shards = 100;  // "ig_shard" and two digits

caf::atom_value shard_name(std::size_t index) {
  return caf::atom_from_string("ig_shard" + std::to_string(index));
}

}  // namespace

registry_actor current_registry(caf::actor_system& sys) {
  return sys.registry().get<registry_actor>(registry_name);
}

engine_actor current_engine(caf::actor_system& sys) {
  return sys.registry().get<engine_actor>(engine_name);
}

account_shard_actor current_shard(caf::actor_system& sys, std::size_t index) {
  if (index >= max_shards)
    return {};
  return sys.registry().get<account_shard_actor>(shard_name(index));
}

account_shard_actor shard_for(caf::actor_system& sys, const std::string& account_id, std::size_t shards) {
  return current_shard(sys, shard_index(account_id, shards));
}

// Erased first: a name is given to each new incarnation, and the registry
// need not replace what it holds.
template <class Handle>
void name(caf::actor_system& sys, caf::atom_value key, const Handle& actor) {
  sys.registry().erase(key);
  sys.registry().put(key, actor);
}

void name_registry(caf::actor_system& sys, const registry_actor& registry) {
  name(sys, registry_name, registry);
}

void name_engine(caf::actor_system& sys, const engine_actor& engine) {
  name(sys, engine_name, engine);
}

void name_shard(caf::actor_system& sys, std::size_t index, const account_shard_actor& shard) {
  if (index < max_shards)
    name(sys, shard_name(index), shard);
}

void forget_names(caf::actor_system& sys) {
  sys.registry().erase(registry_name);
  sys.registry().erase(engine_name);
  for (std::size_t i = 0; i < max_shards && current_shard(sys, i); ++i)
    sys.registry().erase(shard_name(i));
}

}  // namespace integrator
