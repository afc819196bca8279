#pragma once
// The engine's access to the store (engine_interfaces.hpp
// engine_store_actor): loads what a job needs, writes the job's batches,
// and finds the jobs a restart must deal with. Detached, because its store
// calls block; one per node, so a job's writes stay in the order the job
// made them. A store failure is answered as an api_error, never thrown.

#include <caf/fwd.hpp>

#include <memory>

#include "actors/engine_interfaces.hpp"
#include "actors/node_services.hpp"

namespace integrator {

engine_store_actor spawn_engine_store(caf::actor_system& sys);

}  // namespace integrator
