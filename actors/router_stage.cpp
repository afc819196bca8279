// A router's stage: routes each page's records into lanes (flow_routes.hpp)
// and passes the page on. Records that enter no branch that goes on are
// ignored records of the flow job (reported as step -1). A router whose
// script or whose branches' filter scripts decide (router_scripts.hpp)
// calls them on a page's routed records, one page at a time so pages
// leave in order, and routes with their answers.
#include <caf/all.hpp>

#include <deque>

#include "actors/page_relay.hpp"
#include "actors/stages.hpp"
#include "actors/spawn_work.hpp"
#include "actors/user_code_call.hpp"
#include "core/util/object_id.hpp"

namespace integrator {

namespace {

struct router_state {
  std::shared_ptr<const node_services> services;
  std::shared_ptr<const flow_plan> plan;
  const router_step* router = nullptr;
  stage_links links;
  page_relay relay;
  bool ended = false;
  std::int32_t ends_left = 1;  ///< upstreams yet to end
  // With user code: the pages waiting, and the one whose calls are out.
  std::deque<std::pair<record_page, page_source_actor>> inbox;
  std::vector<router_call> calls;
  std::optional<std::pair<record_page, page_source_actor>> current;
  record_page routed;  ///< current's records this router routes
  route_decisions decided;
  std::size_t answers_left = 0;
  std::string failed_code, failed_why;
  std::uint64_t generation = 0;
  std::optional<object_id_generator> ids;
  static inline const char* name = "router_stage";
};

using router_ptr = router_stage_actor::stateful_pointer<router_state>;

void maybe_end(router_ptr self) {
  auto& st = self->state;
  if (st.ended && st.relay.outbox.empty() && st.inbox.empty() && !st.current) {
    self->send(st.links.downstream, end_atom::value);
    self->quit();
  }
}

// Routes `page` (with what user code decided) and sends it on.
void route(router_ptr self, const record_page& page, page_source_actor from, const route_decisions* decided,
           std::vector<job_error_entry> errors = {}) {
  auto& st = self->state;
  auto routed = st.router->route_page(page, st.plan->settings, decided);
  if (routed.ignored > 0 || !errors.empty()) {
    stage_report r;
    r.counts.num_ignore = static_cast<std::int64_t>(routed.ignored);
    r.counts.num_error = static_cast<std::int64_t>(errors.size());
    r.errors = std::move(errors);
    r.origin = page.origin();
    st.links.stamp(r);
    self->send(st.links.job, report_atom::value, std::move(r));
  }
  st.relay.push(std::move(routed.page), std::move(from));
  st.relay.drain(self, st.links.downstream);
}

// Starts the next waiting page's calls (one page at a time).
void next_page(router_ptr self) {
  auto& st = self->state;
  while (!st.current && !st.inbox.empty()) {
    auto [page, from] = std::move(st.inbox.front());
    st.inbox.pop_front();
    auto routed = st.router->routed_records(page);
    if (routed.size() == 0) {  // nothing for the code to decide
      route(self, page, std::move(from), nullptr);
      continue;
    }
    st.current.emplace(std::move(page), std::move(from));
    st.routed = std::move(routed);
    st.decided = {};
    st.failed_code.clear();
    st.failed_why.clear();
    st.answers_left = st.calls.size();
    ++st.generation;
    auto options = router_call_options(*st.plan, *st.router, st.routed);
    for (std::size_t c = 0; c < st.calls.size(); ++c)
      call_user_function(*st.services, st.links.account, "", *st.calls[c].fn, extension_type::hook, options,
                         caf::actor_cast<router_stage_actor>(self), (st.generation << 16) | c);
  }
}

void take_answer(router_ptr self, std::uint64_t tag, user_code_answer& answer) {
  auto& st = self->state;
  if (!st.current || (tag >> 16) != st.generation)
    return;
  const auto& call = st.calls[tag & 0xFFFF];
  std::string code, why;
  if (!read_router_answer(call, answer, *st.router, st.routed.size(), st.decided, why, code)
      && st.failed_why.empty()) {
    st.failed_code = std::move(code);
    st.failed_why = std::move(why);
  }
  if (--st.answers_left > 0)
    return;
  auto [page, from] = std::move(*st.current);
  st.current.reset();
  std::vector<job_error_entry> errors;
  if (!st.failed_why.empty()) {  // the routed records fail, with retry data; the rest goes on
    st.decided.failed = true;
    errors = router_errors(*st.router, st.routed, st.failed_code, st.failed_why, *st.ids, wall_clock_ms());
  }
  route(self, page, std::move(from), &st.decided, std::move(errors));
  next_page(self);
  maybe_end(self);
}

}  // namespace

router_stage_actor spawn_router_stage(caf::local_actor* parent, std::shared_ptr<const flow_plan> plan, std::size_t router,
                                      stage_links links) {
  // (`own` is an argument, not a capture: see spawn_work.hpp.)
  return spawn_linked_work(parent, plan->isolate_stages, [=](router_ptr self, const stage_links& own) -> router_stage_actor::behavior_type {
    auto& st = self->state;
    st.services = services_of(self->system());
    st.plan = plan;
    st.router = &st.plan->routers[router];
    if (router < st.plan->routers_code.size())
      st.calls = router_calls(st.plan->routers_code[router]);
    st.links = own;
    st.ends_left = own.upstreams;
    st.relay.credit = st.services->pages_in_flight;
    st.ids.emplace(make_id_generator());
    return {
      [=](page_atom, record_page& page) {
        auto& st = self->state;
        if (st.calls.empty()) {
          route(self, page, sender_of(self), nullptr);
          return;
        }
        st.inbox.emplace_back(std::move(page), sender_of(self));
        next_page(self);
      },
      [=](code_atom, std::uint64_t tag, user_code_answer& answer) { take_answer(self, tag, answer); },
      [=](credit_atom, std::int32_t n) {
        auto& st = self->state;
        st.relay.credit += n;
        st.relay.drain(self, st.links.downstream);
        maybe_end(self);
      },
      [=](end_atom) {
        // The first station hears every generator end; it ends after all.
        self->state.ended = --self->state.ends_left <= 0;
        maybe_end(self);
      },
    };
  }, links);
}

}  // namespace integrator
