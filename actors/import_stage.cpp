#include <caf/all.hpp>

#include <boost/json.hpp>

#include <deque>
#include <map>

#include "actors/catalogue.hpp"
#include "core/json/json_depth.hpp"
#include "actors/import_page_calls.hpp"
#include "actors/page_relay.hpp"
#include "actors/stages.hpp"
#include "core/json/json_path.hpp"
#include "core/util/object_id.hpp"
#include "actors/outbound_reply.hpp"
#include "actors/spawn_work.hpp"
#include "core/engine/import_page_run.hpp"

namespace integrator {

namespace json = boost::json;

namespace {

struct inbound_page {
  record_page page;
  page_source_actor from;
};

// The page being worked on, and where it stands (import_page_run). When
// some records of the page are in other lanes (routers), `page` holds only
// this stage's and `picked` says where they were in `whole`.
struct work {
  record_page page;
  record_page whole;
  bool narrowed = false;              ///< false: page is the whole page
  std::vector<std::uint32_t> picked;  ///< where page's records are in whole
  page_source_actor from;
  std::optional<import_page_run> run;
  std::size_t outstanding = 0;  ///< requests or lookups out
};

struct import_state {
  std::shared_ptr<const node_services> services;
  std::shared_ptr<const flow_plan> plan;
  const import_step* step = nullptr;
  stage_links links;
  std::uint16_t lane = 0;  ///< the records this stage works on
  std::deque<inbound_page> inbox;
  page_relay relay;
  bool last = false;  ///< no stage follows: records end here
  std::map<std::uint64_t, work> active;  ///< pages being worked on, by generation
  bool ended = false;
  std::int32_t ends_left = 1;  ///< upstreams yet to end
  std::uint64_t generation = 0;
  std::optional<object_id_generator> ids;
  static inline const char* name = "import_stage";
};

using import_ptr = import_stage_actor::stateful_pointer<import_state>;

void process_next(import_ptr self);

void maybe_end(import_ptr self) {
  auto& st = self->state;
  if (st.ended && st.inbox.empty() && st.active.empty() && st.relay.outbox.empty()) {
    self->send(st.links.downstream, end_atom::value);
    self->quit();
  }
}

std::string trace_key_of(const json::value& record) {
  if (const auto* o = record.if_object())
    for (const char* k : {"id", "_id"})
      if (auto it = o->find(k); it != o->end())
        return text_of(it->value());
  return {};
}

// For records staged from their text: parsed only when one failed.
std::string trace_key_of(std::string_view text) {
  boost::system::error_code ec;
  auto v = parse_json(text, ec);
  return ec ? std::string() : trace_key_of(v);
}

void finish_page(import_ptr self, std::uint64_t gen) {
  auto& st = self->state;
  auto& w = st.active.at(gen);
  auto& run = *w.run;
  auto& records = run.records();
  stage_report r;
  r.counts.num_pages_processed = 1;
  bool forwards = !st.last;
  std::size_t total = w.narrowed ? w.whole.size() : w.page.size();
  page_builder next(total + 1, max_page_bytes * 2);
  auto now = wall_clock_ms();
  bool parsed = !records.empty();
  std::size_t own = 0;  // the next record of w.page
  for (std::size_t j = 0; j < total; ++j) {
    if (w.narrowed && (own == w.picked.size() || w.picked[own] != j)) {
      if (forwards)  // another lane's record
        next.append(w.whole.record(j), w.whole.lane(j));
      continue;
    }
    auto i = own++;
    auto& out = run.outcomes()[i];
    using k = record_outcome::kind;
    bool pass = true;
    switch (out.what) {
      case k::filtered:
      case k::ignored:
        ++r.counts.num_ignore;
        break;
      case k::succeeded:
        ++r.counts.num_success;
        break;
      default: {
        ++r.counts.num_error;
        pass = st.step->plan->proceed_on_failure();
        job_error_entry e;
        e.error_id = st.ids->next(static_cast<std::uint32_t>(now / 1000));
        e.step_id = st.step->import_id;
        e.source = out.source ? out.source : st.step->lookup ? "lookup" : "import";
        e.code = out.code.empty() ? std::string(code_name(error_code::import_failed)) : out.code;
        e.message = out.message;
        e.trace_key = parsed ? trace_key_of(records[i]) : trace_key_of(w.page.record(i));
        e.retry_data_key = st.ids->next(static_cast<std::uint32_t>(now / 1000));
        e.retry_data = std::string(w.page.record(i));
        e.occurred_at = now;
        r.errors.push_back(std::move(e));
      }
    }
    if (forwards && pass) {
      if (parsed) {
        if (!run.responded())
          st.step->plan->map_response(records[i], out);
        next.append(json::serialize(records[i]), st.lane);
      } else {
        next.append(w.page.record(i), st.lane);
      }
    }
  }
  for (auto& e : run.logged()) {
    e.step_id = st.step->import_id;
    r.errors.push_back(std::move(e));
  }
  r.origin = w.narrowed ? w.whole.origin() : w.page.origin();
  st.links.stamp(r);
  self->send(st.links.job, report_atom::value, std::move(r));
  // The last stage hands the job the page's origin alone: it has gone
  // through the flow.
  st.relay.push(next.take(w.narrowed ? w.whole.origin() : w.page.origin()), w.from);
  st.active.erase(gen);
  st.relay.drain(self, st.links.downstream);
  process_next(self);
  maybe_end(self);
}

// Makes the calls of what the page needs next (import_page_calls.hpp); or
// finishes it.
void proceed(import_ptr self, std::uint64_t gen, import_page_run::need need) {
  auto& st = self->state;
  if (need == import_page_run::need::finished) {
    finish_page(self, gen);
    return;
  }
  auto& w = st.active.at(gen);
  w.outstanding = send_page_calls(*st.services, st.links.account, *st.step, *w.run, need, gen, st.step->connection_id,
                                  caf::actor_cast<import_stage_actor>(self));
}

void process_next(import_ptr self) {
  auto& st = self->state;
  // Up to pages_in_flight pages at once (their requests overlap), as long
  // as finished ones are not piling up for want of credit downstream.
  auto limit = static_cast<std::size_t>(std::max(1, st.services->pages_in_flight));
  if (st.active.size() >= limit || st.inbox.empty() || st.relay.outbox.size() >= limit)
    return;
  auto in = std::move(st.inbox.front());
  st.inbox.pop_front();
  auto gen = ++st.generation;
  auto& w = st.active[gen];
  w.page = std::move(in.page);
  w.from = std::move(in.from);
  if (auto mine = pick_lane(w.page, st.lane)) {
    w.narrowed = true;
    w.whole = std::move(w.page);
    w.page = std::move(mine->page);
    w.picked = std::move(mine->picked);
  }
  w.run.emplace(*st.plan, *st.step, !st.last, false);
  proceed(self, gen, w.run->start(w.page));
  process_next(self);  // another page, if the limit allows
}

import_stage_actor::behavior_type import_impl(import_ptr self, std::shared_ptr<const flow_plan> plan,
                                              std::size_t processor, stage_links links, bool hosted) {
  auto& st = self->state;
  // Placed here by a job on another node: linked to that job, so each
  // stops with the other (a lost connection ends both sides' links with
  // remote_link_unreachable). Locally, the job spawned it linked.
  if (hosted)
    self->link_to(links.job);
  st.services = services_of(self->system());
  st.plan = std::move(plan);
  st.step = &st.plan->processors[processor];
  st.links = std::move(links);
  st.ends_left = st.links.upstreams;
  auto station = st.plan->station_of(processor);
  st.lane = st.plan->stations[station].lane;
  st.last = station + 1 == st.plan->stations.size();
  st.relay.credit = st.services->pages_in_flight;
  st.ids.emplace(make_id_generator());
  return {
    [=](page_atom, record_page& page) {
      auto& st = self->state;
      st.inbox.push_back({std::move(page), sender_of(self)});
      process_next(self);
    },
    [=](http_atom, std::uint64_t tag, outbound_response& resp) {
      auto& st = self->state;
      auto call = page_call_tag::of(tag);
      auto it = st.active.find(call.gen);
      if (it == st.active.end())
        return;
      if (auto next = take_page_answer(*it->second.run, call, resp, it->second.outstanding))
        proceed(self, call.gen, *next);
    },
    [=](code_atom, std::uint64_t tag, user_code_answer& answer) {
      auto& st = self->state;
      auto it = st.active.find(page_call_tag::of(tag).gen);
      if (it == st.active.end())
        return;
      proceed(self, it->first, it->second.run->take_hook(answer, *st.ids, wall_clock_ms()));
    },
    [=](credit_atom, std::int32_t n) {
      self->state.relay.credit += n;
      self->state.relay.drain(self, self->state.links.downstream);
      process_next(self);
      maybe_end(self);
    },
    [=](end_atom) {
      self->state.ended = --self->state.ends_left <= 0;
      maybe_end(self);
    },
  };
}

}  // namespace

import_stage_actor spawn_import_stage(caf::local_actor* parent, std::shared_ptr<const flow_plan> plan,
                                      std::size_t processor, stage_links links) {
  bool isolate = plan->isolate_stages;
  return spawn_linked_work(parent, isolate, import_impl, std::move(plan), processor,
                           std::move(links), false);
}

result<import_stage_actor> host_import_stage(caf::actor_system& sys, const stage_placement& placed) {
  auto job = job_doc::from_json(placed.job);
  if (!job)
    return make_api_error(error_code::invalid_flow, "the placed stage's job is not readable");
  std::size_t first_station = 0;
  auto plan = flow_plan::for_job(placed.spec, *job, placed.plan_now, first_station);
  if (!plan)
    return plan.error();
  if (placed.processor >= plan->processors.size())
    return make_api_error(error_code::invalid_flow, "the placed stage's flow has no such step");
  auto shared = std::make_shared<const flow_plan>(std::move(*plan));
  bool isolate = shared->isolate_stages;
  return spawn_work(sys, isolate, import_impl, std::move(shared),
                    static_cast<std::size_t>(placed.processor), placed.links, true);
}

}  // namespace integrator
