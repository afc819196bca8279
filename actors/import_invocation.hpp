#pragma once
// Standalone import calls (engine_interfaces.hpp import_invocation_actor):
// an actor per call, answering (invoke_atom, import JSON, body) with one
// result per record (import_plan::result_of), then quitting.

#include <caf/fwd.hpp>

#include <memory>

#include "actors/engine_interfaces.hpp"
#include "actors/node_services.hpp"

namespace integrator {

import_invocation_actor spawn_import_invocation(caf::actor_system& sys);

}  // namespace integrator
