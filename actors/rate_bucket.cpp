#include "actors/rate_bucket.hpp"

#include <caf/all.hpp>

#include <chrono>

namespace integrator {

namespace {

struct bucket_state {
  std::optional<leaky_bucket> bucket;
  static inline const char* name = "rate_bucket";
};

leaky_bucket::duration steady_now() {
  return std::chrono::duration_cast<leaky_bucket::duration>(
    std::chrono::steady_clock::now().time_since_epoch());
}

rate_bucket_actor::behavior_type
rate_bucket_impl(rate_bucket_actor::stateful_pointer<bucket_state> self, bucket_limits limits) {
  self->state.bucket.emplace(limits, steady_now());
  return {
    [=](take_atom, principal& who, api_call& call,
        account_shard_actor& shard) -> caf::result<api_reply> {
      auto d = self->state.bucket->take(steady_now());
      if (!d.admitted)
        return rate_limited_reply(retry_after_seconds(d.retry_after));
      if (call.op == api_op::token_info)
        return api_reply::json(api_status::ok, token_info_json(who));
      return self->delegate(shard, exec_atom::value, std::move(who), std::move(call));
    },
    [=](take_atom) -> std::int64_t {
      auto d = self->state.bucket->take(steady_now());
      return d.admitted ? 0 : retry_after_seconds(d.retry_after);
    },
    [=](limit_atom, double capacity, double fill_rate) {
      self->state.bucket->reconfigure(bucket_limits{capacity, fill_rate}, steady_now());
    },
  };
}

}  // namespace

api_reply rate_limited_reply(std::int64_t retry_after_seconds) {
  auto r = api_reply::fail(make_api_error(
    error_code::rate_limited, "Too many requests. Retry after " + std::to_string(retry_after_seconds) + " seconds.", ""));
  r.retry_after = retry_after_seconds;
  return r;
}

rate_bucket_actor spawn_rate_bucket(caf::local_actor* parent, bucket_limits limits) {
  return parent->spawn<caf::linked>(rate_bucket_impl, limits);
}

}  // namespace integrator
