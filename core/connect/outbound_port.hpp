#pragma once
// Where the engine's outbound HTTP calls go. The actors hand a request to
// the port and get the answer back through the completion, on whatever
// thread the port completes on (they turn it into a message). integratord's
// port is http/client/outbound_client (libcurl multi loops on their own
// threads); the deterministic actor tests wrap that same client so that it
// completes on the calling thread.

#include <functional>
#include <string>

#include "core/connect/http_endpoint.hpp"
#include "core/connect/outbound.hpp"

namespace integrator {

class outbound_port {
public:
  /// Gets the final answer, once; must not block.
  using completion = std::function<void(outbound_response)>;

  virtual ~outbound_port() = default;

  /// Sends `req` once a slot of `gate` (at most `limit` in flight) is
  /// free, retrying per `policy`; `done` gets the final answer.
  virtual void submit(outbound_request req, std::string gate, int limit, retry_policy policy,
                      completion done) = 0;
};

}  // namespace integrator
