#include "cluster/node_config.hpp"

#include <caf/all.hpp>

#include "actors/catalogue.hpp"

namespace integrator {

node_config::node_config(std::size_t scheduler_threads) {
  integrator::add_message_types(*this);
  set("scheduler.max-threads", scheduler_threads);
  set("scheduler.policy", caf::atom("sharing"));
  // CAF's own log and console output stay quiet; integratord logs itself.
  set("logger.verbosity", caf::atom("quiet"));
}

}  // namespace integrator
