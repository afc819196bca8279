#pragma once
// What users do with a flow's errors once a job has left them (§7.6, §7.7):
// resolve them, or retry the failed records from their stored retry data.
// A retry is a job of type `retry` per (parent flow job, step): the engine
// replays the records into that step and the steps after it, then
// retry_done() resolves the retried errors and counts the records that now
// succeeded toward the parent job (the product's rule). A record that fails
// again gets a new error under the retry job. Errors and their retry data
// are purged after the retention period. A retry claims its errors
// (`_retryJobId`) in the write that creates it, so overlapping retries never
// send a record twice.
//
// Plain logic over a document_store; the API's handlers and the engine's
// store actor call it.

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/resources/document_store.hpp"
#include "core/engine/job_model.hpp"
#include "core/util/result.hpp"

namespace integrator {

class object_id_generator;

/// Which of a step's open errors a retry takes: those with one of
/// `retry_data_keys` and one of `error_ids` (either absent: no condition).
struct retry_selection {
  std::optional<std::set<std::string>> retry_data_keys;
  std::optional<std::set<std::string>> error_ids;
};

class error_store {
public:
  /// `store` must outlive this object.
  explicit error_store(document_store& store) : store_(store) {}

  /// Resolves the open errors `error_ids` of step `step_id` of a flow
  /// (PUT /flows/{id}/{stepId}/resolved); unknown ids are skipped.
  void resolve_step(const std::string& account, const std::string& flow_id,
                    const std::string& step_id, const std::set<std::string>& error_ids,
                    std::int64_t now_ms);
  /// Resolves every open error of a job, or only `error_id` when given
  /// (PUT /jobs/{id}/joberrors[/{errorId}]/resolve); not_found when the
  /// job, or the one error, does not exist.
  result<void> resolve_job(const std::string& account, const std::string& job_id,
                           const std::string& error_id, std::int64_t now_ms);

  /// Queues the retry jobs of a step's open errors that `selection` picks
  /// (POST /flows/{id}/{stepId}/retry); the jobs written, or the error.
  result<std::vector<job_doc>> retry_step(const std::string& account, const std::string& flow_id,
                                          const std::string& step_id,
                                          const retry_selection& selection,
                                          object_id_generator& ids, std::int64_t now_ms);
  /// Queues the retry jobs of every open error of a job, or of the one
  /// with `retry_data_key` (POST /jobs/{id}/retry, legacy retries routes).
  result<std::vector<job_doc>> retry_job(const std::string& account, const std::string& job_id,
                                         const std::string& retry_data_key,
                                         object_id_generator& ids, std::int64_t now_ms);

  /// The stored records a retry job replays, in its errors' order
  /// (missing ones, purged meanwhile, and errors resolved since the retry
  /// claimed them left out).
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
  result<std::vector<job_doc>> plan(const std::string& account, std::vector<found_error> errors,
                                    object_id_generator& ids, std::int64_t now_ms);
  void resolve(std::vector<found_error> errors, std::int64_t now_ms);
  /// Whether a retry job that may still send `e`'s record holds it.
  bool claimed(const std::string& account, const found_error& e);

  document_store& store_;
};

}  // namespace integrator
