#include "actors/engine_store.hpp"

#include <caf/all.hpp>

#include <boost/json.hpp>

#include <iostream>
#include <limits>

#include "actors/catalogue.hpp"
#include "core/error_service.hpp"
#include "core/flow_plan.hpp"
#include "core/flow_schedule.hpp"
#include "core/job_service.hpp"
#include "core/key_codec.hpp"
#include "core/object_id.hpp"
#include "core/resource_service.hpp"

namespace integrator {

namespace {

struct store_state {
  std::optional<resource_service> resources;
  std::optional<job_service> jobs;
  std::optional<object_id_generator> ids;
  static inline const char* name = "engine_store";
};

}  // namespace

write_batch fail_job_batch(job_service& jobs, const std::string& account, const std::string& job_id,
                           const std::string& message, std::int64_t now_ms,
                           object_id_generator& ids) {
  write_batch b;
  auto job = jobs.load(account, job_id);
  if (!job || is_final(job->status))
    return b;
  job->status = job_status::failed;
  job->ended_at = now_ms;
  job->last_modified = now_ms;
  job->counts.num_error += 1;
  b.put(keys::jobs_space, keys::resource(account, job_id), job->to_json());
  job_error_entry e;
  e.error_id = ids.next(static_cast<std::uint32_t>(now_ms / 1000));
  e.job_id = job_id;
  e.flow_job_id = job_id;
  e.flow_id = job->flow_id;
  e.source = "internal";
  e.code = "job_failed";
  e.message = message;
  e.occurred_at = now_ms;
  b.put(keys::job_errors_space, keys::job_error(account, job_id, e.error_id), e.to_json());
  // Children still open end with their parent.
  jobs.for_children(account, job_id, [&](job_doc child) {
    if (!is_final(child.status)) {
      child.status = job_status::failed;
      child.ended_at = now_ms;
      child.last_modified = now_ms;
      b.put(keys::jobs_space, keys::resource(account, child.id), child.to_json());
    }
  });
  return b;
}

caf::actor spawn_engine_store(caf::actor_system& sys, std::shared_ptr<const node_services> services) {
  return sys.spawn<caf::detached>(
    [services](caf::stateful_actor<store_state>* self) -> caf::behavior {
      auto& st = self->state;
      st.resources.emplace(*services->store, *services->box, services->validation,
                           make_id_generator());
      st.jobs.emplace(*services->store);
      st.ids.emplace(make_id_generator());
      return {
        [=](spec_atom, const std::string& account, const std::string& flow_id) {
          std::string error;
          job_spec spec;
          try {
            if (auto s = load_job_spec(*self->state.resources, account, flow_id, &error)) {
              spec = std::move(*s);
              // Every export's delta mark (the plan knows which are delta).
              for (const auto& [export_id, doc] : spec.exports)
                if (auto mark = services->store->get(keys::export_marks_space,
                                                     keys::export_mark(account, flow_id, export_id)))
                  spec.marks.emplace_back(export_id, std::stoll(*mark));
            }
          } catch (const std::exception& e) {
            error = std::string("storage error: ") + e.what();
          }
          return caf::make_message(std::move(error), std::move(spec));
        },
        [=](load_atom, const std::string& account, const std::string& job_id) -> std::string {
          try {
            return services->store->get(keys::jobs_space, keys::resource(account, job_id))
              .value_or("");
          } catch (const std::exception&) {
            return "";
          }
        },
        [=](write_atom, const write_batch& b) -> bool {
          try {
            services->store->write(b);
            return true;
          } catch (const std::exception&) {
            return false;
          }
        },
        [=](fail_atom, const std::string& account, const std::string& job_id,
            const std::string& message) -> bool {
          try {
            auto b = fail_job_batch(*self->state.jobs, account, job_id, message, wall_clock_ms(),
                                    *self->state.ids);
            if (!b.empty())
              services->store->write(b);
            return true;
          } catch (const std::exception&) {
            return false;
          }
        },
        [=](retry_atom, const std::string& account, const std::string& job_json) -> record_page {
          page_builder b(std::numeric_limits<std::size_t>::max(), std::numeric_limits<std::size_t>::max());
          try {
            if (auto job = job_doc::from_json(job_json))
              for (const auto& r : error_service(*services->store).retry_records(account, *job))
                b.append(r);
          } catch (const std::exception&) {
          }
          return b.take();
        },
        [=](retried_atom, const std::string& account, const std::string& job_json,
            std::int64_t recovered, write_batch& last) -> bool {
          try {
            auto job = job_doc::from_json(job_json);
            if (!job)
              return false;
            auto b = error_service(*services->store).retry_done(account, *job, recovered, wall_clock_ms());
            b.append(std::move(last));
            services->store->write(b);
            return true;
          } catch (const std::exception&) {
            return false;
          }
        },
        [=](tick_atom, std::int64_t now_ms) -> std::vector<job_ref> {
          std::vector<job_ref> runs;
          try {
            for (auto& r : fire_schedules(*self->state.resources, *services->store,
                                          *self->state.ids, now_ms))
              runs.push_back({std::move(r.account), std::move(r.flow_id), std::move(r.job_id)});
          } catch (const std::exception& e) {
            std::cerr << "integratord: scheduler: " << e.what() << std::endl;
          }
          return runs;
        },
        [=](chain_atom, const std::string& account, const std::string& flow_id) -> std::string {
          // A flow chained after another's completed run: queued like any run.
          try {
            access_scope all;
            all.full = true;
            auto now = wall_clock_ms();
            auto job_id = self->state.ids->next(static_cast<std::uint32_t>(now / 1000));
            auto reply = self->state.resources->enqueue_run(account, all, flow_id, job_id, "", now);
            return reply.status == api_status::created ? job_id : "";
          } catch (const std::exception&) {
            return "";
          }
        },
        [=](purge_atom, std::int64_t cutoff_ms) -> std::int64_t {
          try {
            return static_cast<std::int64_t>(error_service(*services->store).purge(cutoff_ms, 10000));
          } catch (const std::exception&) {
            return -1;
          }
        },
        [=](cancel_atom, const std::string& account, const std::string& job_id) -> std::string {
          // Only a queued job is canceled here; a running one is its actor's.
          try {
            auto job = self->state.jobs->load(account, job_id);
            if (!job)
              return "";
            if (job->status == job_status::queued) {
              auto now = wall_clock_ms();
              job->status = job_status::canceled;
              job->ended_at = now;
              job->last_modified = now;
              write_batch b;
              b.put(keys::jobs_space, keys::resource(account, job_id), job->to_json());
              services->store->write(b);
            }
            return job->to_json();
          } catch (const std::exception&) {
            return "";
          }
        },
        [=](recover_atom) -> std::vector<job_ref> {
          std::vector<job_ref> queued;
          std::vector<std::pair<std::string, std::string>> interrupted;
          services->store->scan(keys::jobs_space, "", [&](std::string_view key, std::string_view value) {
            auto j = job_doc::from_json(value);
            if (!j || j->type == "export" || j->type == "import")
              return true;
            std::string account(key.substr(0, 24));
            if (j->status == job_status::queued)
              queued.push_back({account, j->flow_id, j->id});
            else if (j->status == job_status::running || j->status == job_status::canceling)
              interrupted.emplace_back(account, j->id);
            return true;
          });
          for (const auto& [account, id] : interrupted) {
            auto b = fail_job_batch(*self->state.jobs, account, id, "interrupted by shutdown",
                                    wall_clock_ms(), *self->state.ids);
            if (!b.empty())
              services->store->write(b);
          }
          // Keys are account|id: order by id (creation time) across accounts.
          std::sort(queued.begin(), queued.end(),
                    [](const job_ref& a, const job_ref& b) { return a.job_id < b.job_id; });
          return queued;
        },
      };
    });
}

}  // namespace integrator
