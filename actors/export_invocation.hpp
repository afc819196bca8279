#pragma once
// Standalone export calls (engine_interfaces.hpp export_invocation_actor):
// an actor per call, then it quits. The export is compiled as a flow of it
// alone (standalone_spec) and runs the engine's one paging loop
// (core/engine/export_cursor.hpp), or a wrapper's calls, so its transform,
// output filter, test limit and user code (export_page_code.hpp) apply as
// in a flow; a preview runs its first page stage by stage
// (core/engine/export_preview.hpp), its user code last. Nothing is
// persisted; the caller signs the position it hands out.

#include <caf/fwd.hpp>

#include <memory>

#include "actors/engine_interfaces.hpp"
#include "actors/node_services.hpp"

namespace integrator {

export_invocation_actor spawn_export_invocation(caf::actor_system& sys);

}  // namespace integrator
