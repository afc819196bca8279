#pragma once
// What an operation's handler works with: one account's documents in the
// store, the validation hooks and the id generator of the shard that runs
// it, and the caller. Handlers are free functions of (context, call, now),
// so they are tested without an actor system.

#include <cstdint>

#include "core/api/account_book.hpp"
#include "core/api/api_call.hpp"
#include "core/resources/resource_store.hpp"
#include "core/resources/validation.hpp"
#include "core/util/object_id.hpp"

namespace integrator {

struct account_context {
  resource_store& resources;
  const validation_context& validation;
  object_id_generator& ids;

  document_store& store() const { return resources.store(); }
};

/// An operation run against the store: (context, caller, call, wall-clock
/// ms) → the answer. Never throws an api error; store_failure propagates to
/// the shard, which answers 500.
using store_handler = api_reply (*)(account_context&, const principal&, const api_call&,
                                    std::int64_t now_ms);

}  // namespace integrator
