#include "core/engine/job_recovery.hpp"
#include "core/json/json_depth.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <map>
#include <set>

#include "core/engine/job_checkpoint.hpp"
#include "core/engine/job_store.hpp"
#include "core/engine/ownership.hpp"
#include "core/resources/key_codec.hpp"
#include "core/util/iso_time.hpp"

namespace integrator {

namespace json = boost::json;

namespace {

bool is_run(const job_doc& j) {
  return j.type == "flow" || j.type == "retry";
}

// Every flow and retry job whose key starts with `prefix` (an account, or
// "" for every account), as (account, job).
template <class Visit>
void for_each_run(document_store& store, std::string_view prefix, Visit visit) {
  store.scan(keys::jobs_space, prefix, [&](std::string_view key, std::string_view value) {
    if (auto j = job_doc::from_json(value); j && is_run(*j))
      visit(std::string(key.substr(0, 24)), std::move(*j));
    return true;
  });
}

// The run of `flow` created just before `job`, if any. By creation time, not
// id: ids made in the same second by two processes do not sort by time.
std::optional<job_doc> previous_run(const job_store& jobs, const std::string& account, const job_doc& job) {
  std::optional<job_doc> best;
  for (auto& j : jobs.newest_first(account)) {
    if (j.id == job.id || j.flow_id != job.flow_id || !is_run(j) || j.created_at > job.created_at)
      continue;
    if (!best || j.created_at > best->created_at)
      best = std::move(j);
  }
  return best;
}

// Disables `flow` in the same write that fails the job.
void disable_flow(document_store& store, write_batch& b, const std::string& account,
                  const std::string& flow, std::int64_t now_ms) {
  auto space = keys::space_of(resource_kind::flow);
  auto key = keys::resource(account, flow);
  auto text = store.get(space, key);
  if (!text)
    return;
  boost::system::error_code ec;
  auto doc = parse_json(*text, ec);
  if (ec || !doc.is_object())
    return;
  doc.get_object()["disabled"] = true;
  doc.get_object()["lastModified"] = format_iso_ms(now_ms);
  b.put(space, key, json::serialize(doc));
}


bool unfinished(const job_doc& j) {
  return j.status == job_status::queued || j.status == job_status::running || j.status == job_status::canceling;
}

// Settles the runs under `prefix` that `wanted` picks.
template <class Wanted>
recovery recover_runs(document_store& store, std::string_view prefix, Wanted wanted, std::int64_t now_ms,
                      object_id_generator& ids) {
  job_store jobs(store);
  recovery out;
  std::vector<std::pair<std::string, job_doc>> crashed;
  for_each_run(store, prefix, [&](std::string account, job_doc j) {
    if (!wanted(j))
      return;
    if (j.status == job_status::queued)
      out.queued.push_back({std::move(account), j.flow_id, j.id});
    else if (j.status == job_status::running || j.status == job_status::canceling)
      crashed.emplace_back(std::move(account), std::move(j));
  });
  std::set<std::pair<std::string, std::string>> disabled;  // account, flow
  for (auto& [account, job] : crashed) {
    auto checkpoint = store.get(keys::job_checkpoints_space, keys::resource(account, job.id));
    if (checkpoint && job.type == "flow" && job.status == job_status::running) {
      if (auto saved = job_checkpoint::from_json(*checkpoint); saved && saved->shutdown) {
        // Left by a clean stop to resume: not an interruption. The mark
        // goes now, so a crash before the job writes again counts.
        saved->shutdown = false;
        write_batch b;
        b.put(keys::job_checkpoints_space, keys::resource(account, job.id), saved->to_json());
        store.write(b);
        out.queued.push_back({account, job.flow_id, job.id});
        continue;
      }
    }
    auto previous = previous_run(jobs, account, job);
    // A previous run that was interrupted and then completed after resuming
    // ended well: only one that did not counts towards a crash in a row.
    bool again = job.interruptions > 0
                 || (previous && previous->interruptions > 0 && previous->status != job_status::completed);
    ++job.interruptions;
    bool resumable = !again && job.type == "flow" && job.status == job_status::running && checkpoint;
    if (resumable) {  // the job actor takes it up from its checkpoint
      write_batch b;
      job.last_modified = now_ms;
      job_store::put(b, account, job);
      store.write(b);
      out.queued.push_back({account, job.flow_id, job.id});
      out.notices.push_back("job " + job.id + " of flow " + job.flow_id + " of account " + account
                            + " was interrupted (a crash or a kill) and resumes from its last checkpoint");
      continue;
    }
    std::string why = "interrupted: integratord stopped unexpectedly (a crash or a kill) while the job ran";
    write_batch b;
    if (again) {
      why = "interrupted again: integratord stopped unexpectedly while this flow ran, as it did during its "
            "previous run, so the flow is disabled until someone enables it";
      disable_flow(store, b, account, job.flow_id, now_ms);
      disabled.emplace(account, job.flow_id);
      out.notices.push_back("flow " + job.flow_id + " of account " + account
                            + " disabled: integratord stopped during two runs of it in a row (job " + job.id + ")");
    }
    job_store::put(b, account, job);
    store.write(b);
    auto failed = jobs.fail_batch(account, job.id, why, now_ms, ids);
    if (!failed.empty())
      store.write(failed);
  }
  // A disabled flow's queued runs are canceled, not run into the next crash.
  std::erase_if(out.queued, [&](const job_ref& q) {
    if (!disabled.count({q.account, q.flow_id}))
      return false;
    jobs.cancel_queued(q.account, q.job_id, now_ms);
    return true;
  });
  // Keys are account|id: order by id (creation time) across accounts.
  std::sort(out.queued.begin(), out.queued.end(),
            [](const job_ref& a, const job_ref& b) { return a.job_id < b.job_id; });
  return out;
}

}  // namespace

recovery recover_jobs(document_store& store, std::int64_t now_ms, object_id_generator& ids) {
  return recover_runs(store, "", [](const job_doc&) { return true; }, now_ms, ids);
}

recovery recover_flow_jobs(document_store& store, const std::string& account, const std::string& flow,
                           std::int64_t now_ms, object_id_generator& ids) {
  return recover_runs(store, account, [&](const job_doc& j) { return j.flow_id == flow; }, now_ms, ids);
}

std::vector<job_ref> flows_with_unfinished_runs(document_store& store) {
  std::set<std::pair<std::string, std::string>> flows;
  for_each_run(store, "", [&](std::string account, job_doc j) {
    if (unfinished(j))
      flows.emplace(std::move(account), std::move(j.flow_id));
  });
  std::vector<job_ref> out;
  for (auto& [account, flow] : flows)
    out.push_back({account, flow, ""});
  return out;
}

namespace {

// Leaves the runs `wanted` picks as a clean stop does (end_interrupted_jobs).
// `guard(account, job, batch)` may fence each write; a write refused as a
// conflict (the run's flow moved on) is left to the new holder.
template <class Wanted, class Guard>
void leave_running(document_store& store, Wanted wanted, Guard guard, std::int64_t now_ms, object_id_generator& ids) {
  job_store jobs(store);
  std::vector<std::pair<std::string, job_doc>> running;
  for_each_run(store, "", [&](std::string account, job_doc j) {
    if ((j.status == job_status::running || j.status == job_status::canceling) && wanted(account, j))
      running.emplace_back(std::move(account), std::move(j));
  });
  auto write = [&](const std::string& account, const job_doc& job, write_batch b) {
    guard(account, job, b);
    try {
      store.write(b);
    } catch (const store_failure& e) {
      if (e.why != store_failure::cause::conflict)
        throw;
    }
  };
  for (const auto& [account, job] : running) {
    // A flow run with a checkpoint resumes at the next start.
    auto key = keys::resource(account, job.id);
    if (job.type == "flow" && job.status == job_status::running)
      if (auto text = store.get(keys::job_checkpoints_space, key))
        if (auto saved = job_checkpoint::from_json(*text)) {
          saved->shutdown = true;
          write_batch b;
          b.put(keys::job_checkpoints_space, key, saved->to_json());
          write(account, job, std::move(b));
          continue;
        }
    if (auto b = jobs.fail_batch(account, job.id, "interrupted by shutdown", now_ms, ids); !b.empty())
      write(account, job, std::move(b));
  }
}

}  // namespace

void end_interrupted_jobs(document_store& store, std::int64_t now_ms, object_id_generator& ids) {
  leave_running(store, [](const std::string&, const job_doc&) { return true; },
                [](const std::string&, const job_doc&, write_batch&) {}, now_ms, ids);
}

void hand_over_jobs(document_store& store, const std::string& node, std::int64_t now_ms, object_id_generator& ids) {
  std::map<std::pair<std::string, std::string>, lease_fence> held;  // (account, flow) → its lease
  store.scan(keys::leases_space, "flow/", [&](std::string_view key, std::string_view value) {
    auto l = parse_lease(value);
    auto flow = flow_of_lease(key);
    if (l && flow && l->owner == node)
      held.emplace(std::move(*flow), lease_fence{std::string(key), *l});
    return true;
  });
  if (held.empty())
    return;
  // Fenced: a flow another node took over meanwhile (this stop outlasted
  // the node timeout) is that node's, checkpoint and all.
  leave_running(
    store, [&](const std::string& account, const job_doc& j) { return held.count({account, j.flow_id}) > 0; },
    [&](const std::string& account, const job_doc& j, write_batch& b) {
      const auto& f = held.at({account, j.flow_id});
      fence(b, f.name, f.held);
    },
    now_ms, ids);
}

}  // namespace integrator
