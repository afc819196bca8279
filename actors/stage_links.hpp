#pragma once
// Where a stage stands in its job, and an import stage that one node asks
// another to run for its job (cluster setting spread-imports). Both cross
// nodes: pages, credit, reports and the end travel between the nodes as
// between two actors of one node (CAF's BASP keeps each sender's messages
// in order), so a stage does not know where its job or its neighbours run.

#include <cstdint>
#include <string>

#include "actors/engine_interfaces.hpp"
#include "core/engine/job_spec.hpp"

namespace integrator {

struct stage_links {
  job_report_actor job;
  page_sink_actor downstream;  ///< the next processor, or the job after the last
  std::int32_t step = 0;       ///< index in the job's step list; -1: none
  std::string job_id;          ///< the step's child job
  std::string flow_job_id;
  std::string flow_id;
  std::string account;         ///< whose job it is (user code calls on its behalf)
  std::int32_t upstreams = 1;  ///< how many senders end before this stage ends

  /// Fills in which job and flow a report's errors belong to.
  void stamp(stage_report& r) const {
    r.step = step;
    for (auto& e : r.errors) {
      e.job_id = job_id;
      e.flow_job_id = flow_job_id;
      e.flow_id = flow_id;
    }
  }
};

/// What the node hosting a job's import stage needs to run it: the flow's
/// spec and the run (it compiles the job's plan itself, as the job did:
/// flow_plan::for_job), which processor, and the stage's links.
struct stage_placement {
  job_spec spec;
  std::string job;             ///< the flow job's JSON
  std::int64_t plan_now = 0;   ///< when the job planned its run
  std::uint64_t processor = 0;
  stage_links links;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, stage_links& x) {
  return f(caf::meta::type_name("stage_links"), x.job, x.downstream, x.step, x.job_id, x.flow_job_id,
           x.flow_id, x.account, x.upstreams);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, stage_placement& x) {
  return f(caf::meta::type_name("stage_placement"), x.spec, x.job, x.plan_now, x.processor, x.links);
}

}  // namespace integrator
