#pragma once
// One running job (engine_interfaces.hpp job_actor): loads the job and its
// flow's spec, compiles the plan (core/engine/flow_plan), spawns the stages,
// keeps the books (core/engine/job_ledger) and writes them as the write
// pacer says, flags a once export's pages as they get through, and on the
// end moves delta marks and chains _runNextFlowIds through its flow actor.
// A retry replays stored records (replay_stage.cpp) into the failed step and
// the steps after it; its last write also credits the parent job.
//
// Stages are linked to the job: a crashed stage fails the job. The job is
// linked to its flow actor, so a shutdown stops them all. In a cluster each
// of its writes is fenced by its flow's lease: a node that lost the lease
// (it was too slow to count as alive) stops the job without another write,
// and the lease's new holder resumes it.

#include <caf/fwd.hpp>

#include <memory>
#include <string>

#include "actors/engine_interfaces.hpp"
#include "actors/node_services.hpp"
#include "core/engine/ownership.hpp"

namespace integrator {

job_actor spawn_job(caf::local_actor* parent, engine_store_actor store, std::string account, std::string flow_id,
                    std::string job_id, flow_actor flow, std::optional<lease_fence> fence = std::nullopt);

}  // namespace integrator
