#pragma once
// Where the actors that run a tenant's configuration live. The standalone
// calls (invoke, preview) and the stages of a job whose templates loop
// (flow_plan::isolate_stages) get threads of their own, so one account's
// heavy template never holds up the scheduler that answers every account's
// API calls. Other stages stay on the scheduler: their work per message is
// linear in one page, and a detached stage pays a thread wake-up for every
// message (a flow ran 17 % slower with all stages detached; bench/ab_flow.py).
// Deterministic actor tests (node_services::detach off) keep everything on
// the test's scheduler.
//
// A functor spawned here takes at least one argument besides `self`
// (spawn_tag when it needs none: node_services.hpp).

#include <caf/all.hpp>

#include <utility>

#include "actors/node_services.hpp"

namespace integrator {

/// Spawns `impl` linked to `parent`; on a thread of its own when `isolate`
/// and the node detaches work (node_services::detach).
template <class Impl, class... Ts>
auto spawn_linked_work(caf::local_actor* parent, bool isolate, Impl impl, Ts&&... xs) {
  if (isolate && services_of(parent->system())->detach)
    return parent->spawn<caf::linked + caf::detached>(std::move(impl), std::forward<Ts>(xs)...);
  return parent->spawn<caf::linked>(std::move(impl), std::forward<Ts>(xs)...);
}

/// Spawns `impl` on its own; on a thread of its own when `isolate` and the
/// node detaches work.
template <class Impl, class... Ts>
auto spawn_work(caf::actor_system& sys, bool isolate, Impl impl, Ts&&... xs) {
  if (isolate && services_of(sys)->detach)
    return sys.spawn<caf::detached>(std::move(impl), std::forward<Ts>(xs)...);
  return sys.spawn(std::move(impl), std::forward<Ts>(xs)...);
}

}  // namespace integrator
