#pragma once
// The handlers that read jobs (§7.6): GET /jobs with the reference's
// filters and query rules, one job, its errors, the jobs not yet over, the
// latest jobs of a flow or an integration, and a flow's delta mark. Jobs
// span every resource of a flow: only full-access tokens read them. Each is
// a store_handler (account_context.hpp).

#include "core/api/account_context.hpp"

namespace integrator {

api_reply list_jobs(account_context&, const principal&, const api_call&, std::int64_t);
api_reply get_job(account_context&, const principal&, const api_call&, std::int64_t);
/// GET /jobs/{id}/joberrors: a flow job's errors, or a child job's own.
api_reply list_job_errors(account_context&, const principal&, const api_call&, std::int64_t);
/// POST /jobs/current: the flow and retry jobs not yet over (queued,
/// running, canceling), newest first; the body may narrow them by
/// `_flowId`, `_integrationId` or `type`.
api_reply current_jobs(account_context&, const principal&, const api_call&, std::int64_t);
/// GET /flows/{id}/jobs/latest: the flow's newest job and its children.
api_reply latest_flow_jobs(account_context&, const principal&, const api_call&, std::int64_t);
/// GET /integrations/{id}/jobs/latest: the newest flow job of each flow.
api_reply latest_integration_jobs(account_context&, const principal&, const api_call&, std::int64_t);
/// GET /flows/{id}/lastExportDateTime: the mark of its first delta export.
api_reply last_export_time(account_context&, const principal&, const api_call&, std::int64_t);

/// 403 unless `who` may read and act on jobs (a full-access token).
std::optional<api_reply> refuse_jobs(const principal& who, const char* action);

}  // namespace integrator
