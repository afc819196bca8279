#pragma once
// One export's records, answer after answer: which request goes out next,
// and which records of an answer go on, after the export's transform and
// output filter and up to its test limit. This is the engine's one paging
// loop: a flow's export stage and a standalone export (POST
// /exports/{id}/invoke, /connections/{id}/export[/pages]) both run it, so
// both apply the same transform, filter and limits.
//
// An answer is read in two steps, so the next request can go out between
// them (the source prepares it while the records are read): settle() reads
// how paging goes on, read() the records.

#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "core/connect/export_pager.hpp"
#include "core/engine/flow_plan.hpp"
#include "core/engine/stage_report.hpp"

namespace integrator {

class export_cursor {
public:
  /// `step` and `settings` (what templates and filters see as settings)
  /// must outlive the cursor.
  export_cursor(const export_step& step, const boost::json::value& settings);

  /// The next request to send; nullopt when none follows (paging is over,
  /// the cursor stopped, or the export's record limit is reached), or when
  /// the request would leave the connection's base URI or a template went
  /// over its limits (see take_refusal()).
  std::optional<outbound_request> next();

  /// Why next() made no request when it refused one. Taken once.
  std::optional<api_error> take_refusal() { return std::exchange(refused_, std::nullopt); }

  /// A refusal as a flow's export reports it: an error of the export, and
  /// fatal.
  stage_report refusal_report(const api_error& refused) const;

  /// Another request may follow.
  bool more() const { return !stopped_ && !limited_ && !pager_.done(); }

  /// First step of an answer: how paging goes on. `r` must outlive the
  /// answer.
  export_pager::answer settle(outbound_response& r) {
    answer_status_ = r.status;
    start_answer();
    return pager_.read_paging(r);
  }

  /// Second step: hands each record that goes on to `keep` (its text, or
  /// the transformed record), and answers the counts and errors of the
  /// answer's records and, when the answer failed the export, why
  /// (`fatal`: the cursor stops). Errors carry the export as their step.
  /// With `by_page` (a job's export) the counts go to by_page->parts
  /// instead, one report per page (stage_report.hpp).
  stage_report read(export_pager::answer& answer, const std::string& body,
                    const std::function<void(std::string_view)>& keep, counts_by_page* by_page = nullptr);

  /// No more requests (a cancel); records still read are the caller's.
  void stop() { stopped_ = true; }
  bool stopped() const { return stopped_; }

  /// Where paging stands, between answers (a paged export's state).
  boost::json::object position() const { return pager_.position(); }
  void restore(const boost::json::object& position) { pager_.restore(position); }

  /// Where the records go on from the record being kept (in read()'s
  /// `keep`), before it or, `past` true, after it: the position before its
  /// answer and how many kept records of the answer come before. `pages`
  /// is left for the caller.
  resume_point resume_here(bool past) const { return tally_.here(past); }
  /// Goes on from `at` (a resumed job): its answer is asked for again and
  /// its first at.skip kept records are passed over uncounted (they, and
  /// what the answer held before them, were counted before).
  void resume(const resume_point& at);

private:
  void start_answer();

  const export_step& step_;
  const boost::json::value& settings_;
  export_pager pager_;
  std::string reshaped_;  ///< a transformed record, until it is kept
  std::optional<api_error> refused_;
  std::deque<std::string> asked_;  ///< the position before each request out, oldest first
  kept_tally tally_;
  int answer_status_ = 0;   ///< the HTTP status of the answer being read
  bool stopped_ = false;
  bool limited_ = false;
};

}  // namespace integrator
