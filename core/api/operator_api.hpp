#pragma once
// The operator API (/admin/v1) as plain logic: a call becomes a plan of
// what to write and what to answer once the write is durable. The registry
// actor carries plans out; tests reach them without an actor system.

#include <cstdint>
#include <optional>

#include "core/api/account_book.hpp"
#include "core/api/api_call.hpp"

namespace integrator {

struct operator_plan {
  api_reply reply;                      ///< the answer once `batch` is durable
  write_batch batch;                    ///< empty: nothing to write
  std::optional<bucket_limits> limits;  ///< new limits of the call's account
};

/// One operator operation: plans `call` against `book` at `now_ms`; reads
/// answer at once (empty batch). `defaults` are the limits of accounts
/// without their own.
using operator_handler = operator_plan (*)(account_book& book, const bucket_limits& defaults,
                                           const api_call& call, std::int64_t now_ms);

operator_plan list_accounts(account_book&, const bucket_limits&, const api_call&, std::int64_t);
operator_plan create_account(account_book&, const bucket_limits&, const api_call&, std::int64_t);
operator_plan list_tokens(account_book&, const bucket_limits&, const api_call&, std::int64_t);
operator_plan create_token(account_book&, const bucket_limits&, const api_call&, std::int64_t);
operator_plan revoke_token(account_book&, const bucket_limits&, const api_call&, std::int64_t);
/// GET /cluster/nodes of a node that is not in a cluster (a cluster node's
/// registry answers from the membership rows instead).
operator_plan cluster_nodes_alone(account_book&, const bucket_limits&, const api_call&, std::int64_t);
/// GET /cluster/leases alone: no leases (a cluster node answers from the store).
operator_plan cluster_leases_alone(account_book&, const bucket_limits&, const api_call&, std::int64_t);
operator_plan get_rate_limit(account_book&, const bucket_limits&, const api_call&, std::int64_t);
operator_plan put_rate_limit(account_book&, const bucket_limits&, const api_call&, std::int64_t);

/// Plans `call` with its operation's handler (operations.hpp).
operator_plan plan_operator_call(account_book& book, const bucket_limits& defaults,
                                 const api_call& call, std::int64_t now_ms);

}  // namespace integrator
