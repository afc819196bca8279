#include "actors/node_services.hpp"

#include <caf/actor_system.hpp>

#include <chrono>
#include <stdexcept>

#include "core/util/object_id.hpp"

namespace integrator {

const std::shared_ptr<const node_services>& services_of(caf::actor_system& sys) {
  const auto& services = static_cast<const services_config&>(sys.config()).services;
  if (!services)  // a wiring mistake at start, not a state a running node reaches
    throw std::logic_error("the actor system's services_config has no services");
  return services;
}

std::int64_t wall_clock_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

object_id_generator make_id_generator() {
  std::array<std::uint8_t, 5> process{};
  random_bytes(process.data(), process.size());
  std::uint8_t counter[3];
  random_bytes(counter, sizeof counter);
  return object_id_generator(process, (std::uint32_t{counter[0]} << 16)
                                        | (std::uint32_t{counter[1]} << 8) | counter[2]);
}

}  // namespace integrator
