#include <caf/all.hpp>

#include <boost/json.hpp>

#include <iostream>
#include <map>
#include <set>
#include <utility>

#include "actors/catalogue.hpp"
#include "actors/engine.hpp"
#include "actors/stages.hpp"
#include "core/resources/key_codec.hpp"
#include "http/client/outbound_client.hpp"
#include "core/util/object_id.hpp"

namespace integrator {

namespace {

struct job_state {
  std::shared_ptr<const node_services> services;
  caf::actor store;
  std::string account;
  std::string flow_id;
  std::string job_id;
  std::shared_ptr<const flow_plan> plan;
  job_doc flow_job;
  std::vector<job_doc> steps;  ///< generators then processors
  std::vector<caf::actor> stages;
  caf::actor first_processor;  ///< or the job itself without processors
  std::vector<caf::actor> generators;  ///< started so far (a retry's replay too)
  std::size_t next_generator = 0;
  caf::actor flow_actor;  ///< our flow's actor (chains _runNextFlowIds)
  std::size_t generator_steps = 0;  ///< steps[0…n) are generators (none in a retry)
  std::size_t first_station = 0;    ///< where a retry's records go back in
  std::string fatal;
  bool canceling = false;
  bool finishing = false;
  bool writing = false;  ///< a write is out
  bool dirty = false;    ///< something to write once it is back
  bool progress_due = false;  ///< a progress write is scheduled
  bool closes_retry = false;  ///< the next write ends a retry: it credits the parent too
  write_batch pending;   ///< errors and retry data for the next write
  std::vector<std::function<void()>> waiters;
  std::optional<object_id_generator> ids;
  // once exports: each page's flagging calls, sent when the page is through.
  std::map<std::uint64_t, std::vector<once_call>> once_calls;  ///< by origin
  std::set<std::uint64_t> once_through;  ///< pages through before their calls came
  std::size_t once_out = 0;              ///< flagging calls not yet answered
  std::optional<std::string> loaded_job;  ///< the job as stored, until the spec is in too
  std::optional<std::pair<std::string, job_spec>> loaded_spec;  ///< (error, spec)
  bool ended = false;                    ///< the line has ended (end_atom)
  std::int32_t ends_left = 1;            ///< as the sink: senders yet to end
  static inline const char* name = "job";
};

using job_ptr = caf::stateful_actor<job_state>*;

void put_docs(job_ptr self, write_batch& b) {
  auto& st = self->state;
  b.put(keys::jobs_space, keys::resource(st.account, st.flow_job.id), st.flow_job.to_json());
  for (const auto& s : st.steps)
    b.put(keys::jobs_space, keys::resource(st.account, s.id), s.to_json());
}

// Writes `extra` with the job's documents as they now stand. One write is
// out at a time: what arrives meanwhile joins the next one, so a job
// persists at page boundaries without one sync per page per step.
void schedule_progress(job_ptr self);

void flush(job_ptr self) {
  auto& st = self->state;
  write_batch b = std::move(st.pending);
  st.pending = write_batch{};
  put_docs(self, b);
  auto done = std::move(st.waiters);
  st.waiters.clear();
  st.dirty = false;
  st.writing = true;
  auto handler = [=](bool ok) {
    auto& st = self->state;
    if (!ok)
      std::cerr << "integratord: job " << st.job_id << ": a write failed" << std::endl;
    st.writing = false;
    for (const auto& f : done)
      f();
    if (!st.pending.empty() || !st.waiters.empty())
      flush(self);
    else if (st.dirty)
      schedule_progress(self);
  };
  if (std::exchange(st.closes_retry, false)) {
    self->request(st.store, caf::infinite, retried_atom::value, st.account, st.flow_job.to_json(),
                  st.steps.front().counts.num_success, std::move(b))
      .then(handler);
    return;
  }
  self->request(st.store, caf::infinite, write_atom::value, std::move(b)).then(handler);
}

// Counts alone are written at most every progress_interval: a synced
// write per page per job cost more than the page's records (issue 4's
// profile). Errors, retry data and state changes go out at once.
constexpr auto progress_interval = std::chrono::milliseconds(200);

void schedule_progress(job_ptr self) {
  auto& st = self->state;
  if (st.progress_due)
    return;
  st.progress_due = true;
  self->delayed_send(self, progress_interval, progress_atom::value);
}

void persist(job_ptr self, write_batch extra = {}, std::function<void()> then = {}) {
  auto& st = self->state;
  st.pending.append(std::move(extra));
  if (then)
    st.waiters.push_back(std::move(then));
  st.dirty = true;
  if (!st.writing)
    flush(self);
}

// New counts only: written with the next write, or after progress_interval.
void persist_progress(job_ptr self) {
  auto& st = self->state;
  st.dirty = true;
  if (!st.writing)
    schedule_progress(self);
}

void finish(job_ptr self) {
  auto& st = self->state;
  if (st.finishing)
    return;
  st.finishing = true;
  auto now = wall_clock_ms();
  auto status = !st.fatal.empty() ? job_status::failed
                : st.canceling   ? job_status::canceled
                                 : job_status::completed;
  st.flow_job.status = status;
  st.flow_job.ended_at = now;
  st.flow_job.last_modified = now;
  for (auto& s : st.steps) {
    if (s.started_at < 0)
      s.started_at = now;
    s.status = status;
    s.ended_at = now;
    s.last_modified = now;
  }
  for (auto& s : st.stages)
    self->send_exit(s, caf::exit_reason::user_shutdown);
  // A completed run moves its delta exports' marks, in the same write.
  write_batch marks;
  if (status == job_status::completed && st.flow_job.type == "flow" && st.plan)
    for (const auto& g : st.plan->generators)
      if (g.window && g.window->moves_mark)
        marks.put(keys::export_marks_space, keys::export_mark(st.account, st.flow_id, g.export_id),
                  std::to_string(g.window->current));
  if (status == job_status::completed && st.flow_job.type == "flow" && st.plan)
    for (const auto& next : st.plan->next_flow_ids)
      self->send(st.flow_actor, chain_atom::value, next);
  // A retry's last write also credits its parent with the records that
  // now went through, in the same write (the store reads the parent), so
  // no one sees the retry over before the parent counts them.
  st.closes_retry = st.flow_job.type == "retry" && !st.steps.empty();
  persist(self, std::move(marks), [self] { self->quit(); });
}

// Records one error of the job itself (not a record's): under child job
// `job_id` (the flow job's own id, or a step's) and step `step_id`, counted
// in the flow job; a step's count is the caller's.
void add_error(job_ptr self, const std::string& job_id, const std::string& step_id, const char* source,
               const std::string& code, const std::string& message) {
  auto& st = self->state;
  auto now = wall_clock_ms();
  job_error_entry e;
  e.error_id = st.ids->next(static_cast<std::uint32_t>(now / 1000));
  e.job_id = job_id;
  e.flow_job_id = st.job_id;
  e.flow_id = st.flow_id;
  e.step_id = step_id;
  e.source = source;
  e.code = code;
  e.message = message;
  e.occurred_at = now;
  ++st.flow_job.counts.num_error;
  write_batch b;
  b.put(keys::job_errors_space, keys::job_error(st.account, st.job_id, e.error_id), e.to_json());
  persist(self, std::move(b));
}

void fail(job_ptr self, const std::string& message, const std::string& code) {
  auto& st = self->state;
  if (st.fatal.empty())
    st.fatal = message;
  add_error(self, st.job_id, "", "internal", code, message);
  finish(self);
}

// Step -1: a stage without a step job of its own (a router, a retry's
// replay), whose counts go to the flow job.
stage_links links_for(job_ptr self, std::int32_t step, caf::actor downstream) {
  auto& st = self->state;
  stage_links l;
  l.job = caf::actor_cast<caf::actor>(self);
  l.downstream = std::move(downstream);
  l.step = step;
  if (step >= 0)
    l.job_id = st.steps[static_cast<std::size_t>(step)].id;
  l.flow_job_id = st.job_id;
  l.flow_id = st.flow_id;
  return l;
}

// Starts the next generator; once the run has failed or is canceled it
// only ends its part of the line (every generator's end is counted).
void start_generator(job_ptr self) {
  auto& st = self->state;
  auto g = st.next_generator++;
  bool skip = !st.fatal.empty() || st.canceling;
  st.steps[g].status = job_status::running;
  st.steps[g].started_at = wall_clock_ms();
  auto stage = spawn_export_stage(self, st.services, st.plan, g,
                                  links_for(self, static_cast<std::int32_t>(g), st.first_processor), skip);
  st.generators.push_back(stage);
  st.stages.push_back(stage);
}

// Creates the child jobs, marks everything running, spawns the stages.
void launch(job_ptr self) {
  auto& st = self->state;
  auto now = wall_clock_ms();
  auto child = [&](const std::string& type, const std::string& resource) {
    job_doc d;
    d.id = st.ids->next(static_cast<std::uint32_t>(now / 1000));
    d.type = type;
    d.flow_id = st.flow_id;
    d.integration_id = st.flow_job.integration_id;
    (type == "export" ? d.export_id : d.import_id) = resource;
    d.flow_job_id = st.job_id;
    d.status = job_status::queued;
    d.created_at = now;
    d.last_modified = now;
    return d;
  };
  bool retry = st.flow_job.type == "retry";
  if (!retry)
    for (const auto& g : st.plan->generators)
      st.steps.push_back(child("export", g.export_id));
  st.generator_steps = st.steps.size();
  const auto& stations = st.plan->stations;
  for (auto k = st.first_station; k < stations.size(); ++k) {
    if (stations[k].router)
      continue;
    const auto& p = st.plan->processors[stations[k].index];
    st.steps.push_back(child(p.lookup ? "export" : "import", p.import_id));
    st.steps.back().status = job_status::running;
    st.steps.back().started_at = now;
  }
  st.flow_job.status = job_status::running;
  st.flow_job.started_at = now;
  st.flow_job.last_modified = now;
  // Stations from the last to the first: each needs its downstream. The
  // first one (or the job) hears every generator end.
  auto upstreams = retry ? 1 : static_cast<std::int32_t>(st.plan->generators.size());
  st.ends_left = upstreams;
  caf::actor downstream = caf::actor_cast<caf::actor>(self);
  auto step = static_cast<std::int32_t>(st.steps.size());
  for (std::size_t k = stations.size(); k-- > st.first_station;) {
    const auto& s = stations[k];
    auto links = links_for(self, s.router ? -1 : --step, downstream);
    if (k == st.first_station) {
      links.upstreams = upstreams;
      st.ends_left = 1;
    }
    downstream = s.router ? spawn_router_stage(self, st.services, st.plan, s.index, std::move(links))
                          : spawn_import_stage(self, st.services, st.plan, s.index, std::move(links));
    st.stages.push_back(downstream);
  }
  st.first_processor = downstream;
  if (retry) {
    // The stored records replace the export: step -1 in reports.
    auto page_size = st.plan->generators.empty() ? std::size_t{1000} : st.plan->generators[0].page_size;
    auto lane = st.first_station < stations.size() ? stations[st.first_station].lane : std::uint16_t{0};
    st.generators.push_back(spawn_replay_stage(self, st.services, st.store, st.account,
                                               st.flow_job.to_json(), page_size, lane,
                                               links_for(self, -1, st.first_processor)));
    st.stages.push_back(st.generators.back());
  } else if (st.plan->parallel_generators) {
    while (st.next_generator < st.plan->generators.size())
      start_generator(self);
  } else {
    start_generator(self);
  }
  persist(self);
}

void on_report(job_ptr self, stage_report& r) {
  auto& st = self->state;
  if (!st.finishing && r.step == -1) {  // a retry's replayed pages
    st.flow_job.counts += r.counts;
    persist_progress(self);
    return;
  }
  if (st.finishing || r.step < 0 || static_cast<std::size_t>(r.step) >= st.steps.size())
    return;
  auto& step = st.steps[r.step];
  step.counts += r.counts;
  bool is_generator = static_cast<std::size_t>(r.step) < st.generator_steps;
  // The flow job sums what its steps did: exports' records and pages,
  // processors' outcomes (a filtered export record is ignored too).
  job_counts c = r.counts;
  if (!is_generator)
    c.num_pages_processed =
      static_cast<std::size_t>(r.step) == st.steps.size() - 1 ? r.counts.num_pages_processed : 0;
  st.flow_job.counts += c;
  auto now = wall_clock_ms();
  step.last_modified = now;
  st.flow_job.last_modified = now;
  write_batch b;
  for (auto& e : r.errors) {
    if (e.error_id.empty())
      e.error_id = st.ids->next(static_cast<std::uint32_t>(now / 1000));
    if (e.occurred_at == 0)
      e.occurred_at = now;
    if (!e.retry_data_key.empty())
      b.put(keys::retry_data_space, keys::resource(st.account, e.retry_data_key), e.retry_data);
    b.put(keys::job_errors_space, keys::job_error(st.account, st.job_id, e.error_id), e.to_json());
  }
  if (b.empty())
    persist_progress(self);
  else
    persist(self, std::move(b));
  if (!r.fatal.empty() && st.fatal.empty())
    st.fatal = r.fatal;
  if (r.exhausted && is_generator) {
    step.status = r.fatal.empty() && st.fatal.empty() ? job_status::completed : job_status::failed;
    step.ended_at = now;
    if (st.next_generator < st.plan->generators.size())
      start_generator(self);
  }
}

// Sends the calls that flag a page's records of generator `g`.
void send_once(job_ptr self, std::size_t g, std::vector<once_call> calls) {
  auto& st = self->state;
  const auto& gen = st.plan->generators[g];
  auto me = caf::actor_cast<caf::actor>(self);
  for (auto& c : calls) {
    ++st.once_out;
    st.services->outbound->submit(gen.endpoint->request(std::move(c.method), c.target, std::move(c.body), {}),
                                  gen.connection_id, gen.endpoint->concurrency(), gen.endpoint->retry(),
                                  [me, g](outbound_response r) {
                                    caf::anon_send(me, http_atom::value, std::uint64_t{g}, std::move(r));
                                  });
  }
}

// A page has gone through the whole line: a once export flags its records.
void on_page_through(job_ptr self, std::uint64_t origin) {
  auto& st = self->state;
  auto g = origin_generator(origin);
  if (g < 0 || st.flow_job.type == "retry" || !st.plan
      || static_cast<std::size_t>(g) >= st.plan->generators.size()
      || !st.plan->generators[static_cast<std::size_t>(g)].once)
    return;
  auto it = st.once_calls.find(origin);
  if (it == st.once_calls.end()) {
    st.once_through.insert(origin);
    return;
  }
  send_once(self, static_cast<std::size_t>(g), std::move(it->second));
  st.once_calls.erase(it);
}

// A flagging call's answer; a failure is an error of the export's step.
void on_once_answer(job_ptr self, std::size_t g, const outbound_response& r) {
  auto& st = self->state;
  --st.once_out;
  if (auto why = once_marking::failure(r.status, r.body); why && g < st.generator_steps) {
    ++st.steps[g].counts.num_error;
    add_error(self, st.steps[g].id, st.plan->generators[g].export_id, "export", "once_failed", *why);
  }
  if (st.ended && st.once_out == 0)
    finish(self);
}

// Once the job and its flow's spec are both loaded: compiles the plan and
// launches the job, or ends it (canceled while queued, or an invalid flow).
void begin(job_ptr self) {
  auto& st = self->state;
  if (!st.loaded_job || !st.loaded_spec)
    return;
  auto job = job_doc::from_json(*st.loaded_job);
  if (!job || job->status != job_status::queued) {
    self->quit();  // canceled while queued, or gone
    return;
  }
  st.flow_job = *job;
  auto [why, spec] = std::move(*st.loaded_spec);
  st.loaded_job.reset();
  st.loaded_spec.reset();
  if (why.empty())
    if (auto plan = flow_plan::for_job(spec, st.flow_job, wall_clock_ms(), st.first_station, &why))
      st.plan = std::make_shared<const flow_plan>(std::move(*plan));
  if (!st.plan) {
    st.flow_job.status = job_status::running;
    st.flow_job.started_at = wall_clock_ms();
    fail(self, why, "invalid_flow");
    return;
  }
  launch(self);
}

caf::behavior job_impl(job_ptr self, std::shared_ptr<const node_services> services,
                       caf::actor store, std::string account, std::string flow_id,
                       std::string job_id, caf::actor flow) {
  auto& st = self->state;
  st.flow_actor = std::move(flow);
  st.services = std::move(services);
  st.store = std::move(store);
  st.account = std::move(account);
  st.flow_id = std::move(flow_id);
  st.job_id = std::move(job_id);
  st.ids.emplace(make_id_generator());
  // Stages are linked to the job: their exit comes here. A stage that
  // fails fails the job; an exit from the flow (shutdown) stops it.
  self->set_exit_handler([=](caf::exit_msg& msg) {
    auto& st = self->state;
    bool from_stage = std::any_of(st.stages.begin(), st.stages.end(), [&](const caf::actor& a) {
      return a.address() == msg.source;
    });
    if (!from_stage) {
      self->quit(msg.reason);
      return;
    }
    if (msg.reason && msg.reason != caf::exit_reason::user_shutdown && !st.finishing)
      fail(self, "a step of the job stopped: " + caf::to_string(msg.reason), "step_crashed");
  });
  self->send(self, start_atom::value);
  return {
    [=](start_atom) {
      auto& st = self->state;
      // The job and its flow's spec are asked for at once: the store answers
      // the second right after the first, one hand-off instead of two.
      self->request(st.store, caf::infinite, load_atom::value, st.account, st.job_id)
        .then([=](std::string& doc) {
          self->state.loaded_job = std::move(doc);
          begin(self);
        });
      self->request(st.store, caf::infinite, spec_atom::value, st.account, st.flow_id)
        .then([=](std::string& error, job_spec& spec) {
          self->state.loaded_spec.emplace(std::move(error), std::move(spec));
          begin(self);
        });
    },
    [=](report_atom, stage_report& r) { on_report(self, r); },
    [=](progress_atom) {
      auto& st = self->state;
      st.progress_due = false;
      if (st.dirty && !st.writing)
        flush(self);
    },
    // The end of the line: pages that have gone through (the last
    // processor sends their origin alone), or the generators' pages
    // themselves when the flow has no processors.
    [=](page_atom, const record_page& page) {
      auto& st = self->state;
      if (st.plan && st.plan->stations.empty())
        ++st.flow_job.counts.num_pages_processed;
      self->send(caf::actor_cast<caf::actor>(self->current_sender()), credit_atom::value,
                 std::int32_t{1});
      on_page_through(self, page.origin());
    },
    [=](once_atom, std::uint64_t origin, std::vector<once_call>& calls) {
      auto& st = self->state;
      if (st.once_through.erase(origin) > 0)
        send_once(self, static_cast<std::size_t>(origin_generator(origin)), std::move(calls));
      else
        st.once_calls.emplace(origin, std::move(calls));
    },
    [=](http_atom, std::uint64_t g, const outbound_response& r) {
      on_once_answer(self, static_cast<std::size_t>(g), r);
    },
    [=](end_atom) {
      auto& st = self->state;
      if (--st.ends_left > 0)
        return;
      st.ended = true;
      if (st.once_out == 0)
        finish(self);
    },
    [=](crash_atom) {
      if (self->state.services->test_hooks)
        throw std::runtime_error("job crashed on request (test hook)");
    },
    [=](cancel_atom) -> api_reply {
      auto& st = self->state;
      if (!st.finishing && !st.canceling) {
        st.canceling = true;
        st.flow_job.status = job_status::canceling;
        st.flow_job.last_modified = wall_clock_ms();
        for (const auto& g : st.generators)
          self->send(g, cancel_atom::value);
        persist(self);
        if (!st.plan)
          finish(self);
      }
      return api_reply::json(api_status::ok, st.flow_job.to_json());
    },
  };
}

}  // namespace

caf::actor spawn_job(caf::local_actor* parent, std::shared_ptr<const node_services> services,
                     caf::actor store, std::string account, std::string flow_id,
                     std::string job_id, caf::actor flow) {
  return parent->spawn<caf::linked>(job_impl, std::move(services), std::move(store), std::move(account),
                       std::move(flow_id), std::move(job_id), std::move(flow));
}

}  // namespace integrator
