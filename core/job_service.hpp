#pragma once
// The read side of jobs and errors, as plain logic over a document_store:
// GET /jobs with the reference's filters and query rules, one job, its
// errors, the latest jobs of a flow or integration, a step's errors; and
// the one write the API makes itself, a queued flow job. The engine
// (actors/engine) writes everything else.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "core/api_call.hpp"
#include "core/document_store.hpp"
#include "core/job_model.hpp"

namespace integrator {

class job_service {
public:
  explicit job_service(document_store& store) : store_(store) {}

  api_reply list(const std::string& account, const query_params& query);
  api_reply get(const std::string& account, const std::string& id);
  api_reply errors(const std::string& account, const std::string& job_id);
  /// POST /jobs/current: the flow and retry jobs not yet over (queued,
  /// running, canceling), newest first; the body may narrow them by
  /// `_flowId`, `_integrationId` or `type`.
  api_reply current(const std::string& account, const std::string& body);
  api_reply flow_latest(const std::string& account, const std::string& flow_id);
  api_reply integration_latest(const std::string& account, const std::string& integration_id);
  /// A step's open errors (GET …/errors), or with `only_resolved` its
  /// resolved ones (GET …/resolved); `resolved=true|false` overrides.
  api_reply step_errors(const std::string& account, const std::string& flow_id,
                        const std::string& step_id, const query_params& query,
                        bool only_resolved = false);

  std::optional<job_doc> load(const std::string& account, const std::string& id);

  /// Calls `visit` with each child job (export/import) of flow job `id`.
  void for_children(const std::string& account, const std::string& id,
                    const std::function<void(job_doc)>& visit);

  /// Writes a queued flow job for `flow_id` (created at `now_ms`); `run`
  /// carries the run body's options.
  job_doc enqueue(const std::string& account, const std::string& job_id,
                  const std::string& flow_id, const std::string& integration_id,
                  std::int64_t now_ms, job_doc run = {});

private:
  std::vector<job_doc> all(const std::string& account);

  document_store& store_;
};

}  // namespace integrator
