#include "core/engine/job_store.hpp"

#include <algorithm>

#include "core/resources/key_codec.hpp"
#include "core/util/object_id.hpp"
#include "core/util/api_error.hpp"

namespace integrator {

std::optional<std::string> job_store::load_text(const std::string& account,
                                                const std::string& id) const {
  return store_.get(keys::jobs_space, keys::resource(account, id));
}

std::optional<job_doc> job_store::load(const std::string& account, const std::string& id) const {
  auto raw = load_text(account, id);
  if (!raw)
    return std::nullopt;
  return job_doc::from_json(*raw);
}

std::vector<job_doc> job_store::newest_first(const std::string& account) const {
  std::vector<job_doc> out;
  store_.scan(keys::jobs_space, account, [&](std::string_view, std::string_view value) {
    if (auto j = job_doc::from_json(value))
      out.push_back(std::move(*j));
    return true;
  });
  // Ids grow with time: newest first is the reverse of key order.
  std::reverse(out.begin(), out.end());
  return out;
}

void job_store::for_children(const std::string& account, const std::string& id,
                             const std::function<void(job_doc)>& visit) const {
  store_.scan(keys::jobs_space, account, [&](std::string_view, std::string_view value) {
    if (auto j = job_doc::from_json(value); j && j->flow_job_id == id)
      visit(std::move(*j));
    return true;
  });
}

void job_store::put(write_batch& b, const std::string& account, const job_doc& job) {
  b.put(keys::jobs_space, keys::resource(account, job.id), job.to_json());
}

write_batch job_store::fail_batch(const std::string& account, const std::string& job_id,
                                  const std::string& message, std::int64_t now_ms,
                                  object_id_generator& ids) const {
  write_batch b;
  auto job = load(account, job_id);
  if (!job || is_final(job->status))
    return b;
  job->status = job_status::failed;
  job->ended_at = now_ms;
  job->last_modified = now_ms;
  job->counts.num_error += 1;
  put(b, account, *job);
  b.erase(keys::job_checkpoints_space, keys::resource(account, job_id));  // it will not resume
  job_error_entry e;
  e.error_id = ids.next(static_cast<std::uint32_t>(now_ms / 1000));
  e.job_id = job_id;
  e.flow_job_id = job_id;
  e.flow_id = job->flow_id;
  e.source = "internal";
  e.code = code_name(error_code::job_failed);
  e.message = message;
  e.occurred_at = now_ms;
  b.put(keys::job_errors_space, keys::job_error(account, job_id, e.error_id), e.to_json());
  // Children still open end with their parent.
  for_children(account, job_id, [&](job_doc child) {
    if (!is_final(child.status)) {
      child.status = job_status::failed;
      child.ended_at = now_ms;
      child.last_modified = now_ms;
      put(b, account, child);
    }
  });
  return b;
}

std::optional<job_doc> job_store::cancel_queued(const std::string& account,
                                                const std::string& job_id, std::int64_t now_ms) {
  auto job = load(account, job_id);
  if (!job || job->status != job_status::queued)
    return job;
  job->status = job_status::canceled;
  job->ended_at = now_ms;
  job->last_modified = now_ms;
  write_batch b;
  put(b, account, *job);
  store_.write(b);
  return job;
}

}  // namespace integrator
