#pragma once
// Jobs and job errors as stored and as the API shows them (§7.6, §7.7).
// A flow job owns one child job per step (type export or import) through
// _flowJobId. Kept in the "jobs" space; errors in "joberrors" under their
// flow job, each with a retryDataKey naming the record in "retrydata".

#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace integrator {

enum class job_status : std::uint8_t { queued, running, completed, failed, canceling, canceled };

std::string_view status_name(job_status s);
/// Accepts the double-l spellings (cancelling, cancelled) too.
std::optional<job_status> parse_job_status(std::string_view s);
bool is_final(job_status s);

struct job_counts {
  std::int64_t num_export = 0;
  std::int64_t num_success = 0;
  std::int64_t num_error = 0;
  std::int64_t num_ignore = 0;
  std::int64_t num_pages_generated = 0;
  std::int64_t num_pages_processed = 0;

  job_counts& operator+=(const job_counts& o);
  job_counts& operator-=(const job_counts& o);

  /// As a job's JSON has them: numExport, numSuccess, numError, numIgnore,
  /// numPagesGenerated, numPagesProcessed (missing ones read as 0).
  void put_into(boost::json::object& o) const;
  static job_counts read_from(const boost::json::object& o);
};

struct job_doc {
  std::string id;
  std::string type = "flow";  ///< flow, export, import, retry
  std::string flow_id;
  std::string integration_id;
  std::string export_id;
  std::string import_id;
  std::string flow_job_id;
  std::string retry_of_job_id;  ///< retry jobs: the flow job whose errors they retry
  std::string retry_step_id;    ///< retry jobs: the step the records go back into
  std::vector<std::pair<std::string, std::string>> retry_errors;  ///< errorId, retryDataKey
  std::vector<std::string> export_ids;  ///< run body _exportIds: the generators to run
  std::int64_t start_date = -1;         ///< run body startDate (ms): overrides delta windows
  std::int64_t end_date = -1;           ///< run body endDate (ms)
  job_status status = job_status::queued;
  job_counts counts;
  std::int64_t created_at = 0;
  std::int64_t started_at = -1;
  std::int64_t ended_at = -1;
  std::int64_t last_modified = 0;
  /// How often integratord stopped unexpectedly while the job ran
  /// (job_recovery.hpp); shown when not 0.
  std::int64_t interruptions = 0;
  /// Records that may have been sent twice: a job resumed after an
  /// interruption sends again the pages that were in flight (at most that
  /// many records; job_checkpoint.hpp). Shown when not 0.
  std::int64_t possibly_resent = 0;

  std::string to_json() const;
  static std::optional<job_doc> from_json(std::string_view text);
};

/// A job of a flow of an account: what the engine needs to queue or find it.
struct job_ref {
  std::string account;
  std::string flow_id;
  std::string job_id;
};

struct job_error_entry {
  std::string error_id;
  std::string job_id;       ///< the child job of the step
  std::string flow_job_id;
  std::string flow_id;
  std::string step_id;      ///< export or import id
  std::string source;       ///< export, import, internal
  std::string code;
  std::string message;
  std::string trace_key;
  std::string retry_data_key;  ///< empty when there is nothing to retry
  std::string retry_data;      ///< the record as it entered the step (JSON)
  std::int64_t occurred_at = 0;

  /// The API form (without retry_data, which is kept apart).
  std::string to_json() const;
};

}  // namespace integrator
