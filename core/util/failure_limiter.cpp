#include "core/util/failure_limiter.hpp"

#include <iterator>

namespace integrator {

std::optional<std::int64_t> failure_limiter::refused(const std::string& address, duration now) {
  auto it = buckets_.find(address);
  if (it == buckets_.end() || it->second.level(now) >= 1)
    return std::nullopt;
  // Until one failure may be spent again.
  auto missing = 1 - it->second.level(now);
  auto wait = std::chrono::duration<double>(missing / limits_.fill_rate);
  return retry_after_seconds(std::chrono::duration_cast<duration>(wait));
}

void failure_limiter::failed(const std::string& address, duration now) {
  auto it = buckets_.find(address);
  if (it == buckets_.end()) {
    if (buckets_.size() >= max_addresses_)
      forget_refilled(now);
    it = buckets_.emplace(address, leaky_bucket(limits_, now)).first;
  }
  it->second.take(now);
}

void failure_limiter::forget_refilled(duration now) {
  for (auto it = buckets_.begin(); it != buckets_.end();)
    it = it->second.level(now) >= limits_.capacity ? buckets_.erase(it) : std::next(it);
  // Still full of addresses that keep failing: forget the oldest guesses at
  // random rather than grow without bound (a flood from many addresses).
  while (buckets_.size() >= max_addresses_)
    buckets_.erase(buckets_.begin());
}

}  // namespace integrator
