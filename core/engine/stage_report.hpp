#pragma once
// What a stage of a running job tells the job after each page: the counts
// and errors of its step, and whether the step failed or ran out of pages.

#include <cstdint>
#include <string>
#include <vector>

#include "core/engine/job_model.hpp"

namespace integrator {

struct stage_report {
  /// Generators 0…g-1, then processors g…; -1 for a stage without a step
  /// job of its own (a router, a retry's replay), counted in the flow job.
  std::int32_t step = 0;
  job_counts counts;
  std::vector<job_error_entry> errors;
  std::string fatal;       ///< non-empty: the step failed and the job fails
  bool exhausted = false;  ///< a generator has no more pages
};

}  // namespace integrator
