#include "core/engine/job_ledger.hpp"

#include "core/engine/job_store.hpp"
#include "core/resources/key_codec.hpp"

namespace integrator {

job_ledger::job_ledger(std::string account, job_doc flow_job, object_id_generator ids)
  : account_(std::move(account)), flow_job_(std::move(flow_job)), ids_(ids) {
  // nop
}

std::string job_ledger::next_id(std::int64_t now_ms) {
  return ids_.next(static_cast<std::uint32_t>(now_ms / 1000));
}

void job_ledger::launch(const flow_plan& plan, std::size_t first_station, std::int64_t now_ms) {
  auto child = [&](const std::string& type, const std::string& resource) {
    job_doc d;
    d.id = next_id(now_ms);
    d.type = type;
    d.flow_id = flow_job_.flow_id;
    d.integration_id = flow_job_.integration_id;
    (type == "export" ? d.export_id : d.import_id) = resource;
    d.flow_job_id = flow_job_.id;
    d.status = job_status::queued;
    d.created_at = now_ms;
    d.last_modified = now_ms;
    return d;
  };
  if (!is_retry())
    for (const auto& g : plan.generators)
      steps_.push_back(child("export", g.export_id));
  generator_steps_ = steps_.size();
  for (auto k = first_station; k < plan.stations.size(); ++k) {
    if (plan.stations[k].router)
      continue;
    const auto& p = plan.processors[plan.stations[k].index];
    steps_.push_back(child(p.lookup ? "export" : "import", p.import_id));
    steps_.back().status = job_status::running;
    steps_.back().started_at = now_ms;
  }
  flow_job_.status = job_status::running;
  flow_job_.started_at = now_ms;
  flow_job_.last_modified = now_ms;
}

void job_ledger::keep_checkpoint(std::string digest, std::int64_t plan_now, std::size_t generators,
                                 std::int64_t lag) {
  if (is_retry())
    return;
  checkpoint_.spec_digest = std::move(digest);
  checkpoint_.plan_now = plan_now;
  progress_.emplace(generators, lag);
}

bool job_ledger::resume(const flow_plan& plan, std::size_t first_station, const job_checkpoint& saved,
                        std::int64_t lag, std::int64_t resent, std::int64_t now_ms) {
  if (is_retry() || saved.generators.size() != plan.generators.size())
    return false;
  std::vector<job_doc> steps;
  for (const auto& text : saved.steps) {
    auto d = job_doc::from_json(text);
    if (!d)
      return false;
    steps.push_back(std::move(*d));
  }
  // The steps launch() would make, in its order: each must be there.
  std::vector<std::string> expected;
  for (const auto& g : plan.generators)
    expected.push_back(g.export_id);
  for (auto k = first_station; k < plan.stations.size(); ++k)
    if (!plan.stations[k].router)
      expected.push_back(plan.processors[plan.stations[k].index].import_id);
  if (steps.size() != expected.size())
    return false;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const auto& id = i < plan.generators.size() || steps[i].type == "export" ? steps[i].export_id
                                                                              : steps[i].import_id;
    if (id != expected[i] || steps[i].flow_job_id != flow_job_.id)
      return false;
  }
  steps_ = std::move(steps);
  generator_steps_ = plan.generators.size();
  keep_checkpoint(saved.spec_digest, saved.plan_now, plan.generators.size(), lag);
  progress_->restore(saved.generators);
  if (saved.counts)  // the pages sent again are counted again
    flow_job_.counts = *saved.counts;
  flow_job_.possibly_resent += resent;
  flow_job_.last_modified = now_ms;
  return true;
}

void job_ledger::start_generator(std::size_t g, std::int64_t now_ms) {
  if (progress_)
    progress_->started(g);
  if (g >= generator_steps_)
    return;
  steps_[g].status = job_status::running;
  if (steps_[g].started_at < 0)  // a resumed job's step keeps its start
    steps_[g].started_at = now_ms;
}

void job_ledger::keep_error(job_error_entry& e, std::int64_t now_ms) {
  if (e.error_id.empty())
    e.error_id = next_id(now_ms);
  if (e.occurred_at == 0)
    e.occurred_at = now_ms;
  if (e.job_id.empty())  // a stage without a step job: the flow job's
    e.job_id = flow_job_.id;
  if (!e.retry_data_key.empty())
    pending_.put(keys::retry_data_space, keys::resource(account_, e.retry_data_key), e.retry_data);
  pending_.put(keys::job_errors_space, keys::job_error(account_, flow_job_.id, e.error_id), e.to_json());
}

job_ledger::booked job_ledger::book(stage_report r, std::int64_t now_ms) {
  booked out;
  if (finishing_)
    return out;
  if (r.origin == 0)  // a generator's page: its report is the page's first
    r.origin = r.page;
  if (r.step == -1) {  // a router's ignored records, a retry's replayed pages, its hooks
    flow_job_.counts += r.counts;
    flow_job_.last_modified = now_ms;
    out.urgent = hold_or_keep(r.origin, steps_.size(), {}, r.counts, r.errors, now_ms);
    if (!r.fatal.empty() && fatal_.empty())
      fatal_ = r.fatal;
    return out;
  }
  if (r.step < 0 || static_cast<std::size_t>(r.step) >= steps_.size())
    return out;
  auto step_index = static_cast<std::size_t>(r.step);
  auto& step = steps_[step_index];
  step.counts += r.counts;
  bool is_generator = step_index < generator_steps_;
  // The flow job sums what its steps did: exports' records and pages,
  // processors' outcomes (a filtered export record is ignored too), and
  // the pages the last processor finished.
  job_counts c = r.counts;
  if (!is_generator)
    c.num_pages_processed = step_index == steps_.size() - 1 ? r.counts.num_pages_processed : 0;
  flow_job_.counts += c;
  step.last_modified = now_ms;
  flow_job_.last_modified = now_ms;
  out.urgent = hold_or_keep(r.origin, step_index, r.counts, c, r.errors, now_ms);
  if (!r.fatal.empty() && fatal_.empty())
    fatal_ = r.fatal;
  if (progress_ && is_generator) {
    if (r.page != 0)
      progress_->page_made(r.page, std::move(r.after));
    if (r.exhausted && r.fatal.empty())
      progress_->generator_done(step_index);
  }
  if (r.exhausted && is_generator) {
    step.status = r.fatal.empty() && fatal_.empty() ? job_status::completed : job_status::failed;
    step.ended_at = now_ms;
    out.generator_ended = true;
  }
  return out;
}

bool job_ledger::hold_or_keep(std::uint64_t origin, std::size_t step, const job_counts& step_counts,
                              const job_counts& flow_counts, std::vector<job_error_entry>& errors,
                              std::int64_t now_ms) {
  if (!progress_ || origin == 0 || progress_->is_through(origin)) {
    for (auto& e : errors)
      keep_error(e, now_ms);
    return !errors.empty();
  }
  auto& u = unsettled_[origin];
  if (step < steps_.size()) {
    u.steps.resize(steps_.size());
    u.steps[step] += step_counts;
  }
  u.flow += flow_counts;
  for (auto& e : errors) {
    if (e.occurred_at == 0)
      e.occurred_at = now_ms;
    u.errors.push_back(std::move(e));
  }
  return false;
}

bool job_ledger::page_through(std::uint64_t origin, bool& errors_due) {
  errors_due = false;
  bool credit = progress_->page_through(origin);
  // Settled: the pages through without a gap (this one, and any through
  // before it out of order that waited for it).
  for (auto it = unsettled_.begin(); it != unsettled_.end();) {
    if (!progress_->is_through(it->first)) {
      ++it;
      continue;
    }
    errors_due = errors_due || !it->second.errors.empty();
    for (auto& e : it->second.errors)
      keep_error(e, e.occurred_at);  // (its id from when it occurred)
    it = unsettled_.erase(it);
  }
  return credit;
}

void job_ledger::add_job_error(const std::string& job_id, const std::string& step_id,
                               const char* source, error_code code,
                               const std::string& message, std::int64_t now_ms) {
  job_error_entry e;
  e.error_id = next_id(now_ms);
  e.job_id = job_id;
  e.flow_job_id = flow_job_.id;
  e.flow_id = flow_job_.flow_id;
  e.step_id = step_id;
  e.source = source;
  e.code = code_name(code);
  e.message = message;
  e.occurred_at = now_ms;
  ++flow_job_.counts.num_error;
  pending_.put(keys::job_errors_space, keys::job_error(account_, flow_job_.id, e.error_id),
               e.to_json());
}

void job_ledger::once_failed(std::size_t g, const std::string& export_id, const std::string& why,
                             std::int64_t now_ms) {
  if (g >= generator_steps_)
    return;
  ++steps_[g].counts.num_error;
  add_job_error(steps_[g].id, export_id, "export", error_code::once_failed, why, now_ms);
}

void job_ledger::fail(const std::string& message, error_code code, std::int64_t now_ms) {
  if (fatal_.empty())
    fatal_ = message;
  if (flow_job_.status == job_status::queued) {  // failed before it could start
    flow_job_.status = job_status::running;
    flow_job_.started_at = now_ms;
  }
  add_job_error(flow_job_.id, "", "internal", code, message, now_ms);
}

bool job_ledger::cancel(std::int64_t now_ms) {
  if (finishing_ || canceling_)
    return false;
  canceling_ = true;
  flow_job_.status = job_status::canceling;
  flow_job_.last_modified = now_ms;
  return true;
}

job_status job_ledger::finish(const flow_plan* plan, std::int64_t now_ms) {
  // Errors of pages that never came through (a hook stopped them, the job
  // failed or was canceled) are the job's all the same.
  for (auto& [origin, u] : unsettled_)
    for (auto& e : u.errors)
      keep_error(e, now_ms);
  unsettled_.clear();
  finishing_ = true;
  auto status = !fatal_.empty() ? job_status::failed
                : canceling_    ? job_status::canceled
                                : job_status::completed;
  flow_job_.status = status;
  flow_job_.ended_at = now_ms;
  flow_job_.last_modified = now_ms;
  for (auto& s : steps_) {
    if (s.started_at < 0)
      s.started_at = now_ms;
    s.status = status;
    s.ended_at = now_ms;
    s.last_modified = now_ms;
  }
  // A completed run moves its delta exports' marks, in the same write.
  if (status == job_status::completed && flow_job_.type == "flow" && plan)
    for (const auto& g : plan->generators)
      if (g.window && g.window->moves_mark)
        pending_.put(keys::export_marks_space,
                     keys::export_mark(account_, flow_job_.flow_id, g.export_id),
                     std::to_string(g.window->current));
  return status;
}

write_batch job_ledger::take_writes() {
  write_batch b = std::move(pending_);
  pending_ = write_batch{};
  job_store::put(b, account_, flow_job_);
  for (const auto& s : steps_)
    job_store::put(b, account_, s);
  if (progress_) {
    auto key = keys::resource(account_, flow_job_.id);
    if (finishing_) {
      b.erase(keys::job_checkpoints_space, key);
    } else {
      checkpoint_.generators = progress_->generators();
      // The counts of the pages through: what a resumed job starts from.
      auto steps = steps_;
      job_counts flow = flow_job_.counts;
      for (const auto& [origin, u] : unsettled_) {
        for (std::size_t i = 0; i < u.steps.size() && i < steps.size(); ++i)
          steps[i].counts -= u.steps[i];
        flow -= u.flow;
      }
      checkpoint_.steps.clear();
      for (const auto& s : steps)
        checkpoint_.steps.push_back(s.to_json());
      checkpoint_.counts = flow;
      b.put(keys::job_checkpoints_space, key, checkpoint_.to_json());
      progress_->taken();
    }
  }
  return b;
}

}  // namespace integrator
