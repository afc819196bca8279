#pragma once
// Queuing a run of a flow: whatever asks for one (the API's POST
// /flows/{id}/run, a schedule, a chained flow) checks the flow the same way
// and writes the same queued flow job, which the engine then runs.

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "core/engine/job_model.hpp"
#include "core/resources/resource_store.hpp"
#include "core/util/result.hpp"

namespace integrator {

/// What a run may narrow: the page generators to run (empty: all) and a
/// delta window of its own (ms since the epoch; -1: none).
struct run_options {
  std::vector<std::string> export_ids;
  std::int64_t start_date = -1;
  std::int64_t end_date = -1;
};

/// Checks that flow `flow_id` of `account` can run with `options` (it
/// exists, is enabled, has page generators, and `options` names only
/// those) and writes its queued flow job `job_id`, created at `now_ms`.
result<job_doc> enqueue_run(const resource_store& resources, const std::string& account,
                            const std::string& flow_id, const std::string& job_id,
                            const run_options& options, std::int64_t now_ms);

/// A flow's queue once its lease was taken from a holder that died or
/// stopped: the runs it left (`left`, oldest first: the one to resume, then
/// its queued ones) ahead of those queued here, each once, none of them
/// `running`.
std::deque<std::string> left_runs_first(const std::vector<job_ref>& left, std::deque<std::string> queued,
                                        const std::string& running);

}  // namespace integrator
