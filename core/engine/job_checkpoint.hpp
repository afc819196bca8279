#pragma once
// Where a running flow job can resume after integratord stops without
// ending it (a crash, a kill): for each generator, the pager's position
// before the answer that holds the first record not yet through the flow,
// and how many of that answer's kept records were; the step jobs with
// their counts; what the plan was compiled from. Written with the job's
// counts in every write the job makes, so the two always agree.
//
// The job is the end of its line of stages and gives credit back for the
// pages that reach it; it holds that credit back while `lag` pages have
// come through since the last durable write. So however fast pages go,
// what was delivered but is not yet in a durable checkpoint is bounded:
// the pages each stage may hold (pages-in-flight per stage) and `lag`.
// Those pages are sent again after a resume; the job says how many
// records that may be (possibly_resent()).

#include <cstdint>
#include <deque>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/engine/job_model.hpp"
#include "core/engine/stage_report.hpp"

namespace integrator {

struct job_spec;

struct generator_checkpoint {
  bool started = false;
  resume_point at;  ///< after the last page through the whole flow
};

struct job_checkpoint {
  std::string spec_digest;   ///< of the documents the plan came from (spec_digest())
  std::int64_t plan_now = 0; ///< the run's "now" (delta windows), kept for the resumed plan
  std::vector<generator_checkpoint> generators;
  std::vector<std::string> steps;  ///< the step jobs as JSON, in the ledger's order
  /// The flow job's counts of the pages through (the steps' are in their
  /// JSON); none in a checkpoint from before they were kept.
  std::optional<job_counts> counts;
  /// Set by a clean shutdown (end_interrupted_jobs): the job resumes at the
  /// next start without counting an interruption.
  bool shutdown = false;

  std::string to_json() const;
  static std::optional<job_checkpoint> from_json(std::string_view text);
};

/// A digest of everything a plan is compiled from: a resumed job runs only
/// on the documents it started with.
std::string spec_digest(const job_spec& spec);

/// The job's side of checkpoints: which page of each generator went all the
/// way through, and when the credit for a page that did may go back.
class checkpoint_tracker {
public:
  /// `lag`: pages that may come through before a durable write has them.
  checkpoint_tracker(std::size_t generators, std::int64_t lag);

  /// Resumes from `saved`'s generators.
  void restore(const std::vector<generator_checkpoint>& saved);
  const std::vector<generator_checkpoint>& generators() const { return generators_; }

  void started(std::size_t g);
  /// Generator `g` made page `origin`; `after` is where its records go on.
  void page_made(std::uint64_t origin, resume_point after);
  /// Page `origin` reached the end of the line; true when its credit may go
  /// back now, false when it must wait for a durable write (released()).
  bool page_through(std::uint64_t origin);
  /// Whether page `origin` and every page of its generator before it have
  /// reached the end of the line (where a resumed job goes on after).
  bool is_through(std::uint64_t origin) const;
  /// Generator `g` made its last page: it is done once that page is through.
  void generator_done(std::size_t g);

  /// A write was taken (it holds everything through until now).
  void taken() { in_write_ = through_; }
  /// The taken write is durable: how many held credits go back now.
  std::int64_t written();
  /// `lag` pages came through since the last write was taken: write now.
  bool behind() const { return through_ - in_write_ >= lag_; }

private:
  struct pending {
    std::uint64_t number;
    resume_point after;
  };
  std::vector<generator_checkpoint> generators_;
  std::vector<std::deque<pending>> made_;    ///< per generator: made, not yet through
  std::vector<std::uint64_t> last_through_;  ///< per generator: the last page through, all before it too
  std::vector<std::set<std::uint64_t>> ahead_;  ///< per generator: pages through after a gap
  std::vector<bool> exhausted_;              ///< per generator: made its last page
  std::int64_t lag_;
  std::int64_t through_ = 0;   ///< pages through in all
  std::int64_t in_write_ = 0;  ///< ... when the write out was taken
  std::int64_t durable_ = 0;   ///< ... in the last durable write
  std::int64_t held_ = 0;      ///< credits held back
};

}  // namespace integrator
