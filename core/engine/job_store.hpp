#pragma once
// Jobs in a document_store, as the engine reads and changes them: one job,
// an account's jobs newest first, a flow job's children, and the writes
// that queue, cancel or fail a job or recover them after a restart. Plain
// logic: the engine's store actor and the API's handlers call it.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/engine/job_model.hpp"
#include "core/resources/document_store.hpp"

namespace integrator {

class object_id_generator;

class job_store {
public:
  /// `store` must outlive this object.
  explicit job_store(document_store& store) : store_(store) {}

  std::optional<job_doc> load(const std::string& account, const std::string& id) const;

  /// The stored JSON of a job, unparsed.
  std::optional<std::string> load_text(const std::string& account, const std::string& id) const;

  /// Every job of `account`, newest first.
  std::vector<job_doc> newest_first(const std::string& account) const;

  /// Calls `visit` with each child job (export/import) of flow job `id`.
  void for_children(const std::string& account, const std::string& id,
                    const std::function<void(job_doc)>& visit) const;

  /// Adds the write of `job` to `b`.
  static void put(write_batch& b, const std::string& account, const job_doc& job);

  /// The write that ends job `job_id` (and its running children) failed
  /// with a job error saying `message`, at `now_ms`; empty when the job is
  /// gone or already over.
  write_batch fail_batch(const std::string& account, const std::string& job_id,
                         const std::string& message, std::int64_t now_ms,
                         object_id_generator& ids) const;

  /// Cancels job `job_id` when it is still queued (a running job is its
  /// actor's to cancel). The job as it now stands; nullopt when none.
  std::optional<job_doc> cancel_queued(const std::string& account, const std::string& job_id,
                                       std::int64_t now_ms);

private:
  document_store& store_;
};

}  // namespace integrator
