// A router's stage: routes each page's records into lanes (flow_routes.hpp)
// and passes the page on. Records that enter no branch that goes on are
// ignored records of the flow job (reported as step -1).
#include <caf/all.hpp>

#include "actors/page_relay.hpp"
#include "actors/stages.hpp"
#include "actors/spawn_work.hpp"

namespace integrator {

namespace {

struct router_state {
  std::shared_ptr<const flow_plan> plan;
  const router_step* router = nullptr;
  stage_links links;
  page_relay relay;
  bool ended = false;
  std::int32_t ends_left = 1;  ///< upstreams yet to end
  static inline const char* name = "router_stage";
};

using router_ptr = router_stage_actor::stateful_pointer<router_state>;

void maybe_end(router_ptr self) {
  auto& st = self->state;
  if (st.ended && st.relay.outbox.empty()) {
    self->send(st.links.downstream, end_atom::value);
    self->quit();
  }
}

}  // namespace

router_stage_actor spawn_router_stage(caf::local_actor* parent,
                                      std::shared_ptr<const node_services> services,
                                      std::shared_ptr<const flow_plan> plan, std::size_t router,
                                      stage_links links) {
  // (`own` is an argument, not a capture: see spawn_work.hpp.)
  return spawn_linked_work(parent, services->detach && plan->isolate_stages, [=](router_ptr self, const stage_links& own) -> router_stage_actor::behavior_type {
    auto& st = self->state;
    st.plan = plan;
    st.router = &st.plan->routers[router];
    st.links = own;
    st.ends_left = own.upstreams;
    st.relay.credit = services->pages_in_flight;
    return {
      [=](page_atom, const record_page& page) {
        auto& st = self->state;
        auto routed = st.router->route_page(page, st.plan->settings);
        if (routed.ignored > 0) {
          stage_report r;
          r.step = -1;
          r.counts.num_ignore = static_cast<std::int64_t>(routed.ignored);
          self->send(st.links.job, report_atom::value, std::move(r));
        }
        st.relay.push(std::move(routed.page), sender_of(self));
        st.relay.drain(self, st.links.downstream);
      },
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
