#pragma once
// The edge between the HTTP frontend and the actors. Every call (the
// account API, the operator API, the crash test hook) is parked under a
// ticket and sent to one of a few long-lived edge actors, which send it on
// and complete the ticket with the reply. An account call goes to the
// registry, which authenticates and delegates to the account's bucket,
// which delegates to the account's shard, so one reply comes back whoever
// decides. `done` runs exactly once, on an actor thread, or with 503 when
// the call outlives the gateway's timeout (expire_overdue) or its edge. A
// call that has not started within the timeout is refused unstarted; one
// that changes something is awaited twice the timeout, so a 503 means it
// was not done.

#include <caf/fwd.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "actors/interfaces.hpp"
#include "core/api/api_call.hpp"

namespace integrator {

/// Completions waiting for their reply, by ticket. Thread-safe.
class ticket_table {
public:
  using completion = std::function<void(api_reply)>;
  using clock = std::chrono::steady_clock;

  /// Stores `done` until `deadline`; returns its ticket.
  std::uint64_t park(completion done, clock::time_point deadline);

  /// Completes every ticket whose deadline is before `now` with 503.
  void expire(clock::time_point now);

  /// Runs and forgets the completion of `ticket` (no-op if unknown).
  void complete(std::uint64_t ticket, api_reply reply);

  /// Completes every parked ticket with `reply` (shutdown, edge failure).
  void complete_all(const api_reply& reply);

private:
  std::mutex mutex_;
  std::uint64_t next_ = 1;
  struct parked {
    completion done;
    clock::time_point deadline;
  };
  std::unordered_map<std::uint64_t, parked> parked_;
};

class gateway {
public:
  using completion = ticket_table::completion;

  /// Spawns `edges` edge actors. `timeout` bounds every call (see
  /// expire_overdue()).
  gateway(caf::actor_system& sys, std::chrono::seconds timeout, std::size_t edges = 2);

  /// Stops the edge actors; parked calls complete with 503.
  ~gateway();

  /// A call of the account API with bearer `token`.
  void submit(std::string token, api_call call, completion done);

  /// A call of the operator API with `operator_token`.
  void submit_admin(std::string operator_token, api_call call, completion done);

  /// Answers 503 to calls older than the timeout. Called by the HTTP
  /// frontend's periodic sweep: one check for all calls instead of a timer
  /// per request.
  void expire_overdue() { tickets_->expire(ticket_table::clock::now()); }

  /// Test hook: makes the registry ("registry") or shard 0 ("shard") fail.
  void crash(const std::string& target, completion done);
  /// Test hook: every shard's worker is busy for `ms`.
  void stall(std::int64_t ms, completion done);
  /// Test hook: a one-time token for `account_id`, as a hook's call gets
  /// one ({"token"}); and its revocation, as when the call returns.
  void mint(const std::string& account_id, completion done);
  void revoke(const std::string& token, completion done);

private:
  edge_actor next_edge();
  std::uint64_t park(completion done, std::chrono::seconds wait);
  /// Parks an API call and sets its start_by_ms (see park_call in the .cpp).
  std::uint64_t park_call(api_call& call, completion done);

  caf::actor_system& sys_;
  std::chrono::seconds timeout_;
  std::shared_ptr<ticket_table> tickets_;
  std::vector<edge_actor> edges_;
  std::atomic<std::size_t> next_edge_{0};
};

}  // namespace integrator
