#pragma once
// The books of one running flow or retry job: the flow job, a child job per
// step, their counts and states, the errors as they come, and the writes
// that make all of it durable. The job actor tells it what happens (the
// plan is ready, a stage reports, a cancel, a failure, the end) and writes
// what take_writes() hands out, paced by a write_pacer.
//
// Steps: the generators (none in a retry, whose replayed records stand for
// the export), then one per page processor from the job's first station.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/engine/flow_plan.hpp"
#include "core/engine/job_checkpoint.hpp"
#include "core/engine/job_model.hpp"
#include "core/engine/stage_report.hpp"
#include "core/resources/document_store.hpp"
#include "core/util/object_id.hpp"

namespace integrator {

class job_ledger {
public:
  /// `flow_job` as stored (queued); `ids` makes child job and error ids.
  job_ledger(std::string account, job_doc flow_job, object_id_generator ids);

  const std::string& account() const { return account_; }
  const job_doc& flow_job() const { return flow_job_; }
  const std::vector<job_doc>& steps() const { return steps_; }
  bool is_retry() const { return flow_job_.type == "retry"; }
  /// steps()[0…n) are the generators' steps.
  std::size_t generator_steps() const { return generator_steps_; }

  /// Creates the step jobs for `plan` from `first_station` on and marks the
  /// job running; its processors' steps run from now on.
  void launch(const flow_plan& plan, std::size_t first_station, std::int64_t now_ms);

  /// A flow run (not a retry) keeps a checkpoint from now on, written with
  /// every write (job_checkpoint.hpp): `digest` of the spec the plan came
  /// from, `plan_now` the plan's "now", `lag` the pages that may come
  /// through before a durable write has them.
  void keep_checkpoint(std::string digest, std::int64_t plan_now, std::size_t generators,
                       std::int64_t lag);

  /// Takes the job up where `saved` left it (after launch() was not
  /// called): its step jobs and counts, the generators' positions. The job
  /// says `resent` records may have been sent again. False when the saved
  /// steps do not fit `plan` from `first_station` (the job cannot resume).
  bool resume(const flow_plan& plan, std::size_t first_station, const job_checkpoint& saved,
              std::int64_t lag, std::int64_t resent, std::int64_t now_ms);

  /// The checkpoint's tracker; only when keeping one.
  checkpoint_tracker* progress() { return progress_ ? &*progress_ : nullptr; }

  /// Page `origin` reached the end of the line (only when keeping a
  /// checkpoint): once it and the pages before it are through, their counts
  /// go into the next checkpoint and their records' errors into the next
  /// write (`errors_due`: write at once). True when its credit may go back
  /// now (checkpoint_tracker::page_through).
  bool page_through(std::uint64_t origin, bool& errors_due);

  /// Generator `g`'s step starts.
  void start_generator(std::size_t g, std::int64_t now_ms);

  /// What booking a report changed.
  struct booked {
    bool urgent = false;          ///< errors or a state change: write at once
    bool generator_ended = false; ///< a generator is done; the next may start
  };
  /// Books a stage's report (ignored once the job is finishing).
  booked book(stage_report report, std::int64_t now_ms);

  /// A page went through a flow without processors (the job is the line's
  /// end): it counts as processed.
  void page_through_alone() { ++flow_job_.counts.num_pages_processed; }

  /// An error of the job itself, not of a record: under child job `job_id`
  /// (the flow job's own id, or a step's) and step `step_id`, counted in
  /// the flow job (a step's own count is the caller's).
  void add_job_error(const std::string& job_id, const std::string& step_id, const char* source,
                     error_code code, const std::string& message, std::int64_t now_ms);

  /// Stores a record's error (and its retry data) with the job's next
  /// write; one without a child job is the flow job's.
  void keep_error(job_error_entry& e, std::int64_t now_ms);

  /// A once export's flagging call failed: an error of generator `g`'s step.
  void once_failed(std::size_t g, const std::string& export_id, const std::string& why,
                   std::int64_t now_ms);

  /// The job fails with `message` (the first failure wins), as a job error
  /// with `code`.
  void fail(const std::string& message, error_code code, std::int64_t now_ms);

  /// The job is asked to stop; false when it is already stopping or over.
  bool cancel(std::int64_t now_ms);

  /// Ends the job: its status (failed, canceled or completed) on it and
  /// every step; a completed flow run also moves its delta exports' marks
  /// in the same write. Returns the status.
  job_status finish(const flow_plan* plan, std::int64_t now_ms);

  const std::string& fatal() const { return fatal_; }
  bool canceling() const { return canceling_; }
  bool finishing() const { return finishing_; }

  /// What is pending (errors, retry data, marks) followed by the job's
  /// documents as they now stand; pending is emptied.
  write_batch take_writes();

  /// Records of the retried step that now went through (a finished retry
  /// credits its parent with them).
  std::int64_t recovered() const { return steps_.empty() ? 0 : steps_.front().counts.num_success; }

private:
  std::string next_id(std::int64_t now_ms);

  std::string account_;
  job_doc flow_job_;
  std::vector<job_doc> steps_;
  std::size_t generator_steps_ = 0;
  object_id_generator ids_;
  write_batch pending_;
  std::optional<checkpoint_tracker> progress_;
  /// Counts booked for pages not yet through the flow, by page: the
  /// checkpoint holds the job's counts without them, so that a resumed job,
  /// which sends those pages again, counts each record once.
  /// Their records' errors wait with them: a page sent again after a
  /// resume makes them again, so they are stored once.
  struct unsettled {
    std::vector<job_counts> steps;
    job_counts flow;
    std::vector<job_error_entry> errors;
  };
  std::map<std::uint64_t, unsettled> unsettled_;
  /// Holds a report's counts and errors while its page is on its way;
  /// without a checkpoint, a page, or once the page is through, keeps its
  /// errors for the next write instead. True when errors were kept (the
  /// write is urgent).
  bool hold_or_keep(std::uint64_t origin, std::size_t step, const job_counts& step_counts,
                    const job_counts& flow_counts, std::vector<job_error_entry>& errors, std::int64_t now_ms);
  job_checkpoint checkpoint_;  ///< what progress_ does not hold (digest, plan_now)
  std::string fatal_;
  bool canceling_ = false;
  bool finishing_ = false;
};

}  // namespace integrator
