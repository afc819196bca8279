#include "cluster/node_config.hpp"

#include <caf/all.hpp>

#include "actors/catalogue.hpp"


namespace integrator {

node_config::node_config(std::size_t scheduler_threads) {
  integrator::add_message_types(*this);
  set("scheduler.max-threads", scheduler_threads);
  // One shared queue: with few workers and tiny jobs it wakes fewer threads
  // than work stealing, whose idle workers poll and sleep (bench/README.md).
  set("scheduler.policy", caf::atom("sharing"));
  // CAF's own log and console output stay quiet; integratord logs itself.
  set("logger.verbosity", caf::atom("quiet"));
}

}  // namespace integrator
