#include "core/engine/export_cursor.hpp"

#include "core/json/json_depth.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include "core/json/record_page.hpp"
#include "core/util/api_error.hpp"

namespace integrator {

namespace {

// A record the export could not read: a job error, and it goes no further.
void broken_record(std::string_view text, stage_report& r,
                   std::string message = "a record is not valid JSON") {
  job_error_entry e;
  e.source = "export";
  e.code = code_name(error_code::invalid_record);
  e.message = std::move(message);
  e.retry_data = std::string(text);
  r.errors.push_back(std::move(e));
  ++r.counts.num_error;
}

}  // namespace

export_cursor::export_cursor(const export_step& step, const boost::json::value& settings)
  : step_(step), settings_(settings), pager_(step.paging, step.context) {
  // The output filter reads only its fields: the pager projects them in
  // the same pass as the records, unless a transform reshapes them first.
  if (step_.output_filter && !step_.transform)
    pager_.project(step_.filter_fields, [this](const boost::json::value& fields) {
      return step_.judge(fields, settings_);
    });
}

std::optional<outbound_request> export_cursor::next() {
  if (!more())
    return std::nullopt;
  auto before = boost::json::serialize(pager_.position());
  auto req = pager_.next();
  if (!req) {
    if (auto failed = pager_.take_failure()) {
      refused_ = std::move(failed);
      stopped_ = true;
    }
    return std::nullopt;
  }
  auto out = req->link ? step_.endpoint->follow(std::move(req->method), req->target,
                                                 std::move(req->body), req->headers)
                       : step_.endpoint->request(std::move(req->method), req->target,
                                                  std::move(req->body), req->headers);
  if (!out) {
    refused_ = out.error();
    stopped_ = true;
    return std::nullopt;
  }
  asked_.push_back(std::move(before));
  return std::move(*out);
}

void export_cursor::start_answer() {
  if (!asked_.empty()) {
    tally_.answer_at = std::move(asked_.front());
    asked_.pop_front();
  }
  tally_.answer_kept = 0;
}

void export_cursor::resume(const resume_point& at) {
  if (at.done) {
    stopped_ = true;
    return;
  }
  if (!at.position.empty()) {
    boost::system::error_code ec;
    auto v = parse_json(at.position, ec);
    if (!ec && v.is_object())
      pager_.restore(v.get_object());
  }
  tally_.resume(at);
}

stage_report export_cursor::refusal_report(const api_error& refused) const {
  stage_report r;
  r.fatal = refused.message;
  job_error_entry e;
  e.source = "export";
  e.code = code_name(refused.code);
  e.message = refused.message;
  e.step_id = step_.export_id;
  r.errors.push_back(std::move(e));
  ++r.counts.num_error;
  return r;
}

stage_report export_cursor::read(export_pager::answer& answer, const std::string& body,
                                 const std::function<void(std::string_view)>& keep, counts_by_page* by_page) {
  stage_report r;
  auto got = pager_.read_records(answer);
  auto limit = step_.selection.record_limit;
  for (std::size_t i = 0; i < got.records.size() && !limited_; ++i) {
    auto text = got.records[i];
    // A resumed answer's records up to where the job stopped were counted
    // (and their errors kept) before: passed over without a trace.
    bool passed_over = tally_.passing_over();
    if (!passed_over)
      ++r.counts.num_export;
    std::optional<std::uint8_t> judged;
    if (i < got.verdicts.size())
      judged = got.verdicts[i];
    // The nesting limit every reader of records keeps (json_depth.hpp); a
    // preview refuses the same records. The page's parse checked it, unless
    // something in the body went deeper.
    if (!got.within_depth && nests_deeper_than(text)) {
      if (!passed_over)
        broken_record(text, r, "a record is " + json_parse_failure(text));
      continue;
    }
    record_view view{text, readable_within(text, body), judged};
    std::string_view kept;
    switch (step_.screen(view, settings_, reshaped_, kept)) {
      case record_verdict::broken:
        if (!passed_over)
          broken_record(text, r);
        continue;
      case record_verdict::ignore:
        if (!passed_over)
          ++r.counts.num_ignore;
        continue;
      case record_verdict::keep:
        break;
    }
    if (!passed_over) {
      keep(kept);  // (resume_here() in keep counts this record as the next one)
      if (by_page)
        by_page->kept(r);
    }
    tally_.count_kept();
    if (!passed_over)
      limited_ = limit > 0 && static_cast<std::size_t>(tally_.kept) >= limit;
  }
  if (got.error) {
    r.fatal = *got.error;
    job_error_entry e;
    e.source = "export";
    e.code = answer_status_ ? std::to_string(answer_status_)
                           : std::string(code_name(error_code::connection_error));
    e.message = *got.error;
    r.errors.push_back(std::move(e));
    ++r.counts.num_error;
    stopped_ = true;
  }
  for (auto& e : r.errors)
    e.step_id = step_.export_id;
  if (by_page)
    by_page->answer_read(r);
  return r;
}

}  // namespace integrator
