#include "core/util/leaky_bucket.hpp"

#include <algorithm>
#include <cmath>

namespace integrator {

leaky_bucket::leaky_bucket(bucket_limits limits, duration now)
  : limits_(limits), tokens_(limits.capacity), last_(now) {
  // nop
}

void leaky_bucket::refill(duration now) {
  if (now <= last_)
    return;
  // Integer nanoseconds keep repeated small steps exact enough: 30/s over
  // one second adds 30 tokens to within 1e-9.
  double elapsed = std::chrono::duration<double>(now - last_).count();
  tokens_ = std::min(limits_.capacity, tokens_ + elapsed * limits_.fill_rate);
  last_ = now;
}

leaky_bucket::decision leaky_bucket::take(duration now) {
  refill(now);
  // Time comes in whole nanoseconds, so 1/30 s is 33333333 ns and refills
  // 0.99999999 tokens: tolerate what one nanosecond of refill adds.
  if (tokens_ >= 1.0 - (limits_.fill_rate * 1e-9 + 1e-12)) {
    tokens_ -= 1.0;
    if (tokens_ < 0)
      tokens_ = 0;
    return {true, duration::zero()};
  }
  if (limits_.fill_rate <= 0)
    return {false, std::chrono::hours(1)};
  double missing = 1.0 - tokens_;
  auto wait = std::chrono::duration<double>(missing / limits_.fill_rate);
  return {false, std::chrono::duration_cast<duration>(wait)};
}

void leaky_bucket::reconfigure(bucket_limits limits, duration now) {
  refill(now);
  limits_ = limits;
  tokens_ = std::min(tokens_, limits_.capacity);
}

double leaky_bucket::level(duration now) {
  refill(now);
  return tokens_;
}

std::int64_t retry_after_seconds(leaky_bucket::duration wait) {
  auto secs = std::chrono::duration<double>(wait).count();
  return std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(secs)));
}

}  // namespace integrator
