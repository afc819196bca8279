#pragma once
// The engine's access to the store: loads what a job needs, writes the
// job's batches, and finds the jobs a restart must deal with. Detached,
// because its store calls block; one per node, so a job's writes stay in
// the order the job made them.

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include <memory>

#include "actors/node_services.hpp"

namespace integrator {

/// Messages:
///   (spec_atom, account, flow_id) → (std::string error, job_spec)
///   (load_atom, account, job_id) → std::string (job JSON, "" if none)
///   (write_atom, write_batch) → bool
///   (fail_atom, account, job_id, message) → bool: ends a job failed with
///       a job error (for jobs whose actor died)
///   (cancel_atom, account, job_id) → std::string: cancels a queued job;
///       the job as it stands ("" if none)
///   (retry_atom, account, retry job JSON) → record_page: the records the
///       retry replays, as one page
///   (retried_atom, account, retry job JSON, int64 recovered, write_batch
///       last) → bool: closes a finished retry (error_service::retry_done)
///       in one write with the retry job's last write, so no one sees the
///       retry over before its parent counts the recovered records
///   (purge_atom, int64 cutoff_ms) → int64: errors and retry data older than
///       the cutoff deleted (at most 10,000 a call; -1 on a storage error)
///   (tick_atom, int64 now_ms) → std::vector<job_ref>: queues the runs the
///       flows' schedules call for since the last tick
///   (chain_atom, account, flow_id) → std::string: queues a run of a flow
///       chained by _runNextFlowIds; its job id ("" when it cannot run)
///   (recover_atom) → std::vector<job_ref>: marks interrupted jobs failed,
///       returns the queued ones, oldest first
caf::actor spawn_engine_store(caf::actor_system& sys, std::shared_ptr<const node_services> services);

}  // namespace integrator
