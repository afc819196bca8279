#pragma once
// The edge between the HTTP frontend and the actors. Each submitted call
// runs in a short-lived actor that sends it to the registry; the registry
// authenticates and delegates to the account's bucket, which delegates to
// the account's shard, so one reply comes back whoever decides. `done` runs
// exactly once, on an actor thread.

#include <caf/fwd.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "actors/actor_directory.hpp"
#include "core/api_call.hpp"

namespace integrator {

class gateway {
public:
  using completion = std::function<void(api_reply)>;

  gateway(caf::actor_system& sys, std::shared_ptr<actor_directory> directory,
          std::chrono::seconds timeout)
    : sys_(sys), directory_(std::move(directory)), timeout_(timeout) {}

  /// A call of the account API with bearer `token`.
  void submit(std::string token, api_call call, completion done);

  /// A call of the operator API with `operator_token`.
  void submit_admin(std::string operator_token, api_call call, completion done);

  /// Test hook: makes the registry ("registry") or shard 0 ("shard") fail.
  void crash(const std::string& target, completion done);

private:
  caf::actor_system& sys_;
  std::shared_ptr<actor_directory> directory_;
  std::chrono::seconds timeout_;
};

}  // namespace integrator
