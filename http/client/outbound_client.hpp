#pragma once
// The engine's outbound HTTP: event loops (libcurl multi over epoll), each
// on its own thread, so no thread blocks per request; curl's connection
// cache gives keep-alive and reuse. Every request goes through a named gate
// (the connection id) that admits at most its connection's concurrencyLevel
// at once, shared by every job of the node that uses the connection (split
// between the loops, never exceeded in sum).
// Failed attempts are retried per the connection's retry_policy with
// backoff, off the loop's timer, before the completion runs once.

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/connect/outbound_port.hpp"

namespace integrator {

class outbound_client final : public outbound_port {
public:
  /// `loops` event loops, each on its own thread; requests are spread
  /// over them (a gate's limit split between them).
  explicit outbound_client(std::size_t loops = 1);
  /// Calls stop().
  ~outbound_client() override;

  /// Stops the loop; requests still open complete with a transport error
  /// (their completions run before this returns). Idempotent.
  void stop();
  outbound_client(const outbound_client&) = delete;
  outbound_client& operator=(const outbound_client&) = delete;

  /// Sends `req` once a slot of `gate` (at most `limit` in flight) is
  /// free, retrying per `policy`; `done` gets the final answer, on the
  /// client's thread.
  void submit(outbound_request req, std::string gate, int limit, retry_policy policy,
              completion done) override;

  /// Requests admitted or waiting, over all gates (for tests and stats).
  std::size_t pending() const;

  struct impl;

private:
  std::vector<std::unique_ptr<impl>> loops_;
  std::atomic<std::size_t> next_loop_{0};
};

}  // namespace integrator
