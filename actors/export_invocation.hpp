#pragma once
// Standalone export calls (engine_interfaces.hpp export_invocation_actor):
// an actor per call, then it quits. An export runs the engine's one paging
// loop (core/engine/export_cursor.hpp), so its transform, output filter and
// test limit apply as in a flow; a preview runs its first page stage by
// stage (core/engine/export_preview.hpp). Nothing is persisted; the caller
// signs the position it hands out.

#include <caf/fwd.hpp>

#include <memory>

#include "actors/engine_interfaces.hpp"
#include "actors/node_services.hpp"
#include "core/connect/http_endpoint.hpp"

namespace integrator {

export_invocation_actor spawn_export_invocation(caf::actor_system& sys,
                                                std::shared_ptr<const node_services> services,
                                                std::shared_ptr<const http_endpoint> endpoint);

}  // namespace integrator
