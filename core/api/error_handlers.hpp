#pragma once
// The handlers of a flow's errors (§7.7): a step's open or resolved
// errors, and resolving them by step or by job. Retrying them starts jobs,
// so it is an engine operation (engine_operations.hpp). Full-access tokens
// only. Each is a store_handler (account_context.hpp).

#include "core/api/account_context.hpp"

namespace integrator {

/// GET /flows/{id}/{stepId}/errors (filters occurredAt_gte/_lte, source,
/// resolved, limit).
api_reply list_step_errors(account_context&, const principal&, const api_call&, std::int64_t);
/// GET /flows/{id}/{stepId}/resolved
api_reply list_resolved_step_errors(account_context&, const principal&, const api_call&,
                                    std::int64_t);
/// PUT /flows/{id}/{stepId}/resolved {"errors":[errorId…]}
api_reply resolve_step_errors(account_context&, const principal&, const api_call&, std::int64_t);
/// PUT /jobs/{id}/joberrors/resolve and /jobs/{id}/joberrors/{errorId}/resolve
api_reply resolve_job_errors(account_context&, const principal&, const api_call&, std::int64_t);

}  // namespace integrator
