#include "core/engine/error_store.hpp"
#include "core/json/json_depth.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <map>
#include <set>

#include "core/util/iso_time.hpp"
#include "core/resources/key_codec.hpp"
#include "core/util/object_id.hpp"

namespace integrator {

namespace json = boost::json;

struct error_store::found_error {
  std::string key;  ///< in the joberrors space
  json::object doc;

  std::string field(std::string_view name) const {
    auto it = doc.find(name);
    return it != doc.end() && it->value().is_string() ? std::string(it->value().get_string())
                                                       : std::string();
  }
};


std::vector<error_store::found_error>
error_store::open_errors(const std::string& account, const std::string& prefix,
                           const std::function<bool(const found_error&)>& keep) {
  std::vector<found_error> out;
  store_.scan(keys::job_errors_space, account + prefix, [&](std::string_view key, std::string_view value) {
    boost::system::error_code ec;
    auto v = parse_json(value, ec);
    if (ec || !v.is_object())
      return true;
    found_error e{std::string(key), std::move(v.get_object())};
    auto resolved = e.doc.find("resolved");
    if (resolved != e.doc.end() && resolved->value() == true)
      return true;
    if (keep(e))
      out.push_back(std::move(e));
    return true;
  });
  return out;
}

void error_store::resolve(std::vector<found_error> errors, std::int64_t now_ms) {
  write_batch b;
  for (auto& e : errors) {
    e.doc["resolved"] = true;
    e.doc["resolvedAt"] = format_iso_ms(now_ms);
    b.put(keys::job_errors_space, e.key, json::serialize(e.doc));
  }
  if (!b.empty())
    store_.write(b);
}

void error_store::resolve_step(const std::string& account, const std::string& flow_id,
                               const std::string& step_id, const std::set<std::string>& error_ids,
                               std::int64_t now_ms) {
  resolve(open_errors(account, "",
                      [&](const found_error& e) {
                        return e.field("_flowId") == flow_id && e.field("_stepId") == step_id
                               && error_ids.count(e.field("errorId"));
                      }),
          now_ms);
}

result<void> error_store::resolve_job(const std::string& account, const std::string& job_id,
                                      const std::string& error_id, std::int64_t now_ms) {
  auto text = store_.get(keys::jobs_space, keys::resource(account, job_id));
  auto job = text ? job_doc::from_json(*text) : std::nullopt;
  if (!job)
    return make_api_error(error_code::not_found, "Job not found");
  auto flow_job = job->flow_job_id.empty() ? job->id : job->flow_job_id;
  auto errors = open_errors(account, flow_job, [&](const found_error& e) {
    return (job->flow_job_id.empty() || e.field("_jobId") == job->id)
           && (error_id.empty() || e.field("errorId") == error_id);
  });
  if (!error_id.empty() && errors.empty())
    return make_api_error(error_code::not_found, "Job error not found");
  resolve(std::move(errors), now_ms);
  return {};
}

result<std::vector<job_doc>> error_store::plan(const std::string& account,
                                              std::vector<found_error> errors,
                                              object_id_generator& ids, std::int64_t now_ms) {
  // One retry job per parent flow job and step, in the errors' order.
  std::map<std::pair<std::string, std::string>, job_doc> jobs;
  std::vector<std::pair<std::string, std::string>> order;
  for (const auto& e : errors) {
    auto retry_key = e.field("retryDataKey");
    if (retry_key.empty() || claimed(account, e))
      continue;  // nothing stored to replay, or another retry has it
    std::pair<std::string, std::string> group{e.field("_flowJobId"), e.field("_stepId")};
    auto [it, added] = jobs.try_emplace(group);
    auto& j = it->second;
    if (added) {
      order.push_back(group);
      auto parent = store_.get(keys::jobs_space, keys::resource(account, group.first));
      auto parent_doc = parent ? job_doc::from_json(*parent) : std::nullopt;
      j.id = ids.next(static_cast<std::uint32_t>(now_ms / 1000));
      j.type = "retry";
      j.flow_id = e.field("_flowId");
      j.integration_id = parent_doc ? parent_doc->integration_id : "";
      j.retry_of_job_id = group.first;
      j.retry_step_id = group.second;
      j.status = job_status::queued;
      j.created_at = now_ms;
      j.last_modified = now_ms;
    }
    j.retry_errors.emplace_back(e.field("errorId"), retry_key);
  }
  if (order.empty())
    return make_api_error(error_code::nothing_to_retry,
                          "No open error with retry data matches", "");
  // The retry jobs and their claims on the errors in one write: a second
  // retry of the same errors finds them claimed (the shard serves an
  // account's calls one at a time, so nothing slips between read and write).
  write_batch b;
  std::map<std::string, std::string> claim_of;  // error id -> retry job id
  for (const auto& g : order)
    for (const auto& [error_id, key] : jobs.at(g).retry_errors)
      claim_of[error_id] = jobs.at(g).id;
  for (auto& e : errors)
    if (auto it = claim_of.find(e.field("errorId")); it != claim_of.end()) {
      e.doc["_retryJobId"] = it->second;
      b.put(keys::job_errors_space, e.key, json::serialize(e.doc));
    }
  std::vector<job_doc> out;
  for (const auto& g : order) {
    auto& j = jobs.at(g);
    b.put(keys::jobs_space, keys::resource(account, j.id), j.to_json());
    out.push_back(std::move(j));
  }
  store_.write(b);
  return out;
}

bool error_store::claimed(const std::string& account, const found_error& e) {
  auto retry_job = e.field("_retryJobId");
  if (retry_job.empty())
    return false;
  // A claim holds while its retry job may still send the record; one that
  // was canceled or interrupted before resolving leaves the error open.
  auto text = store_.get(keys::jobs_space, keys::resource(account, retry_job));
  auto job = text ? job_doc::from_json(*text) : std::nullopt;
  return job && (job->status == job_status::queued || job->status == job_status::running
                 || job->status == job_status::canceling);
}

result<std::vector<job_doc>> error_store::retry_step(const std::string& account,
                                                     const std::string& flow_id,
                                                     const std::string& step_id,
                                                     const retry_selection& selection,
                                                     object_id_generator& ids,
                                                     std::int64_t now_ms) {
  const auto& keys = selection.retry_data_keys;
  const auto& error_ids = selection.error_ids;
  return plan(account,
              open_errors(account, "",
                          [&](const found_error& e) {
                            return e.field("_flowId") == flow_id && e.field("_stepId") == step_id
                                   && (!keys || keys->count(e.field("retryDataKey")))
                                   && (!error_ids || error_ids->count(e.field("errorId")));
                          }),
              ids, now_ms);
}

result<std::vector<job_doc>> error_store::retry_job(const std::string& account,
                                                    const std::string& job_id,
                                                    const std::string& retry_data_key,
                                                    object_id_generator& ids,
                                                    std::int64_t now_ms) {
  auto text = store_.get(keys::jobs_space, keys::resource(account, job_id));
  auto job = text ? job_doc::from_json(*text) : std::nullopt;
  if (!job)
    return make_api_error(error_code::not_found, "Job not found");
  // A retry job's own errors belong to it; a child job's to its flow job.
  auto flow_job = job->flow_job_id.empty() ? job->id : job->flow_job_id;
  return plan(account,
              open_errors(account, flow_job,
                          [&](const found_error& e) {
                            return (job->flow_job_id.empty() || e.field("_jobId") == job->id)
                                   && (retry_data_key.empty()
                                       || e.field("retryDataKey") == retry_data_key);
                          }),
              ids, now_ms);
}

std::vector<std::string> error_store::retry_records(const std::string& account,
                                                      const job_doc& retry) {
  std::vector<std::string> out;
  for (const auto& [error_id, key] : retry.retry_errors) {
    // Resolved after the retry claimed it: the user no longer wants it sent.
    auto error = store_.get(keys::job_errors_space, keys::job_error(account, retry.retry_of_job_id, error_id));
    boost::system::error_code ec;
    auto doc = error ? parse_json(*error, ec) : json::value();
    const auto* o = ec ? nullptr : doc.if_object();
    if (o && o->contains("resolved") && o->at("resolved") == true)
      continue;
    if (auto v = store_.get(keys::retry_data_space, keys::resource(account, key)))
      out.push_back(std::move(*v));
  }
  return out;
}

write_batch error_store::retry_done(const std::string& account, const job_doc& retry,
                                      std::int64_t recovered, std::int64_t now_ms) {
  write_batch b;
  std::string step_job;
  for (const auto& [error_id, key] : retry.retry_errors) {
    auto k = keys::job_error(account, retry.retry_of_job_id, error_id);
    auto text = store_.get(keys::job_errors_space, k);
    boost::system::error_code ec;
    auto v = text ? parse_json(*text, ec) : json::value();
    if (ec || !v.is_object())
      continue;
    auto& o = v.get_object();
    if (auto it = o.find("_jobId"); it != o.end() && it->value().is_string())
      step_job = it->value().get_string();
    o["resolved"] = true;
    o["resolvedAt"] = format_iso_ms(now_ms);
    o["_retryJobId"] = retry.id;
    b.put(keys::job_errors_space, k, json::serialize(o));
  }
  for (const auto& id : {retry.retry_of_job_id, step_job}) {
    auto text = id.empty() ? std::nullopt : store_.get(keys::jobs_space, keys::resource(account, id));
    auto parent = text ? job_doc::from_json(*text) : std::nullopt;
    if (!parent)
      continue;
    auto moved = std::min(recovered, parent->counts.num_error);
    parent->counts.num_error -= moved;
    parent->counts.num_success += moved;
    parent->last_modified = now_ms;
    b.put(keys::jobs_space, keys::resource(account, id), parent->to_json());
  }
  return b;
}

std::size_t error_store::purge(std::int64_t cutoff_ms, std::size_t limit) {
  write_batch b;
  std::size_t n = 0;
  store_.scan(keys::job_errors_space, "", [&](std::string_view key, std::string_view value) {
    boost::system::error_code ec;
    auto v = parse_json(value, ec);
    const auto* o = ec ? nullptr : v.if_object();
    if (!o)
      return true;
    auto at = o->if_contains("occurredAt");
    auto when = at && at->is_string() ? parse_iso_ms(at->get_string()) : std::nullopt;
    if (!when || *when >= cutoff_ms)
      return true;
    b.erase(keys::job_errors_space, std::string(key));
    auto rk = o->if_contains("retryDataKey");
    if (rk && rk->is_string() && !rk->get_string().empty())
      b.erase(keys::retry_data_space,
              keys::resource(key.substr(0, 24), rk->get_string()));  // the account id leads the key
    return ++n < limit;
  });
  if (!b.empty())
    store_.write(b);
  return n;
}

}  // namespace integrator
