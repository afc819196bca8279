#include "actors/job_runner.hpp"

#include <caf/all.hpp>

#include <chrono>
#include <deque>
#include <iostream>

#include "actors/cluster_view.hpp"
#include "actors/outbound_reply.hpp"
#include "actors/page_relay.hpp"
#include "actors/stages.hpp"
#include "core/connect/once_marking.hpp"
#include "core/engine/job_ledger.hpp"
#include "core/engine/once_tracker.hpp"
#include "core/engine/write_pacer.hpp"

namespace integrator {

namespace {

struct job_state {
  std::shared_ptr<const node_services> services;
  engine_store_actor store;
  flow_actor flow;  ///< our flow's actor (chains _runNextFlowIds)
  std::string account;
  std::string flow_id;
  std::string job_id;
  std::shared_ptr<const flow_plan> plan;
  std::optional<job_ledger> ledger;  ///< once the job is loaded
  write_pacer pacer;
  once_tracker once;
  std::vector<caf::actor_addr> stages;     ///< every stage, to stop them at the end
  std::vector<generator_actor> generators; ///< started so far (a retry's replay too)
  page_sink_actor first_station;           ///< or the job itself without processors
  std::size_t next_generator = 0;
  std::size_t first_station_index = 0;     ///< where a retry's records go back in
  std::optional<std::string> loaded_job;   ///< the job as stored, until the spec is in too
  std::optional<std::pair<api_error, job_spec>> loaded_spec;
  std::optional<std::string> loaded_checkpoint;  ///< "" when the job has none
  std::vector<resume_point> resume_from;  ///< a resumed job's generators: where they go on
  std::deque<page_source_actor> held;     ///< credit held until a durable write (checkpoint_tracker)
  std::vector<caf::typed_response_promise<api_reply>> early_cancels;  ///< before it loaded
  bool ended = false;            ///< the line has ended (end_atom)
  std::int32_t ends_left = 1;    ///< as the line's end: senders yet to end
  bool last_write_out = false;   ///< the finished job's write is out: quit when durable
  std::optional<lease_fence> fence;  ///< cluster: every write only while the flow's lease holds
  /// When imports are spread over nodes: what a host compiles the plan from.
  std::shared_ptr<const job_spec> spec;
  std::int64_t plan_now = 0;  ///< the time the plan was made for (delta windows)
  static inline const char* name = "job";
};

using job_ptr = job_actor::stateful_pointer<job_state>;

void write_out(job_ptr self);

// Does what the pacer says.
void act(job_ptr self, write_pacer::action a) {
  switch (a) {
    case write_pacer::action::none:
      return;
    case write_pacer::action::arm_timer:
      self->delayed_send(self, write_pacer::interval, progress_atom::value);
      return;
    case write_pacer::action::write:
      write_out(self);
      return;
  }
}

// Writes what the ledger has; once the job is finished, this is its last
// write: a retry's also credits its parent (in the same batch, so no one
// sees the retry over before the parent counts it), and the job quits
// when it is durable.
void write_out(job_ptr self) {
  auto& st = self->state;
  bool last = st.ledger->finishing();
  st.last_write_out = last;
  auto batch = st.ledger->take_writes();
  if (st.fence)
    fence(batch, st.fence->name, st.fence->held);
  auto done = [=](const api_error& e) {
    auto& st = self->state;
    if (e.code == error_code::conflict && st.fence) {
      std::cerr << "integratord: job " << st.job_id << ": its flow's lease has moved to another node (this one "
                << "was too slow to count as alive); it stops here and the new holder resumes it" << std::endl;
      self->send(st.flow, lease_atom::value);  // the flow's lease is not ours any more
      self->quit(caf::exit_reason::user_shutdown);
      return;
    }
    if (e)
      std::cerr << "integratord: job " << st.job_id << ": a write failed: " << e.message << std::endl;
    if (last) {
      self->quit();
      return;
    }
    // Pages the checkpoint now holds: their credit goes back.
    if (auto* progress = st.ledger->progress(); progress && !e)
      for (auto n = progress->written(); n > 0 && !st.held.empty(); --n) {
        self->send(st.held.front(), credit_atom::value, std::int32_t{1});
        st.held.pop_front();
      }
    act(self, st.pacer.written());
  };
  if (last && st.ledger->is_retry() && !st.ledger->steps().empty()) {
    self->request(st.store, caf::infinite, retried_atom::value, st.account,
                  st.ledger->flow_job().to_json(), st.ledger->recovered(), std::move(batch))
      .then(done);
    return;
  }
  self->request(st.store, caf::infinite, write_atom::value, std::move(batch)).then(done);
}

void finish(job_ptr self) {
  auto& st = self->state;
  if (st.ledger->finishing())
    return;
  auto status = st.ledger->finish(st.plan.get(), wall_clock_ms());
  for (const auto& s : st.stages)
    self->send_exit(s, caf::exit_reason::user_shutdown);
  if (status == job_status::completed && !st.ledger->is_retry() && st.plan)
    for (const auto& next : st.plan->next_flow_ids)
      self->send(st.flow, chain_atom::value, next);
  act(self, st.pacer.changed(true));
}

// A flow that cannot be planned: invalid_flow, unless the plan named a more
// precise reason a user can act on (user code this server does not run).
error_code plan_failure_code(const api_error& e) {
  return e.code == error_code::user_code_unavailable ? e.code : error_code::invalid_flow;
}

void fail(job_ptr self, const std::string& message, error_code code) {
  self->state.ledger->fail(message, code, wall_clock_ms());
  finish(self);
}

// Step -1: a stage without a step job of its own (a router, a retry's
// replay), whose counts go to the flow job.
stage_links links_for(job_ptr self, std::int32_t step, page_sink_actor downstream) {
  auto& st = self->state;
  stage_links l;
  l.job = caf::actor_cast<job_report_actor>(self);
  l.downstream = std::move(downstream);
  l.step = step;
  if (step >= 0)
    l.job_id = st.ledger->steps()[static_cast<std::size_t>(step)].id;
  l.flow_job_id = st.job_id;
  l.flow_id = st.flow_id;
  l.account = st.account;
  return l;
}

template <class Handle>
Handle keep_stage(job_ptr self, Handle stage) {
  self->state.stages.push_back(stage.address());
  return stage;
}

// Starts the next generator; once the run has failed or is canceled it
// only ends its part of the line (every generator's end is counted).
void start_generator(job_ptr self) {
  auto& st = self->state;
  auto g = st.next_generator++;
  bool skip = !st.ledger->fatal().empty() || st.ledger->canceling();
  st.ledger->start_generator(g, wall_clock_ms());
  auto step = static_cast<std::int32_t>(g);
  auto links = links_for(self, step, st.first_station);
  // The export's user code (script transform and filter, preSavePage)
  // sits between the export and the first station.
  if (st.plan->generators[g].runs_page_code())
    links.downstream = keep_stage(self, spawn_hook_stage(self, st.plan, g,
                                                         links_for(self, step, st.first_station)));
  resume_point from;
  if (g < st.resume_from.size())
    from = st.resume_from[g];
  if (st.plan->generators[g].wrapper)
    st.generators.push_back(keep_stage(self, spawn_wrapper_export_stage(self, st.plan, g, std::move(links),
                                                                        skip, std::move(from))));
  else
    st.generators.push_back(keep_stage(
      self, spawn_export_stage(self, st.plan, g, std::move(links), skip, std::move(from))));
}

// Pages that may come through before a durable write has them: with the
// pages each stage holds, what a crash can leave delivered but unrecorded.
std::int64_t checkpoint_lag(const node_services& services) {
  return std::int64_t{4} * services.pages_in_flight;
}

void start_line(job_ptr self);

// The node to run the job's import `processor`, when this node spreads imports
// (it kept the spec for them) and another live node can take it; nullptr
// otherwise.
node_door_actor host_for(job_ptr self, std::size_t processor) {
  auto& st = self->state;
  if (!st.spec)
    return {};
  return st.services->cluster->door_elsewhere(st.job_id + "/" + std::to_string(processor));
}

// Spawns stations `k`-1 down to the first one, each before the one that
// sends it pages, then the generators. An import stage placed on another
// node is asked for there (and spawned here when that node does not
// answer), so the line is built one reply at a time.
void spawn_stations(job_ptr self, std::size_t k, page_sink_actor downstream, std::int32_t step) {
  auto& st = self->state;
  if (k == st.first_station_index) {
    st.first_station = std::move(downstream);
    start_line(self);
    return;
  }
  --k;
  const auto& s = st.plan->stations[k];
  auto links = links_for(self, s.router ? -1 : --step, downstream);
  if (k == st.first_station_index) {
    links.upstreams = st.ends_left;
    st.ends_left = 1;
  }
  if (s.router) {
    auto stage = keep_stage(self, spawn_router_stage(self, st.plan, s.index, std::move(links)));
    spawn_stations(self, k, stage, step);
    return;
  }
  auto spawn_here = [=](stage_links links) {
    auto& st = self->state;
    auto stage = keep_stage(self, spawn_import_stage(self, st.plan, s.index, std::move(links)));
    spawn_stations(self, k, stage, step);
  };
  auto door = host_for(self, s.index);
  if (!door) {
    spawn_here(std::move(links));
    return;
  }
  stage_placement placed{*st.spec, st.ledger->flow_job().to_json(), st.plan_now, s.index, links};
  self->request(door, std::chrono::seconds(1), place_atom::value, std::move(placed))
    .then(
      [=](import_stage_actor& stage) {
        // Linked by the stage itself, as it started.
        spawn_stations(self, k, keep_stage(self, std::move(stage)), step);
      },
      [=](caf::error& e) {
        std::cerr << "integratord: job " << self->state.job_id << ": its import step could not run on another "
                  << "node (" << caf::to_string(e) << "); it runs on this one" << std::endl;
        spawn_here(links);
      });
}

// Spawns the stages of a launched or resumed job: the stations from the
// last to the first (each needs its downstream), then the generators. The
// first station (or the job) hears every generator end.
void spawn_line(job_ptr self) {
  auto& st = self->state;
  st.ends_left = st.ledger->is_retry() ? 1 : static_cast<std::int32_t>(st.plan->generators.size());
  spawn_stations(self, st.plan->stations.size(), caf::actor_cast<page_sink_actor>(self),
                 static_cast<std::int32_t>(st.ledger->steps().size()));
}

// Once the stations are there: starts the generators (or a retry's replay).
void start_line(job_ptr self) {
  auto& st = self->state;
  const auto& stations = st.plan->stations;
  if (st.ledger->is_retry()) {
    // The stored records replace the export: step -1 in reports. Records
    // an export's user code failed go through it again.
    auto page_size = st.plan->generators.empty() ? std::size_t{1000} : st.plan->generators[0].page_size;
    auto lane = st.first_station_index < stations.size() ? stations[st.first_station_index].lane
                                                         : std::uint16_t{0};
    auto replay_to = st.first_station;
    const auto& retried = st.ledger->flow_job().retry_step_id;
    for (std::size_t g = 0; g < st.plan->generators.size(); ++g)
      if (st.plan->generators[g].export_id == retried && st.plan->generators[g].runs_page_code())
        replay_to = keep_stage(self, spawn_hook_stage(self, st.plan, g,
                                                      links_for(self, -1, st.first_station)));
    st.generators.push_back(keep_stage(
      self, spawn_replay_stage(self, st.store, st.account,
                               st.ledger->flow_job().to_json(), page_size, lane,
                               links_for(self, -1, replay_to))));
  } else if (st.plan->parallel_generators) {
    while (st.next_generator < st.plan->generators.size())
      start_generator(self);
  } else {
    start_generator(self);
  }
  act(self, st.pacer.changed(true));
}

// Creates the child jobs, marks everything running, spawns the stages.
void launch(job_ptr self, const std::string& digest, std::int64_t plan_now) {
  auto& st = self->state;
  st.plan_now = plan_now;
  st.ledger->launch(*st.plan, st.first_station_index, wall_clock_ms());
  st.ledger->keep_checkpoint(digest, plan_now, st.plan->generators.size(),
                             checkpoint_lag(*st.services));
  spawn_line(self);
}

// The most records a resumed job may send again: the pages a crash can
// leave delivered but not in a durable checkpoint (each station holds
// pages-in-flight, as does each link between stations, and the job's lag)
// at the largest page size of its exports.
std::int64_t resend_bound(const flow_plan& plan, const node_services& services) {
  std::size_t page_size = 1;
  for (const auto& g : plan.generators)
    page_size = std::max(page_size, g.page_size);
  auto stations = static_cast<std::int64_t>(plan.stations.size());
  auto pages = services.pages_in_flight * (2 * stations + 1) + checkpoint_lag(services);
  return pages * static_cast<std::int64_t>(page_size);
}

// Takes up a job integratord was running when it stopped (job_recovery.hpp)
// where its checkpoint says, or fails it saying why it cannot.
void resume(job_ptr self, const job_doc& job, const job_spec& spec, const std::string& checkpoint) {
  auto& st = self->state;
  auto saved = job_checkpoint::from_json(checkpoint);
  auto cannot = [&](const std::string& why) {
    fail(self, "interrupted (integratord stopped while the job ran) and cannot resume: " + why
                 + "; run the flow again",
         error_code::job_failed);
  };
  if (!saved) {
    cannot("its checkpoint is unreadable");
    return;
  }
  if (saved->spec_digest != spec_digest(spec)) {
    cannot("the flow, or one of its exports, imports or connections, changed since it started");
    return;
  }
  auto plan = flow_plan::for_job(spec, job, saved->plan_now, st.first_station_index);
  if (!plan) {
    fail(self, plan.error().message, plan_failure_code(plan.error()));
    return;
  }
  st.plan = std::make_shared<const flow_plan>(std::move(*plan));
  st.plan_now = saved->plan_now;
  if (!st.ledger->resume(*st.plan, st.first_station_index, *saved, checkpoint_lag(*st.services),
                         resend_bound(*st.plan, *st.services), wall_clock_ms())) {
    cannot("its checkpoint does not fit the flow");
    return;
  }
  // Each generator goes on from its checkpoint; one that had ended (its
  // point is done) ends at once.
  for (const auto& g : saved->generators)
    st.resume_from.push_back(g.at);
  spawn_line(self);
}

// Sends the calls that flag a page's records of generator `g`.
void send_once(job_ptr self, std::size_t g, std::vector<once_call> calls) {
  auto& st = self->state;
  if (calls.empty())
    return;
  const auto& gen = st.plan->generators[g];
  for (auto& c : calls) {
    if (!c.failure.empty()) {
      st.ledger->once_failed(g, gen.export_id, c.failure, wall_clock_ms());
      act(self, st.pacer.changed(true));
      continue;
    }
    auto req = gen.endpoint->request(std::move(c.method), c.target, std::move(c.body), {});
    if (!req) {  // nothing goes out: the flag fails, saying why
      st.ledger->once_failed(g, gen.export_id, req.error().message, wall_clock_ms());
      act(self, st.pacer.changed(true));
      continue;
    }
    st.once.sent(1);
    call_out(*st.services->outbound, *gen.endpoint, gen.connection_id, std::move(*req),
             caf::actor_cast<job_actor>(self), g);
  }
}

// The generator of page `origin` when it is a once export's page.
std::optional<std::size_t> once_generator(job_ptr self, std::uint64_t origin) {
  auto& st = self->state;
  auto g = origin_generator(origin);
  if (g < 0 || st.ledger->is_retry() || !st.plan
      || static_cast<std::size_t>(g) >= st.plan->generators.size()
      || !st.plan->generators[static_cast<std::size_t>(g)].once)
    return std::nullopt;
  return static_cast<std::size_t>(g);
}

// Once the job and its flow's spec are both loaded: compiles the plan and
// launches the job, or ends it (canceled while queued, an invalid flow).
void begin(job_ptr self) {
  auto& st = self->state;
  if (!st.loaded_job || !st.loaded_spec || !st.loaded_checkpoint)
    return;
  auto job = job_doc::from_json(*st.loaded_job);
  // A job found running with a checkpoint was interrupted and resumes.
  bool resuming = job && job->status == job_status::running && job->type == "flow"
                  && !st.loaded_checkpoint->empty();
  if (!job || (job->status != job_status::queued && !resuming)) {
    for (auto& rp : st.early_cancels)
      rp.deliver(job ? api_reply::json(api_status::ok, *st.loaded_job)
                     : api_reply::fail(make_api_error(error_code::not_found, "Job not found")));
    self->quit();  // canceled while queued, or gone
    return;
  }
  st.ledger.emplace(st.account, *job, make_id_generator());
  auto [error, spec] = std::move(*st.loaded_spec);
  st.loaded_job.reset();
  st.loaded_spec.reset();
  auto now = wall_clock_ms();
  if (!st.early_cancels.empty()) {  // canceled before it could start
    st.ledger->cancel(now);
    for (auto& rp : st.early_cancels)
      rp.deliver(api_reply::json(api_status::ok, st.ledger->flow_job().to_json()));
    st.early_cancels.clear();
    finish(self);
    return;
  }
  if (error) {
    fail(self, error.message, error_code::invalid_flow);
    return;
  }
  if (st.services->spread_imports && st.services->cluster)
    st.spec = std::make_shared<const job_spec>(spec);
  if (resuming) {
    resume(self, *job, spec, *st.loaded_checkpoint);
    return;
  }
  auto plan = flow_plan::for_job(spec, *job, now, st.first_station_index);
  if (!plan) {
    fail(self, plan.error().message, plan_failure_code(plan.error()));
    return;
  }
  st.plan = std::make_shared<const flow_plan>(std::move(*plan));
  launch(self, spec_digest(spec), now);
}

job_actor::behavior_type job_impl(job_ptr self, engine_store_actor store, std::string account,
                                  std::string flow_id, std::string job_id, flow_actor flow,
                                  std::optional<lease_fence> held) {
  auto& st = self->state;
  st.fence = std::move(held);
  st.flow = std::move(flow);
  st.services = services_of(self->system());
  st.store = std::move(store);
  st.account = std::move(account);
  st.flow_id = std::move(flow_id);
  st.job_id = std::move(job_id);
  // Stages are linked to the job: their exit comes here. A stage that
  // fails fails the job; an exit from the flow (shutdown) stops it.
  self->set_exit_handler([=](caf::exit_msg& msg) {
    auto& st = self->state;
    bool from_stage = std::find(st.stages.begin(), st.stages.end(), msg.source) != st.stages.end();
    if (!from_stage) {
      self->quit(msg.reason);
      return;
    }
    if (msg.reason == caf::exit_reason::remote_link_unreachable && st.ledger && !st.ledger->finishing()) {
      // A stage on another node is gone with its node (dead, or stopping):
      // the job stops without another write and its flow runs it again,
      // from its last checkpoint, on the nodes there are now.
      std::cerr << "integratord: job " << st.job_id << ": a step it ran on another node was lost with that node; "
                << "it resumes from its last checkpoint" << std::endl;
      self->send(st.flow, resume_atom::value, st.job_id);
      self->quit(caf::exit_reason::user_shutdown);
      return;
    }
    if (msg.reason && msg.reason != caf::exit_reason::user_shutdown && st.ledger
        && !st.ledger->finishing())
      fail(self, "a step of the job stopped: " + caf::to_string(msg.reason), error_code::step_crashed);
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
        .then([=](api_error& error, job_spec& spec) {
          self->state.loaded_spec.emplace(std::move(error), std::move(spec));
          begin(self);
        });
      self->request(st.store, caf::infinite, resume_atom::value, st.account, st.job_id)
        .then([=](std::string& checkpoint) {
          self->state.loaded_checkpoint = std::move(checkpoint);
          begin(self);
        });
    },
    [=](report_atom, stage_report& r) {
      auto& st = self->state;
      if (!st.ledger || st.ledger->finishing())
        return;
      if (!r.offline_connection.empty())
        self->send(st.store, offline_atom::value, st.account, r.offline_connection);
      auto booked = st.ledger->book(std::move(r), wall_clock_ms());
      act(self, st.pacer.changed(booked.urgent));
      if (booked.generator_ended && st.next_generator < st.plan->generators.size())
        start_generator(self);
    },
    [=](progress_atom) { act(self, self->state.pacer.timer()); },
    // The end of the line: pages that have gone through (the last
    // processor sends their origin alone), or the generators' pages
    // themselves when the flow has no processors.
    [=](page_atom, const record_page& page) {
      auto& st = self->state;
      if (st.plan && st.plan->stations.empty())
        st.ledger->page_through_alone();
      // The page's credit goes back unless too many pages came through
      // since the last durable write (job_checkpoint.hpp).
      auto* progress = st.ledger ? st.ledger->progress() : nullptr;
      bool errors_due = false;
      if (!progress || st.ledger->page_through(page.origin(), errors_due))
        self->send(sender_of(self), credit_atom::value, std::int32_t{1});
      else
        st.held.push_back(sender_of(self));
      if (progress && (progress->behind() || errors_due))
        act(self, st.pacer.changed(true));
      if (auto g = once_generator(self, page.origin()))
        send_once(self, *g, st.once.page_through(page.origin()));
    },
    [=](once_atom, std::uint64_t origin, std::vector<once_call>& calls) {
      if (auto g = once_generator(self, origin))
        send_once(self, *g, self->state.once.calls_for(origin, std::move(calls)));
    },
    [=](http_atom, std::uint64_t g, const outbound_response& r) {
      auto& st = self->state;
      st.once.answered();
      if (auto why = once_marking::failure(r.status, r.body)) {
        st.ledger->once_failed(g, st.plan->generators[g].export_id, *why, wall_clock_ms());
        act(self, st.pacer.changed(true));
      }
      if (st.ended && st.once.settled())
        finish(self);
    },
    [=](end_atom) {
      auto& st = self->state;
      if (--st.ends_left > 0)
        return;
      st.ended = true;
      if (st.once.settled())
        finish(self);
    },
    [=](crash_atom) {
      if (self->state.services->test_hooks)
        throw std::runtime_error("job crashed on request (test hook)");
    },
    [=](cancel_atom) -> caf::result<api_reply> {
      auto& st = self->state;
      if (!st.ledger) {  // not loaded yet: answered once it is
        st.early_cancels.push_back(self->make_response_promise<api_reply>());
        return st.early_cancels.back();
      }
      if (st.ledger->cancel(wall_clock_ms())) {
        for (const auto& g : st.generators)
          self->send(g, cancel_atom::value);
        act(self, st.pacer.changed(true));
      }
      return api_reply::json(api_status::ok, st.ledger->flow_job().to_json());
    },
  };
}

}  // namespace

job_actor spawn_job(caf::local_actor* parent, engine_store_actor store, std::string account, std::string flow_id,
                    std::string job_id, flow_actor flow, std::optional<lease_fence> fence) {
  return parent->spawn<caf::linked>(job_impl, std::move(store),
                                    std::move(account), std::move(flow_id), std::move(job_id),
                                    std::move(flow), std::move(fence));
}

}  // namespace integrator
