#pragma once
// The flow engine of a node (interfaces.hpp engine_actor). It keeps one
// flow actor per flow with runs (flow_runner.hpp: its queue, one job at a
// time), and each flow actor one job actor per running job (job_runner.hpp),
// which spawns the job's stages (stages.hpp). It carries out what the API
// asks (core/engine/engine_calls.hpp), fires schedules every minute and
// purges old errors hourly. Linked to its flow actors and its store, so if
// one dies they all do; the supervisor restarts it, and the restart ends
// their jobs failed ("interrupted") and runs queued jobs again.

#include <caf/fwd.hpp>

#include <memory>

#include "actors/interfaces.hpp"
#include "actors/node_services.hpp"

namespace integrator {

engine_actor spawn_engine(caf::actor_system& sys);

}  // namespace integrator
