#include "cluster/node_door.hpp"

#include <caf/all.hpp>
#include <caf/openssl/all.hpp>

namespace integrator {

namespace {

node_door_actor::behavior_type door_impl(node_door_actor::pointer, std::string node_id) {
  return {
    [node_id](ping_atom) { return node_id; },
  };
}

}  // namespace

node_door_actor spawn_node_door(caf::actor_system& sys, std::string node_id) {
  return sys.spawn(door_impl, std::move(node_id));
}

caf::expected<std::uint16_t> publish_door(const node_door_actor& door, const cluster_settings& settings) {
  return caf::openssl::publish(door, settings.listen_port, settings.listen_host.c_str(), true);
}

caf::expected<node_door_actor> connect_door(caf::actor_system& sys, const std::string& host_port) {
  auto colon = host_port.rfind(':');
  if (colon == std::string::npos)
    return caf::make_error(caf::sec::invalid_argument, "not HOST:PORT: " + host_port);
  auto host = host_port.substr(0, colon);
  if (host.size() > 2 && host.front() == '[')
    host = host.substr(1, host.size() - 2);
  auto port = static_cast<std::uint16_t>(std::stoi(host_port.substr(colon + 1)));
  return caf::openssl::remote_actor<node_door_actor>(sys, host, port);
}

}  // namespace integrator
