// A wrapper export's page generator: calls its stack's export function
// (core/engine/wrappers.hpp: wrapper_cursor), feeding back the state each
// answer gives until lastPage, and cuts what it keeps into pages of the
// export's pageSize for the next stage, as credit allows. One call at a
// time: each needs the state the last one answered.
#include <caf/all.hpp>

#include <deque>

#include "actors/stages.hpp"
#include "actors/spawn_work.hpp"
#include "actors/user_code_call.hpp"

namespace integrator {

namespace {

struct wrapper_state {
  std::shared_ptr<const node_services> services;
  std::shared_ptr<const flow_plan> plan;
  const export_step* step = nullptr;
  stage_links links;
  std::optional<wrapper_cursor> cursor;
  std::optional<page_builder> builder;
  std::deque<record_page> ready;
  std::deque<resume_point> ready_after;
  std::int32_t credit = 0;
  bool waiting = false;  ///< a call is out
  bool closed = false;
  std::size_t generator = 0;
  std::uint64_t pages = 0;
  std::uint64_t calls = 0;  ///< tags the answer of the call out
  static inline const char* name = "wrapper_export_stage";
};

using wrapper_ptr = wrapper_export_actor::stateful_pointer<wrapper_state>;

void report(wrapper_ptr self, stage_report r) {
  self->state.links.stamp(r);
  self->send(self->state.links.job, report_atom::value, std::move(r));
}

void ready_page(wrapper_ptr self, resume_point after) {
  auto& st = self->state;
  after.pages = static_cast<std::int64_t>(++st.pages);
  st.ready.push_back(st.builder->take(page_origin(st.generator, st.pages)));
  st.ready_after.push_back(std::move(after));
}

// Sends what credit allows, calls for more, or ends when all is out.
void pump(wrapper_ptr self) {
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
    st.waiting = true;
    call_user_function(*st.services, st.links.account, "", *st.step->wrapper->fn, extension_type::wrapper,
                       st.cursor->next_options(), caf::actor_cast<wrapper_export_actor>(self), ++st.calls);
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

wrapper_export_actor::behavior_type wrapper_impl(wrapper_ptr self, std::shared_ptr<const node_services> services,
                                                 std::shared_ptr<const flow_plan> plan, std::size_t generator,
                                                 stage_links links, bool skip, resume_point from) {
  auto& st = self->state;
  st.services = std::move(services);
  st.plan = std::move(plan);
  st.step = &st.plan->generators[generator];
  st.links = std::move(links);
  st.credit = st.services->pages_in_flight;
  st.generator = generator;
  st.cursor.emplace(*st.plan, *st.step);
  st.pages = static_cast<std::uint64_t>(from.pages);
  st.cursor->resume(from);
  if (skip)
    st.cursor->stop();
  st.builder.emplace(st.step->page_size, max_page_bytes);
  self->send(self, start_atom::value);
  return {
    [=](start_atom) { pump(self); },
    [=](code_atom, std::uint64_t tag, user_code_answer& answer) {
      auto& st = self->state;
      if (tag != st.calls)
        return;
      st.waiting = false;
      if (st.cursor->stopped()) {  // canceled meanwhile
        pump(self);
        return;
      }
      bool offline = false;
      auto r = st.cursor->read(answer, [self](std::string_view kept) {
        auto& st = self->state;
        if (st.builder->full_for(kept.size()))
          ready_page(self, st.cursor->resume_here(false));
        st.builder->append(kept);
        if (st.builder->complete())
          ready_page(self, st.cursor->resume_here(true));
      }, offline, wall_clock_ms());
      if (offline)
        r.offline_connection = st.step->connection_id;
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

wrapper_export_actor spawn_wrapper_export_stage(caf::local_actor* parent,
                                                std::shared_ptr<const node_services> services,
                                                std::shared_ptr<const flow_plan> plan, std::size_t generator,
                                                stage_links links, bool skip, resume_point from) {
  bool detach = services->detach && plan->isolate_stages;
  return spawn_linked_work(parent, detach, wrapper_impl, std::move(services), std::move(plan), generator,
                           std::move(links), skip, std::move(from));
}

}  // namespace integrator
