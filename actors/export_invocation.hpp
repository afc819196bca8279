#pragma once
// Standalone export calls: an actor per call, answering
// (invoke_atom, export JSON, position JSON or "", bool one_page) with
// {"data":[…],"position":{…},"done":bool}, then quitting.

#include <caf/fwd.hpp>

#include <cstddef>
#include <memory>

#include "actors/node_services.hpp"
#include "core/http_endpoint.hpp"

namespace integrator {

/// The most records a whole (unpaged) standalone export returns.
inline constexpr std::size_t max_invoke_records = 10000;

caf::actor spawn_export_invocation(caf::actor_system& sys,
                                   std::shared_ptr<const node_services> services,
                                   std::shared_ptr<const http_endpoint> endpoint);

}  // namespace integrator
