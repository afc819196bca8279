#pragma once
// Which records a run of an export selects, by its `type` (§7.2):
//   delta  records changed since the last successful run: the window
//          (lastExportDateTime, currentExportDateTime] goes to the export's
//          templates; the first run is a full export, or starts at
//          delta.startDate; delta.lagOffset (ms) moves the start back to
//          catch late writes. The mark moves only when the run completes.
//   test   at most test.limit records (1–100, default 1) per run.
// A run body {startDate, endDate} overrides a delta window; such a run (a
// backfill) leaves the mark where it was.

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>

#include "core/util/result.hpp"

namespace integrator {

struct export_selection {
  bool delta = false;
  std::int64_t start_date = -1;  ///< delta.startDate (ms), -1 when unset
  std::int64_t lag_offset = 0;   ///< delta.lagOffset (ms)
  std::size_t record_limit = 0;  ///< test.limit; 0: no limit

  /// Reads an export document's selection; fails when its delta or test
  /// block is invalid.
  static result<export_selection> from(const boost::json::object& export_doc);
};

/// The window of one delta run.
struct export_window {
  std::optional<std::int64_t> last;  ///< lastExportDateTime; none on a full first run
  std::int64_t current = 0;          ///< currentExportDateTime
  bool moves_mark = true;            ///< false for a backfill (run body dates)

  /// The window for a run at `now_ms` given the stored mark (the last
  /// completed run's currentExportDateTime) and the run body's dates.
  static export_window of(const export_selection& sel, std::optional<std::int64_t> mark,
                          std::int64_t now_ms, std::int64_t start_override = -1,
                          std::int64_t end_override = -1);

  /// Puts lastExportDateTime (when set) and currentExportDateTime, as ISO
  /// 8601 text, into a template context.
  void expose(boost::json::object& context) const;
};

}  // namespace integrator
