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

namespace integrator {

struct scheduled_run {
  std::vector<std::string> export_ids;  ///< the generators to run; empty: all
};

/// The runs flow `flow` is due for in (from_ms, to_ms]; none when it is
/// disabled or has no valid schedule.
std::vector<scheduled_run> due_runs(const boost::json::object& flow, std::int64_t from_ms,
                                    std::int64_t to_ms);

}  // namespace integrator
