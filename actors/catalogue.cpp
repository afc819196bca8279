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
  cfg.add_message_type<outbound_response>("integrator.outbound_response");
  cfg.add_message_type<job_spec>("integrator.job_spec");
  cfg.add_message_type<user_code_answer>("integrator.user_code_answer");
  cfg.add_message_type<job_counts>("integrator.job_counts");
  cfg.add_message_type<job_error_entry>("integrator.job_error_entry");
  cfg.add_message_type<stage_report>("integrator.stage_report");
  cfg.add_message_type<job_ref>("integrator.job_ref");
  cfg.add_message_type<record_page>("integrator.record_page");
  cfg.add_message_type<once_call>("integrator.once_call");
  cfg.add_message_type<std::vector<once_call>>("integrator.once_calls");
  cfg.add_message_type<cancel_request>("integrator.cancel_request");
  cfg.add_message_type<ping_request>("integrator.ping_request");
  cfg.add_message_type<proxy_request>("integrator.proxy_request");
  cfg.add_message_type<script_logs_request>("integrator.script_logs_request");
  cfg.add_message_type<connector_function_request>("integrator.connector_function_request");
  cfg.add_message_type<standalone_import>("integrator.standalone_import");
  cfg.add_message_type<standalone_export>("integrator.standalone_export");
  cfg.add_message_type<export_page>("integrator.export_page");
  cfg.add_message_type<preview_request>("integrator.preview_request");
  cfg.add_message_type<engine_actor>("integrator.engine_actor");
  cfg.add_message_type<node_door_actor>("integrator.node_door_actor");
  cfg.add_message_type<stage_placement>("integrator.stage_placement");
  cfg.add_message_type<import_stage_actor>("integrator.import_stage_actor");
}

}  // namespace integrator
