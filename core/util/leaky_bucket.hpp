#pragma once
// Rate-limit arithmetic of one account: a bucket of `capacity` tokens that
// refills continuously at `fill_rate` tokens per second; each request takes
// one. Pure: the caller passes the time, so tests drive it exactly.

#include <chrono>
#include <cstdint>

namespace integrator {

/// Settings of one bucket. Defaults are the product's documented limit.
struct bucket_limits {
  double capacity = 100;  ///< tokens when full; also the largest burst
  double fill_rate = 30;  ///< tokens added per second
};

class leaky_bucket {
public:
  using duration = std::chrono::nanoseconds;

  /// Outcome of one take(): admitted, or how long until a token is there.
  struct decision {
    bool admitted;
    duration retry_after;  ///< zero when admitted
  };

  /// A full bucket at time `now`.
  leaky_bucket(bucket_limits limits, duration now);

  /// Takes one token at `now` (monotonic, never earlier than a previous call).
  decision take(duration now);

  /// Changes the limits; the current level is clipped to the new capacity.
  void reconfigure(bucket_limits limits, duration now);

  /// Tokens available at `now` (for tests and diagnostics).
  double level(duration now);

  const bucket_limits& limits() const { return limits_; }

private:
  void refill(duration now);

  bucket_limits limits_;
  double tokens_;
  duration last_;
};

/// Whole seconds a client should wait, rounded up, at least 1.
std::int64_t retry_after_seconds(leaky_bucket::duration wait);

}  // namespace integrator
