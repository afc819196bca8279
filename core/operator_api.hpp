#pragma once
// The operator API (/admin/v1) as plain logic: a call becomes a plan of
// what to write and what to answer once the write is durable. The registry
// actor carries plans out; tests reach them without an actor system.

#include <cstdint>
#include <optional>

#include "core/account_book.hpp"
#include "core/api_call.hpp"

namespace integrator {

struct operator_plan {
  api_reply reply;                      ///< the answer once `batch` is durable
  write_batch batch;                    ///< empty: nothing to write
  std::optional<bucket_limits> limits;  ///< new limits of the call's account
};

/// Plans `call` against `book` at `now_ms`; reads answer at once (empty
/// batch). `defaults` are the limits of accounts without their own.
operator_plan plan_operator_call(account_book& book, const bucket_limits& defaults,
                                 const api_call& call, std::int64_t now_ms);

}  // namespace integrator
