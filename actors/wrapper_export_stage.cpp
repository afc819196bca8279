// A wrapper export's page generator: calls its stack's export function
// (core/engine/wrappers.hpp: wrapper_cursor), feeding back the state each
// answer gives until lastPage, and cuts what it keeps into pages of the
// export's pageSize for the next stage, as credit allows. One call at a
// time: each needs the state the last one answered.
#include <caf/all.hpp>

#include "actors/generator_queue.hpp"
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
  generator_queue queue;
  std::uint64_t calls = 0;  ///< tags the answer of the call out
  static inline const char* name = "wrapper_export_stage";
};

using wrapper_ptr = wrapper_export_actor::stateful_pointer<wrapper_state>;

void pump(wrapper_ptr self) {
  auto& st = self->state;
  auto ask = [self] {
    auto& st = self->state;
    st.queue.waiting = true;
    call_user_function(*st.services, st.links.account, "", *st.step->wrapper->fn, extension_type::wrapper,
                       st.cursor->next_options(), caf::actor_cast<wrapper_export_actor>(self), ++st.calls);
    return true;
  };
  st.queue.pump(self, st.links, *st.cursor, *st.builder, ask,
                [self](resume_point end) { self->state.queue.add(*self->state.builder, std::move(end)); });
}

wrapper_export_actor::behavior_type wrapper_impl(wrapper_ptr self,
                                                 std::shared_ptr<const flow_plan> plan, std::size_t generator,
                                                 stage_links links, bool skip, resume_point from) {
  auto& st = self->state;
  st.services = services_of(self->system());
  st.plan = std::move(plan);
  st.step = &st.plan->generators[generator];
  st.links = std::move(links);
  st.queue.credit = st.services->pages_in_flight;
  st.queue.generator = generator;
  st.cursor.emplace(*st.plan, *st.step);
  st.queue.pages = static_cast<std::uint64_t>(from.pages);
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
      st.queue.waiting = false;
      if (st.cursor->stopped()) {  // canceled meanwhile
        pump(self);
        return;
      }
      bool offline = false;
      auto by_page = st.queue.counts_into(*st.builder);
      auto r = st.cursor->read(answer, [&st](std::string_view kept) {
        generator_queue::cut(*st.builder, *st.cursor, kept,
                             [&st](resume_point after) { st.queue.add(*st.builder, std::move(after)); });
      }, offline, wall_clock_ms(), &by_page);
      if (offline)
        r.offline_connection = st.step->connection_id;
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

wrapper_export_actor spawn_wrapper_export_stage(caf::local_actor* parent,
                                                std::shared_ptr<const flow_plan> plan, std::size_t generator,
                                                stage_links links, bool skip, resume_point from) {
  bool isolate = plan->isolate_stages;
  return spawn_linked_work(parent, isolate, wrapper_impl, std::move(plan), generator,
                           std::move(links), skip, std::move(from));
}

}  // namespace integrator
