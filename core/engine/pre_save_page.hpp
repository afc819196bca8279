#pragma once
// An export's preSavePage hook on one page (integrator-api.md §9): the
// options the hook gets, and what its answer makes of the page. Runs after
// the export's transform and output filter, before the processors. Its
// `abort` stops the export's further pages; a hook that fails (throws, or
// cannot be called) fails the flow, and the page's records become errors
// with retry data, so nothing it never saw is passed on or lost.

#include <boost/json/object.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "core/engine/job_model.hpp"
#include "core/engine/user_code_answer.hpp"
#include "core/json/record_page.hpp"
#include "core/util/object_id.hpp"

namespace integrator {

struct export_step;
struct flow_plan;

/// The options the hook gets for `page` of `step` (without bearerToken),
/// as JSON text: the page's records go in as they are, never parsed.
std::string pre_save_page_options(const flow_plan& plan, const export_step& step, const record_page& page);

/// A page after its hook.
struct hooked_page {
  record_page page;                     ///< what goes on (the input's origin kept)
  std::vector<job_error_entry> errors;  ///< the hook's, and a failed page's records
  bool abort = false;                   ///< no further pages of the export
  std::int64_t ignored = 0;             ///< records a script filter dropped on the way
  std::string fatal;                    ///< the hook failed: the flow fails with this
};

/// What `answer` makes of `page`. Errors carry source pre_save_page_hook;
/// their retry data keys come from `ids`.
hooked_page apply_pre_save_page(user_code_answer& answer, const record_page& page,
                                const export_step& step, object_id_generator& ids, std::int64_t now_ms);

/// The page's records as errors with retry data, for a page the hook did
/// not run on because it failed on an earlier one.
std::vector<job_error_entry> unhooked_records(const record_page& page, const export_step& step,
                                              const std::string& why, object_id_generator& ids,
                                              std::int64_t now_ms);

}  // namespace integrator
