#pragma once
// The table of API operations: one row per method and path, holding
// everything the layers need to know about it (where it runs, whether it
// only reads, whether it is a paged list, its handler). The router matches
// paths against it, the shard runs its handler, the HTTP frontend reads its
// traits. A new endpoint is one row here and one handler.
//
// Path patterns are "/"-separated segments: a literal ("run"; "a|b" for
// either; "~x" ignores case), a collection name ("flows": any case, sets
// the call's kind), or a parameter:
//   {collection}  any resource collection (sets the kind)
//   {cloneable}   a collection whose kind may be cloned
//   {id}          the resource's ObjectId (call.id)
//   {job}, {account}, {token}   an ObjectId (call.id)
//   {step}, {error}, {retry}, {license}   an ObjectId (call.sub_id)
//   {key}         a state key, 1–512 characters (call.sub_id)
//   {apiIdentifier}  an import's identifier, "i" and 7 hex digits (call.id)
// A malformed ObjectId answers 404 "Invalid <what> id" when the rest of
// the path matched.

#include <vector>

#include "core/api/account_context.hpp"
#include "core/api/engine_operations.hpp"
#include "core/api/operator_api.hpp"

namespace integrator {

/// Where an operation runs.
enum class op_runner : std::uint8_t {
  bucket,     ///< the account's rate bucket answers it (GET /tokenInfo)
  store,      ///< a store_handler, in the account's shard
  engine,     ///< an engine_preparer in the shard, then the engine
  operator_,  ///< an operator_handler, in the registry (/admin/v1)
};

struct operation {
  api_op op;
  const char* method;
  const char* path;
  /// Reads only: may run against the store's memory-only view.
  bool reads_only = false;
  /// A list: the answer carries a Link header (prev, next).
  bool paged = false;
  /// The query parameters go into the call.
  bool takes_query = false;
  /// State of a resource rather than of the account.
  bool scoped = false;
  store_handler on_store = nullptr;
  engine_preparer on_engine = nullptr;
  operator_handler on_operator = nullptr;

  op_runner runner() const {
    return on_store      ? op_runner::store
           : on_engine   ? op_runner::engine
           : on_operator ? op_runner::operator_
                         : op_runner::bucket;
  }
};

/// Every operation, in matching order.
const std::vector<operation>& operations();

/// The row of `op` (its first, when several paths lead to it).
const operation& operation_of(api_op op);

/// Runs a store operation's handler (500 for any other operation).
api_reply run_store_operation(account_context& ctx, const principal& who, const api_call& call,
                              std::int64_t now_ms);

}  // namespace integrator
