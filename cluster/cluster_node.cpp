#include "cluster/cluster_node.hpp"

#include <caf/all.hpp>

#include <stdexcept>

#include "actors/node_services.hpp"

namespace integrator {

cluster_node::cluster_node(caf::actor_system& sys, std::shared_ptr<document_store> store, cluster_settings settings,
                           const std::string& api, std::shared_ptr<cluster_view> view)
  : store_(std::move(store)), settings_(std::move(settings)) {
  self_.id = settings_.node_id;
  self_.api = api;
  self_.started_ms = wall_clock_ms();
  door_ = spawn_node_door(sys, self_.id, view);
  auto port = publish_door(door_, settings_);
  if (!port) {
    caf::anon_send_exit(door_, caf::exit_reason::user_shutdown);
    throw std::runtime_error("cannot listen for cluster nodes on " + settings_.listen_host + ":"
                             + std::to_string(settings_.listen_port) + ": " + sys.render(port.error()));
  }
  self_.address = settings_.advertise.empty() ? settings_.listen_host + ":" + std::to_string(*port)
                                              : settings_.advertise;
  if (auto why = check_can_join(sys, *store_, self_.id, wall_clock_ms(), settings_.node_timeout_ms);
      !why.empty()) {
    caf::anon_send_exit(door_, caf::exit_reason::user_shutdown);
    throw std::runtime_error(why);
  }
  self_.heartbeat_ms = wall_clock_ms();
  store_->write(heartbeat_batch(self_));
  keeper_ = spawn_membership_keeper(sys, store_, self_, settings_.node_timeout_ms, std::move(view),
                                    door_);
}

cluster_node::~cluster_node() {
  caf::anon_send_exit(keeper_, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(door_, caf::exit_reason::user_shutdown);
}

void cluster_node::leave(document_store& store, const std::string& id) {
  try {
    store.write(leave_batch(id));
  } catch (const std::exception&) {
    // It will be counted dead after the timeout instead.
  }
}

}  // namespace integrator
