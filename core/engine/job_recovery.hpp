#pragma once
// What becomes of the jobs a previous run of the engine left behind.
//
// A clean shutdown leaves the flow runs still running to resume at the
// next start (marked so in their checkpoints) and ends the other jobs
// ("interrupted by shutdown"), so any other job found running when the
// engine starts was running when integratord crashed or was killed. Such
// a job counts the interruption and, the first time, resumes from its
// checkpoint (job_checkpoint.hpp; a flow run, not a retry, whose
// checkpoint was written); otherwise it ends failed. When the job or the flow's previous
// job was interrupted before, the flow itself may be what brings the
// server down (the last two crashes each came while it ran), so it is
// disabled, its queued runs are canceled and the job's error says why,
// rather than being run into the next crash while every other account
// waits for the restart.

#include <cstdint>
#include <string>
#include <vector>

#include "core/engine/job_model.hpp"
#include "core/resources/document_store.hpp"

namespace integrator {

class object_id_generator;

struct recovery {
  std::vector<job_ref> queued;       ///< to run again, oldest first
  std::vector<std::string> notices;  ///< what an operator should read in the log
};

/// At the engine's start: settles the jobs a previous run left.
recovery recover_jobs(document_store& store, std::int64_t now_ms, object_id_generator& ids);

/// In a cluster, a node that has just taken the lease of `flow` settles the
/// runs of that flow alone, as recover_jobs does for all: the jobs its last
/// holder left running (it died, or stopped) resume from their checkpoint,
/// queued ones run.
recovery recover_flow_jobs(document_store& store, const std::string& account, const std::string& flow,
                           std::int64_t now_ms, object_id_generator& ids);

/// One job_ref (job id "") per flow with a run not yet over (queued,
/// running or canceling): at a cluster node's start, the flows whose leases
/// it asks for, in case their holder is gone.
std::vector<job_ref> flows_with_unfinished_runs(document_store& store);

/// A cluster node's clean stop, once no job runs on it any more: the runs
/// of the flows whose lease names `node` are left as end_interrupted_jobs
/// leaves a single node's (a flow run with a checkpoint marked to resume,
/// not counted as an interruption; the others ended failed). The leases stay
/// its own: once its membership row is gone, the nodes the flows hash to
/// take them over and resume those runs.
void hand_over_jobs(document_store& store, const std::string& node, std::int64_t now_ms, object_id_generator& ids);

/// At a clean shutdown, once no job runs any more: marks the flow runs with
/// a checkpoint to resume at the next start, and ends the other jobs still
/// marked running or canceling failed ("interrupted by shutdown").
void end_interrupted_jobs(document_store& store, std::int64_t now_ms, object_id_generator& ids);

}  // namespace integrator
