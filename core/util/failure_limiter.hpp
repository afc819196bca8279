#pragma once
// Failed authentications per client address: each address has a bucket of
// `capacity` failures that refills at `fill_rate` per second; while it is
// empty, the address is refused before its requests are looked at. A flood
// of bad tokens then costs the server a map look-up per request, and a
// guesser gets `fill_rate` tries per second. Pure: the caller passes the
// time and serializes calls.

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

#include "core/util/leaky_bucket.hpp"

namespace integrator {

class failure_limiter {
public:
  using duration = leaky_bucket::duration;

  /// `max_addresses` bounds the memory: beyond it, addresses whose bucket
  /// has refilled are forgotten.
  explicit failure_limiter(bucket_limits limits, std::size_t max_addresses = 100000)
    : limits_(limits), max_addresses_(max_addresses) {}

  /// Seconds `address` must wait before it is served again; nullopt when it
  /// may be served now.
  std::optional<std::int64_t> refused(const std::string& address, duration now);

  /// Counts a failed authentication of `address`.
  void failed(const std::string& address, duration now);

  std::size_t tracked() const { return buckets_.size(); }

private:
  void forget_refilled(duration now);

  bucket_limits limits_;
  std::size_t max_addresses_;
  std::unordered_map<std::string, leaky_bucket> buckets_;
};

}  // namespace integrator
