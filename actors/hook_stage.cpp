// An export's preSavePage hook (core/engine/pre_save_page.hpp) between the
// export and the processors: each page goes to the hook, one call at a
// time in page order (pageIndex and abort mean what they say), and what the
// hook returns goes on in its place. Every page taken passes a page on,
// empty when nothing of it goes on, so the job still sees it through.
#include <caf/all.hpp>

#include <deque>
#include <optional>

#include "actors/page_relay.hpp"
#include "actors/spawn_work.hpp"
#include "actors/stages.hpp"
#include "actors/user_code_call.hpp"
#include "core/engine/pre_save_page.hpp"

namespace integrator {

namespace {

struct inbound {
  record_page page;
  page_source_actor from;
};

struct hook_state {
  std::shared_ptr<const node_services> services;
  std::shared_ptr<const flow_plan> plan;
  const export_step* step = nullptr;
  stage_links links;
  std::deque<inbound> inbox;
  std::optional<inbound> calling;  ///< the page whose hook call is out
  std::uint64_t tag = 0;           ///< of the call out
  page_relay relay;
  std::string failed;  ///< the hook failed: later pages are not run through it
  bool stopped = false;  ///< abort or failure: the export was told to stop
  bool ended = false;
  std::optional<object_id_generator> ids;
  static inline const char* name = "hook_stage";
};

using hook_ptr = hook_stage_actor::stateful_pointer<hook_state>;

void report(hook_ptr self, hooked_page& out) {
  auto& st = self->state;
  if (out.errors.empty() && out.fatal.empty())
    return;
  stage_report r;
  r.counts.num_error = static_cast<std::int64_t>(out.errors.size());
  r.errors = std::move(out.errors);
  r.fatal = std::move(out.fatal);
  st.links.stamp(r);
  self->send(st.links.job, report_atom::value, std::move(r));
}

// The export sends no further pages (abort, or the hook failed).
void stop_export(hook_ptr self, const page_source_actor& from) {
  auto& st = self->state;
  if (st.stopped)
    return;
  st.stopped = true;
  self->send(caf::actor_cast<generator_actor>(from), cancel_atom::value);
}

void pass_on(hook_ptr self, record_page page, page_source_actor from) {
  auto& st = self->state;
  st.relay.push(std::move(page), std::move(from));
  st.relay.drain(self, st.links.downstream);
}

void maybe_end(hook_ptr self) {
  auto& st = self->state;
  if (st.ended && st.inbox.empty() && !st.calling && st.relay.outbox.empty()) {
    self->send(st.links.downstream, end_atom::value);
    self->quit();
  }
}

// Runs the next page through the hook; pages that come after an abort or
// a failure do not reach it.
void call_next(hook_ptr self) {
  auto& st = self->state;
  while (!st.calling && !st.inbox.empty()) {
    auto in = std::move(st.inbox.front());
    st.inbox.pop_front();
    auto empty = page_builder(1, 0).take(in.page.origin());
    if (!st.failed.empty()) {
      hooked_page out;
      out.errors = unhooked_records(in.page, *st.step, st.failed, *st.ids, wall_clock_ms());
      report(self, out);
      pass_on(self, std::move(empty), std::move(in.from));
      continue;
    }
    if (st.stopped) {  // after abort: the export's further pages go nowhere
      pass_on(self, std::move(empty), std::move(in.from));
      continue;
    }
    auto options = pre_save_page_options(*st.plan, *st.step, in.page);
    st.calling = std::move(in);
    call_user_function(*st.services, st.links.account, "", *st.step->pre_save_page, extension_type::hook,
                       std::move(options), caf::actor_cast<hook_stage_actor>(self), ++st.tag);
  }
  maybe_end(self);
}

}  // namespace

hook_stage_actor spawn_hook_stage(caf::local_actor* parent, std::shared_ptr<const node_services> services,
                                  std::shared_ptr<const flow_plan> plan, std::size_t generator,
                                  stage_links links) {
  // (`own` is an argument, not a capture: see spawn_work.hpp.)
  return spawn_linked_work(parent, services->detach && plan->isolate_stages, [=](hook_ptr self, const stage_links& own) -> hook_stage_actor::behavior_type {
    auto& st = self->state;
    st.services = services;
    st.plan = plan;
    st.step = &st.plan->generators[generator];
    st.links = own;
    st.relay.credit = services->pages_in_flight;
    st.ids.emplace(make_id_generator());
    return {
      [=](page_atom, record_page& page) {
        self->state.inbox.push_back({std::move(page), sender_of(self)});
        call_next(self);
      },
      [=](code_atom, std::uint64_t tag, user_code_answer& answer) {
        auto& st = self->state;
        if (!st.calling || tag != st.tag)
          return;
        auto in = std::move(*st.calling);
        st.calling.reset();
        auto out = apply_pre_save_page(answer, in.page, *st.step, *st.ids, wall_clock_ms());
        if (!out.fatal.empty())
          st.failed = "not run through preSavePage: it failed on an earlier page (" + out.fatal + ")";
        if (out.abort || !out.fatal.empty())
          stop_export(self, in.from);
        report(self, out);
        pass_on(self, std::move(out.page), std::move(in.from));
        call_next(self);
      },
      [=](credit_atom, std::int32_t n) {
        auto& st = self->state;
        st.relay.credit += n;
        st.relay.drain(self, st.links.downstream);
        maybe_end(self);
      },
      [=](end_atom) {
        self->state.ended = true;
        maybe_end(self);
      },
    };
  }, links);
}

}  // namespace integrator
