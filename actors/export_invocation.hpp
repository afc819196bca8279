#pragma once
// Standalone export calls: an actor per call, answering
// (invoke_atom, export JSON, position JSON or "", bool one_page) with an
// export_page, or (invoke_atom, preview_atom, body) with a preview, then
// quitting.

#include <caf/fwd.hpp>

#include <cstddef>
#include <memory>

#include "actors/node_services.hpp"
#include "core/connect/http_endpoint.hpp"

namespace integrator {

caf::actor spawn_export_invocation(caf::actor_system& sys,
                                   std::shared_ptr<const node_services> services,
                                   std::shared_ptr<const http_endpoint> endpoint);

}  // namespace integrator
