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
// A functor spawned here takes at least one argument besides `self`: for
// one without, CAF 0.17.6 dereferences a null pointer to the empty tuple of
// its arguments (harmless, but undefined, and UBSan stops on it).

#include <caf/all.hpp>

#include <utility>

#include "actors/node_services.hpp"

namespace integrator {

/// Spawns `impl` linked to `parent`, detached when the node detaches work.
template <class Impl, class... Ts>
auto spawn_linked_work(caf::local_actor* parent, bool detach, Impl impl, Ts&&... xs) {
  if (detach)
    return parent->spawn<caf::linked + caf::detached>(std::move(impl), std::forward<Ts>(xs)...);
  return parent->spawn<caf::linked>(std::move(impl), std::forward<Ts>(xs)...);
}

/// Spawns `impl` on its own, detached when the node detaches work.
template <class Impl, class... Ts>
auto spawn_work(caf::actor_system& sys, bool detach, Impl impl, Ts&&... xs) {
  if (detach)
    return sys.spawn<caf::detached>(std::move(impl), std::forward<Ts>(xs)...);
  return sys.spawn(std::move(impl), std::forward<Ts>(xs)...);
}

}  // namespace integrator
