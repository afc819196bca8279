#pragma once
// Which runs a flow's schedules call for in a span of time (§7.4): the
// flow's `schedule` in its `timezone`, and each page generator's own
// `schedule`, which overrides the flow's for that export. A span that
// holds several firings of one schedule (downtime) gives one run, not one
// per missed slot.

#include <boost/json/object.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "core/engine/job_model.hpp"

namespace integrator {

struct scheduled_run {
  std::vector<std::string> export_ids;  ///< the generators to run; empty: all
};

/// The runs flow `flow` is due for in (from_ms, to_ms]; none when it is
/// disabled or has no valid schedule.
std::vector<scheduled_run> due_runs(const boost::json::object& flow, std::int64_t from_ms,
                                    std::int64_t to_ms);

class object_id_generator;
class resource_store;

/// One scheduler tick: queues the runs every account's flows are due for
/// since the last tick (kept in the store, so after downtime each missed
/// schedule runs once) and moves the tick to `now_ms`. Returns the queued
/// jobs, for the engine to start.
std::vector<job_ref> fire_schedules(const resource_store& resources, object_id_generator& ids,
                                    std::int64_t now_ms);

}  // namespace integrator
