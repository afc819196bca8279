// An export's user code between the export and the processors: its script
// transform, its script output filter and its preSavePage hook, in that
// order, each a call per page (core/engine/export_page_code.hpp). Several pages are in calls at once; what comes out goes
// on in page order; an abort or a failure of preSavePage takes effect from
// the page that answered it, as if pages met the hook one at a time. Every
// page taken passes a page on, empty when nothing of it goes on, so the job
// still sees it through.
#include <caf/all.hpp>

#include <deque>
#include <optional>

#include "actors/page_relay.hpp"
#include "actors/spawn_work.hpp"
#include "actors/stages.hpp"
#include "actors/user_code_call.hpp"
#include "core/engine/export_page_code.hpp"

namespace integrator {

namespace {

struct inbound {
  record_page page;
  page_source_actor from;
};

// A page in calls (or done, waiting for the pages before it to go on
// first): its user code as it stands, and the tag of the call out.
struct call {
  inbound in;
  std::uint64_t tag = 0;
  std::optional<export_page_code> code;  ///< unset: the page is skipped
  std::optional<hooked_page> out;        ///< set: done
};

struct hook_state {
  std::shared_ptr<const node_services> services;
  std::shared_ptr<const flow_plan> plan;
  const export_step* step = nullptr;
  stage_links links;
  std::deque<inbound> inbox;
  std::deque<call> calls;  ///< in page order
  std::uint64_t tag = 0;   ///< of the last call made
  page_relay relay;
  std::string failed;    ///< the hook failed: later pages are not passed on
  bool stopped = false;  ///< abort or failure: the export was told to stop
  bool ended = false;
  std::optional<object_id_generator> ids;
  static inline const char* name = "hook_stage";
};

using hook_ptr = hook_stage_actor::stateful_pointer<hook_state>;

void report(hook_ptr self, hooked_page& out, std::uint64_t origin) {
  auto& st = self->state;
  if (out.errors.empty() && out.fatal.empty() && out.ignored == 0)
    return;
  stage_report r;
  r.counts.num_ignore = out.ignored;
  r.counts.num_error = static_cast<std::int64_t>(out.errors.size());
  r.errors = std::move(out.errors);
  r.fatal = std::move(out.fatal);
  r.origin = origin;
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

void maybe_end(hook_ptr self) {
  auto& st = self->state;
  if (st.ended && st.inbox.empty() && st.calls.empty() && st.relay.outbox.empty()) {
    self->send(st.links.downstream, end_atom::value);
    self->quit();
  }
}

// What goes on for a page, in page order. After an abort the export's
// further pages go nowhere; after a failure their records become errors
// with retry data: either way as if the pages had met the hook one by one.
void pass_on(hook_ptr self, inbound in, std::optional<hooked_page> out) {
  auto& st = self->state;
  if (!st.failed.empty() || st.stopped) {
    hooked_page skipped;
    if (!st.failed.empty())
      skipped.errors = unhooked_records(in.page, *st.step, st.failed, *st.ids, wall_clock_ms());
    report(self, skipped, in.page.origin());
    out.reset();
  } else if (out) {
    if (!out->fatal.empty())
      st.failed = "not run through preSavePage: it failed on an earlier page (" + out->fatal + ")";
    if (out->abort || !out->fatal.empty())
      stop_export(self, in.from);
    report(self, *out, in.page.origin());
  }
  // Every page taken passes a page on, empty when nothing of it goes on.
  auto page = out ? std::move(out->page) : page_builder(1, 0).take(in.page.origin());
  st.relay.push(std::move(page), std::move(in.from));
  st.relay.drain(self, st.links.downstream);
}

// Calls the op due on the call's page; with nothing (left) to run, the
// page is done.
void run_op(hook_ptr self, call& c) {
  auto& st = self->state;
  auto& code = *c.code;
  if (code.due() == export_page_code::op::done) {
    c.out = code.finish();
    return;
  }
  c.tag = ++st.tag;
  call_user_function(*st.services, st.links.account, "", code.function(), extension_type::hook, code.options(),
                     caf::actor_cast<hook_stage_actor>(self), c.tag);
}

// Sends the answered pages at the front on, then calls the hook on the
// next pages while calls are free (up to pages_in_flight at once, so the
// hook's calls overlap as the processors' requests do).
void advance(hook_ptr self) {
  auto& st = self->state;
  while (!st.calls.empty() && st.calls.front().out) {
    auto c = std::move(st.calls.front());
    st.calls.pop_front();
    pass_on(self, std::move(c.in), std::move(c.out));
  }
  auto limit = static_cast<std::size_t>(std::max(1, st.services->pages_in_flight));
  while (st.calls.size() < limit && !st.inbox.empty()) {
    auto in = std::move(st.inbox.front());
    st.inbox.pop_front();
    if (!st.failed.empty() || st.stopped) {
      if (st.calls.empty()) {
        pass_on(self, std::move(in), std::nullopt);
        continue;
      }
      call waiting;  // goes on after the calls out, as skipped
      waiting.in = std::move(in);
      waiting.out = hooked_page{};
      st.calls.push_back(std::move(waiting));
      continue;
    }
    call c;
    c.code.emplace(*st.plan, *st.step, in.page);
    c.in = std::move(in);
    st.calls.push_back(std::move(c));
    run_op(self, st.calls.back());
  }
  maybe_end(self);
}

}  // namespace

hook_stage_actor spawn_hook_stage(caf::local_actor* parent, std::shared_ptr<const flow_plan> plan, std::size_t generator,
                                  stage_links links) {
  // (`own` is an argument, not a capture: see spawn_work.hpp.)
  return spawn_linked_work(parent, plan->isolate_stages, [=](hook_ptr self, const stage_links& own) -> hook_stage_actor::behavior_type {
    auto& st = self->state;
    st.services = services_of(self->system());
    st.plan = plan;
    st.step = &st.plan->generators[generator];
    st.links = own;
    st.relay.credit = st.services->pages_in_flight;
    st.ids.emplace(make_id_generator());
    return {
      [=](page_atom, record_page& page) {
        self->state.inbox.push_back({std::move(page), sender_of(self)});
        advance(self);
      },
      [=](code_atom, std::uint64_t tag, user_code_answer& answer) {
        auto& st = self->state;
        for (auto& c : st.calls)
          if (c.tag == tag && !c.out) {
            c.code->take(answer, *st.ids, wall_clock_ms());
            run_op(self, c);
            break;
          }
        advance(self);
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
