// A flow's page generator: runs its export's cursor (core/engine/
// export_cursor.hpp) and cuts what it keeps into pages of the export's
// pageSize for the next stage, as credit allows.
#include <caf/all.hpp>

#include <deque>

#include "actors/outbound_reply.hpp"
#include "actors/stages.hpp"
#include "actors/spawn_work.hpp"
#include "core/engine/export_cursor.hpp"

namespace integrator {

namespace {

struct export_state {
  std::shared_ptr<const node_services> services;
  std::shared_ptr<const flow_plan> plan;
  const export_step* step = nullptr;
  stage_links links;
  std::optional<export_cursor> cursor;
  std::optional<page_builder> builder;
  std::deque<record_page> ready;
  std::deque<resume_point> ready_after;  ///< where records go on after each ready page
  std::int32_t credit = 0;
  bool waiting = false;  ///< a request is out
  bool closed = false;
  std::size_t generator = 0;  ///< index in the plan's generators
  std::uint64_t pages = 0;    ///< pages made so far
  static inline const char* name = "export_stage";
};

using export_ptr = export_stage_actor::stateful_pointer<export_state>;

void report(export_ptr self, stage_report r) {
  self->state.links.stamp(r);
  self->send(self->state.links.job, report_atom::value, std::move(r));
}

// Sends the cursor's next request; false when there is none.
bool request_next(export_ptr self) {
  auto& st = self->state;
  auto req = st.cursor->next();
  if (!req) {
    if (auto refused = st.cursor->take_refusal())
      report(self, st.cursor->refusal_report(*refused));
    return false;
  }
  st.waiting = true;
  call_out(*st.services->outbound, *st.step->endpoint, st.step->connection_id, std::move(*req),
           caf::actor_cast<export_stage_actor>(self), 0);
  return true;
}

// Takes the page being built, numbered, with where the records go on after
// it; a once export tells its job how to flag the page's records once the
// page has gone through the flow (and goes on from its start after a
// resume: what it flagged is no longer pending).
void ready_page(export_ptr self, resume_point after) {
  auto& st = self->state;
  auto page = st.builder->take(page_origin(st.generator, ++st.pages));
  if (st.step->once)
    after = resume_point{};
  after.pages = static_cast<std::int64_t>(st.pages);
  st.ready_after.push_back(std::move(after));
  if (st.step->once) {
    std::vector<once_call> calls;
    calls.reserve(page.size());
    for (std::size_t i = 0; i < page.size(); ++i)
      if (auto call = st.step->once->call_for(page.record(i), st.plan->settings))
        calls.push_back(std::move(*call));
    self->send(st.links.job, once_atom::value, page.origin(), std::move(calls));
  }
  st.ready.push_back(std::move(page));
}

// Sends what credit allows, asks for more, or ends when all is out.
void pump(export_ptr self) {
  auto& st = self->state;
  if (st.closed)
    return;
  while (st.credit > 0 && !st.ready.empty()) {
    stage_report r;
    r.counts.num_pages_generated = 1;
    r.page = st.ready.front().origin();
    r.after = std::move(st.ready_after.front());
    self->send(st.links.downstream, page_atom::value, std::move(st.ready.front()));
    st.ready.pop_front();
    st.ready_after.pop_front();
    --st.credit;
    report(self, std::move(r));
  }
  if (st.waiting)
    return;
  if (st.cursor->more()) {
    if (st.credit <= 0 || !st.ready.empty())
      return;
    if (request_next(self))
      return;
  }
  if (!st.cursor->stopped() && !st.builder->empty()) {
    resume_point end;
    end.done = true;
    ready_page(self, std::move(end));
  }
  if (!st.ready.empty()) {
    if (st.credit > 0)
      pump(self);
    return;
  }
  st.closed = true;
  stage_report done;
  done.exhausted = true;
  report(self, std::move(done));
  self->send(st.links.downstream, end_atom::value);
  self->quit();
}

export_stage_actor::behavior_type export_impl(export_ptr self,
                                              std::shared_ptr<const node_services> services,
                                              std::shared_ptr<const flow_plan> plan,
                                              std::size_t generator, stage_links links, bool skip,
                                              resume_point from) {
  auto& st = self->state;
  st.services = std::move(services);
  st.plan = std::move(plan);
  st.step = &st.plan->generators[generator];
  st.links = std::move(links);
  st.credit = st.services->pages_in_flight;
  st.generator = generator;
  st.cursor.emplace(*st.step, st.plan->settings);
  // A resumed job's generator goes on after its last page through the flow.
  st.pages = static_cast<std::uint64_t>(from.pages);
  st.cursor->resume(from);
  if (skip)
    st.cursor->stop();
  st.builder.emplace(st.step->page_size, max_page_bytes);
  self->send(self, start_atom::value);
  return {
    [=](start_atom) { pump(self); },
    [=](http_atom, std::uint64_t, outbound_response& resp) {
      auto& st = self->state;
      st.waiting = false;
      if (st.cursor->stopped()) {  // canceled meanwhile: its records go nowhere
        pump(self);
        return;
      }
      // Ask for the next page once paging is settled, before this page's
      // records are read, when credit allows a page beyond it: the source
      // prepares it meanwhile.
      auto answer = st.cursor->settle(resp);
      if (st.cursor->more() && st.credit - static_cast<std::int32_t>(st.ready.size()) > 1)
        request_next(self);
      auto r = st.cursor->read(answer, resp.body, [self](std::string_view kept) {
        auto& st = self->state;
        if (st.builder->full_for(kept.size()))
          ready_page(self, st.cursor->resume_here(false));
        st.builder->append(kept);
        if (st.builder->complete())
          ready_page(self, st.cursor->resume_here(true));
      });
      report(self, std::move(r));
      pump(self);
    },
    [=](credit_atom, std::int32_t n) {
      self->state.credit += n;
      pump(self);
    },
    [=](cancel_atom) {
      auto& st = self->state;
      st.cursor->stop();
      st.ready.clear();
      st.ready_after.clear();
      pump(self);
    },
  };
}

}  // namespace

export_stage_actor spawn_export_stage(caf::local_actor* parent,
                                      std::shared_ptr<const node_services> services,
                                      std::shared_ptr<const flow_plan> plan, std::size_t generator,
                                      stage_links links, bool skip, resume_point from) {
  bool detach = services->detach && plan->isolate_stages;
  return spawn_linked_work(parent, detach, export_impl, std::move(services), std::move(plan), generator,
                           std::move(links), skip, std::move(from));
}

}  // namespace integrator
