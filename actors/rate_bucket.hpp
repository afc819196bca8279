#pragma once
// Spawns the rate bucket actor of one account (see interfaces.hpp).

#include <caf/fwd.hpp>

#include "actors/interfaces.hpp"
#include "core/util/leaky_bucket.hpp"

namespace integrator {

/// A bucket starting full with `limits`, measured on the steady clock.
rate_bucket_actor spawn_rate_bucket(caf::local_actor* parent, bucket_limits limits);

/// The 429 of a call over its account's limit.
api_reply rate_limited_reply(std::int64_t retry_after_seconds);

}  // namespace integrator
