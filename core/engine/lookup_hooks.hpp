#pragma once
// A lookup export's own preSavePage (integrator-api.md §9): a lookup runs
// once per record, and what it found for that record is a page of the
// lookup export, so its hook gets that page (options.data) before
// responseMapping reads it, and what the hook returns is what was found.
// One call per record a lookup found something for. `abort` has nothing
// to stop here (no further pages follow) and is not read. Pure: the
// import stage (import_page_run.hpp) makes the calls.

#include <boost/json/value.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "core/engine/import_plan.hpp"
#include "core/engine/job_model.hpp"
#include "core/engine/user_code_answer.hpp"

namespace integrator {

struct flow_plan;
struct import_step;

/// The options for what lookup `step` found for one record (`found`, an
/// array): {data, errors, retryData, pageIndex: 0, _exportId,
/// _connectionId, _flowId, _integrationId, settings, configuration}.
std::string lookup_pre_save_page_options(const flow_plan& plan, const import_step& step,
                                         const boost::json::value& found);

/// The hook's answer for the record of `outcome`: its `data` becomes what
/// was found; its errors come back as job errors (source
/// pre_save_page_hook; step and ids left to the caller). A failed call or
/// an answer of the wrong shape fails the record.
std::vector<job_error_entry> apply_lookup_pre_save_page(user_code_answer& answer, const import_step& step,
                                                        record_outcome& outcome, std::int64_t now_ms);

}  // namespace integrator
