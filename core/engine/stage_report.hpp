#pragma once
// What a stage of a running job tells the job after each page: the counts
// and errors of its step, and whether the step failed or ran out of pages;
// a generator also says where its records go on after each page it sends.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/engine/job_model.hpp"

namespace integrator {

/// Where a generator's records go on after one of its pages.
struct resume_point {
  std::string position;  ///< the pager's (JSON), before the answer holding the next record; "": the start
  std::int64_t skip = 0;         ///< that answer's kept records already in pages
  std::int64_t kept = 0;         ///< records kept in all (the export's test limit)
  std::int64_t pages = 0;        ///< pages made (origins go on from here)
  bool done = false;             ///< nothing follows: the generator has ended
};

/// How far an export's kept records have gone, for its resume points: the
/// position before the answer being read, that answer's kept records and
/// all kept records; after a resume, how many kept records are still to
/// pass over (they went through before). export_cursor and wrapper_cursor
/// each keep one.
struct kept_tally {
  std::string answer_at;
  std::int64_t answer_kept = 0;
  std::int64_t kept = 0;
  std::int64_t skip = 0;

  bool passing_over() const { return skip > 0; }
  /// A record was kept, or passed over.
  void count_kept() {
    if (skip > 0)
      --skip;
    ++answer_kept;
    ++kept;
  }
  /// Where records go on from the record being kept: before it, or (past)
  /// after it. `pages` is left for the caller.
  resume_point here(bool past) const {
    resume_point p;
    p.position = answer_at;
    p.skip = answer_kept + (past ? 1 : 0);
    p.kept = kept + (past ? 1 : 0);
    return p;
  }
  /// Goes on from `at`: its answer's first at.skip kept records pass over.
  void resume(const resume_point& at) {
    skip = at.skip;
    kept = at.kept > at.skip ? at.kept - at.skip : 0;
  }
};

struct stage_report {
  /// Generators 0…g-1, then processors g…; -1 for a stage without a step
  /// job of its own (a router, a retry's replay), counted in the flow job.
  std::int32_t step = 0;
  job_counts counts;
  std::vector<job_error_entry> errors;
  std::string fatal;       ///< non-empty: the step failed and the job fails
  bool exhausted = false;  ///< a generator has no more pages
  /// A generator's report of a page it sent on: the page, and where its
  /// records go on after it (job_checkpoint.hpp). 0: not about a page.
  std::uint64_t page = 0;
  resume_point after;
  /// The page whose records the counts are of (0: of none). Until that
  /// page is through the flow a checkpoint leaves them out: a resumed job
  /// sends the page again and counts it then (job_ledger).
  std::uint64_t origin = 0;
  /// A connection the step found offline (a wrapper's connectionOffline):
  /// the job marks it so.
  std::string offline_connection;
};

/// A job's export reads its answers' counts by page (its checkpoints count
/// only pages through the flow): each record's counts go with the page of
/// the next record kept (the one a resumed answer's passing over ends
/// with), the answer's tail with the next page. export_cursor and
/// wrapper_cursor fill `parts`, one report per page with its origin.
struct counts_by_page {
  std::function<std::uint64_t()> page_of_last_kept;
  std::function<std::uint64_t()> next_page;
  std::vector<stage_report> parts;

  /// Moves what `r` counted since the last part into page `origin`'s part.
  void count_for(stage_report& r, std::uint64_t origin) {
    if (parts.empty() || parts.back().origin != origin) {
      parts.emplace_back();
      parts.back().origin = origin;
    }
    parts.back().counts += r.counts;
    r.counts = {};
  }
  /// After a record was kept: what led to it is its page's.
  void kept(stage_report& r) { count_for(r, page_of_last_kept()); }
  /// After the answer's last record: the rest is the next page's.
  void answer_read(stage_report& r) { count_for(r, next_page()); }
};

}  // namespace integrator
