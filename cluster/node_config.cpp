#include "cluster/node_config.hpp"

#include <caf/all.hpp>

#include "actors/catalogue.hpp"

#include <cstdlib>

namespace integrator {

node_config::node_config(std::size_t scheduler_threads) {
  integrator::add_message_types(*this);
  set("scheduler.max-threads", scheduler_threads);
  if (const char* p = std::getenv("INTEGRATOR_CAF_POLICY"))
    set("scheduler.policy", caf::atom_from_string(p));
  else
    set("scheduler.policy", caf::atom("sharing"));
  // CAF's own log and console output stay quiet; integratord logs itself.
  set("logger.verbosity", caf::atom("quiet"));
}

}  // namespace integrator
