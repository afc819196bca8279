#include "cluster/node_door.hpp"

#include <caf/all.hpp>
#include <caf/openssl/all.hpp>

#include <chrono>

#include "actors/local_names.hpp"

namespace integrator {

namespace {

constexpr auto retry_soon = std::chrono::milliseconds(100);

node_door_actor::behavior_type door_impl(node_door_actor::pointer self, std::string node_id,
                                         std::shared_ptr<cluster_view> view) {
  return {
    [node_id](ping_atom) { return node_id; },
    [=](hello_atom, const std::string& id, const caf::actor& door) {
      view->introduce(id, caf::actor_cast<node_door_actor>(door));
    },
    [=](run_atom, const job_ref& job) {
      // The engine may be restarting: the run waits for the next one.
      if (auto engine = current_engine(self->system()))
        self->send(engine, run_atom::value, job, true);
      else
        self->delayed_send(self, retry_soon, run_atom::value, job);
    },
    [=](const cancel_request& cancel) -> caf::result<api_reply> {
      auto engine = current_engine(self->system());
      if (!engine)
        return api_reply::fail(make_api_error(error_code::unavailable, "The engine is restarting"));
      return self->delegate(engine, cancel);
    },
    [=](place_atom, const stage_placement& placed) -> caf::result<import_stage_actor> {
      auto engine = current_engine(self->system());
      if (!engine)  // the asking job runs the stage itself
        return caf::make_error(caf::sec::request_receiver_down);
      return self->delegate(engine, place_atom::value, placed);
    },
    [=](take_atom, const std::string& account) -> caf::result<std::int64_t> {
      auto registry = current_registry(self->system());
      if (!registry)  // the asking node falls back on its own bucket
        return caf::make_error(caf::sec::request_receiver_down);
      return self->delegate(registry, take_atom::value, account);
    },
  };
}

}  // namespace

node_door_actor spawn_node_door(caf::actor_system& sys, std::string node_id,
                                std::shared_ptr<cluster_view> view) {
  return sys.spawn(door_impl, std::move(node_id), std::move(view));
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
