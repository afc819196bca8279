#pragma once
// The flow engine of a node (interfaces.hpp engine_actor). It keeps one
// flow actor per flow with runs (its queue: one job at a time, later runs
// wait), and each flow actor one job actor per running job, which spawns
// the job's stages (stages.hpp). Linked to its flow actors, so if the
// engine dies they die too; the supervisor restarts it, and the restart
// ends their jobs failed ("interrupted") and runs queued jobs again.

#include <caf/fwd.hpp>

#include <memory>

#include "actors/interfaces.hpp"
#include "actors/node_services.hpp"

namespace integrator {

engine_actor spawn_engine(caf::actor_system& sys, std::shared_ptr<const node_services> services);

/// One job: loads and compiles its flow, runs the stages, keeps and
/// persists the counts (one write per page), ends the job. Messages:
/// (cancel_atom) → api_reply; stage reports; (end_atom) from the last stage.
/// `flow`: the flow actor, told (chain_atom, flow id) of each flow to run
/// after a completed run (_runNextFlowIds).
caf::actor spawn_job(caf::local_actor* parent, std::shared_ptr<const node_services> services,
                     caf::actor store, std::string account, std::string flow_id, std::string job_id,
                     caf::actor flow);

}  // namespace integrator
