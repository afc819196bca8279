#include "actors/catalogue.hpp"

#include <caf/all.hpp>

#include "actors/interfaces.hpp"

namespace integrator {

void add_message_types(caf::actor_system_config& cfg) {
  cfg.add_message_type<api_error>("integrator.api_error");
  cfg.add_message_type<access_scope>("integrator.access_scope");
  cfg.add_message_type<principal>("integrator.principal");
  cfg.add_message_type<api_call>("integrator.api_call");
  cfg.add_message_type<api_reply>("integrator.api_reply");
  cfg.add_message_type<write_batch>("integrator.write_batch");
  cfg.add_message_type<registry_actor>("integrator.registry_actor");
  cfg.add_message_type<rate_bucket_actor>("integrator.rate_bucket_actor");
  cfg.add_message_type<account_shard_actor>("integrator.account_shard_actor");
  cfg.add_message_type<account_store_actor>("integrator.account_store_actor");
  cfg.add_message_type<edge_actor>("integrator.edge_actor");
}

}  // namespace integrator
