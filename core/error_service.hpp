#pragma once
// What users do with a flow's errors once a job has left them (§7.6, §7.7):
// resolve them, or retry the failed records from their stored retry data.
// A retry is a job of type `retry` per (parent flow job, step): the engine
// replays the records into that step and the steps after it, then
// retry_done() resolves the retried errors and counts the records that now
// succeeded toward the parent job (the product's rule). A record that fails
// again gets a new error under the retry job.
//
// Plain logic over a document_store; the API's account shard and the
// engine's store actor call it.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/api_call.hpp"
#include "core/document_store.hpp"
#include "core/job_model.hpp"

namespace integrator {

class object_id_generator;

class error_service {
public:
  explicit error_service(document_store& store) : store_(store) {}

  /// PUT /flows/{id}/{stepId}/resolved with {errors:[errorId…]}.
  api_reply resolve_step(const std::string& account, const std::string& flow_id,
                         const std::string& step_id, const std::string& body, std::int64_t now_ms);
  /// PUT /jobs/{id}/joberrors/resolve (every error of the job) and
  /// PUT /jobs/{id}/joberrors/{errorId}/resolve.
  api_reply resolve_job(const std::string& account, const std::string& job_id,
                        const std::string& error_id, std::int64_t now_ms);

  /// Queued retry jobs, written, or the error to answer.
  struct retry_plan {
    std::vector<job_doc> jobs;
    std::optional<api_error> error;
  };
  /// POST /flows/{id}/{stepId}/retry with {retryDataKeys:[…]} or
  /// {errorIds:[…]} (neither: every open error of the step).
  retry_plan retry_step(const std::string& account, const std::string& flow_id,
                        const std::string& step_id, const std::string& body,
                        object_id_generator& ids, std::int64_t now_ms);
  /// POST /jobs/{id}/retry (every open error of the job), and the legacy
  /// /jobs/{id}/retries/{retryDataKey}/retry for one.
  retry_plan retry_job(const std::string& account, const std::string& job_id,
                       const std::string& retry_data_key, object_id_generator& ids,
                       std::int64_t now_ms);

  /// The stored records a retry job replays, in its errors' order
  /// (missing ones, purged meanwhile, left out).
  std::vector<std::string> retry_records(const std::string& account, const job_doc& retry);

  /// The write that closes a finished retry job: its errors resolved, and
  /// `recovered` records (those that succeeded at the retried step) moved
  /// from error to success in the parent flow job and its step job.
  write_batch retry_done(const std::string& account, const job_doc& retry,
                         std::int64_t recovered, std::int64_t now_ms);

  /// Deletes errors and retry data that occurred before `cutoff_ms`; at
  /// most `limit` errors per call. Returns how many were deleted.
  std::size_t purge(std::int64_t cutoff_ms, std::size_t limit);

private:
  struct found_error;
  std::vector<found_error> open_errors(const std::string& account, const std::string& prefix,
                                       const std::function<bool(const found_error&)>& keep);
  retry_plan plan(const std::string& account, std::vector<found_error> errors,
                  object_id_generator& ids, std::int64_t now_ms);
  api_reply resolve(std::vector<found_error> errors, std::int64_t now_ms);

  document_store& store_;
};

}  // namespace integrator
