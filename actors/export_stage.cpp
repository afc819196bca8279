// A flow's page generator: runs its export's cursor (core/engine/
// export_cursor.hpp) and cuts what it keeps into pages of the export's
// pageSize for the next stage, as credit allows.
#include <caf/all.hpp>

#include <deque>

#include "actors/generator_queue.hpp"
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
  generator_queue queue;
  static inline const char* name = "export_stage";
};

using export_ptr = export_stage_actor::stateful_pointer<export_state>;

void report(export_ptr self, stage_report r) {
  generator_queue::report(self, self->state.links, std::move(r));
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
  st.queue.waiting = true;
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
  if (st.step->once)
    after = resume_point{};
  const auto& page = st.queue.add(*st.builder, std::move(after));
  if (st.step->once) {
    std::vector<once_call> calls;
    calls.reserve(page.size());
    for (std::size_t i = 0; i < page.size(); ++i)
      if (auto call = st.step->once->call_for(page.record(i), st.plan->settings))
        calls.push_back(std::move(*call));
    self->send(st.links.job, once_atom::value, page.origin(), std::move(calls));
  }
}

// Sends what credit allows, asks for more, or ends when all is out.
void pump(export_ptr self) {
  auto& st = self->state;
  st.queue.pump(self, st.links, *st.cursor, *st.builder, [self] { return request_next(self); },
                [self](resume_point end) { ready_page(self, std::move(end)); });
}

export_stage_actor::behavior_type export_impl(export_ptr self, std::shared_ptr<const flow_plan> plan,
                                              std::size_t generator, stage_links links, bool skip,
                                              resume_point from) {
  auto& st = self->state;
  st.services = services_of(self->system());
  st.plan = std::move(plan);
  st.step = &st.plan->generators[generator];
  st.links = std::move(links);
  st.queue.credit = st.services->pages_in_flight;
  st.queue.generator = generator;
  st.cursor.emplace(*st.step, st.plan->settings);
  // A resumed job's generator goes on after its last page through the flow.
  st.queue.pages = static_cast<std::uint64_t>(from.pages);
  st.cursor->resume(from);
  if (skip)
    st.cursor->stop();
  st.builder.emplace(st.step->page_size, max_page_bytes);
  self->send(self, start_atom::value);
  return {
    [=](start_atom) { pump(self); },
    [=](http_atom, std::uint64_t, outbound_response& resp) {
      auto& st = self->state;
      st.queue.waiting = false;
      if (st.cursor->stopped()) {  // canceled meanwhile: its records go nowhere
        pump(self);
        return;
      }
      // Ask for the next page once paging is settled, before this page's
      // records are read, when credit allows a page beyond it: the source
      // prepares it meanwhile.
      auto answer = st.cursor->settle(resp);
      if (st.cursor->more() && st.queue.credit - static_cast<std::int32_t>(st.queue.ready.size()) > 1)
        request_next(self);
      auto by_page = st.queue.counts_into(*st.builder);
      auto r = st.cursor->read(
        answer, resp.body,
        [self](std::string_view kept) {
          auto& st = self->state;
          generator_queue::cut(*st.builder, *st.cursor, kept,
                               [self](resume_point after) { ready_page(self, std::move(after)); });
        },
        &by_page);
      generator_queue::report_read(self, st.links, by_page, std::move(r));
      pump(self);
    },
    [=](credit_atom, std::int32_t n) {
      self->state.queue.credit += n;
      pump(self);
    },
    [=](cancel_atom) {
      auto& st = self->state;
      st.cursor->stop();
      st.queue.drop();
      pump(self);
    },
  };
}

}  // namespace

export_stage_actor spawn_export_stage(caf::local_actor* parent, std::shared_ptr<const flow_plan> plan,
                                      std::size_t generator, stage_links links, bool skip, resume_point from) {
  bool isolate = plan->isolate_stages;
  return spawn_linked_work(parent, isolate, export_impl, std::move(plan), generator,
                           std::move(links), skip, std::move(from));
}

}  // namespace integrator
