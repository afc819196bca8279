#include "actors/engine_store.hpp"

#include <caf/all.hpp>

#include <boost/json.hpp>

#include <iostream>
#include <limits>

#include "actors/catalogue.hpp"
#include "core/engine/error_store.hpp"
#include "core/engine/job_store.hpp"
#include "core/engine/run_queue.hpp"
#include "core/engine/flow_plan.hpp"
#include "core/engine/flow_schedule.hpp"
#include "core/resources/key_codec.hpp"
#include "core/util/object_id.hpp"
#include "core/resources/resource_store.hpp"

namespace integrator {

namespace {

struct store_state {
  std::optional<resource_store> resources;
  std::optional<job_store> jobs;
  std::optional<object_id_generator> ids;
  static inline const char* name = "engine_store";
};

}  // namespace

caf::actor spawn_engine_store(caf::actor_system& sys, std::shared_ptr<const node_services> services) {
  return sys.spawn<caf::detached>(
    [services](caf::stateful_actor<store_state>* self) -> caf::behavior {
      auto& st = self->state;
      st.resources.emplace(*services->store, *services->box);
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
            auto b = self->state.jobs->fail_batch(account, job_id, message, wall_clock_ms(),
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
              for (const auto& r : error_store(*services->store).retry_records(account, *job))
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
            auto b = error_store(*services->store).retry_done(account, *job, recovered, wall_clock_ms());
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
            runs = fire_schedules(*self->state.resources, *self->state.ids, now_ms);
          } catch (const std::exception& e) {
            std::cerr << "integratord: scheduler: " << e.what() << std::endl;
          }
          return runs;
        },
        [=](chain_atom, const std::string& account, const std::string& flow_id) -> std::string {
          // A flow chained after another's completed run: queued like any run.
          try {
            auto now = wall_clock_ms();
            auto job_id = self->state.ids->next(static_cast<std::uint32_t>(now / 1000));
            auto job = enqueue_run(*self->state.resources, account, flow_id, job_id, {}, now);
            return job ? job_id : "";
          } catch (const std::exception&) {
            return "";
          }
        },
        [=](purge_atom, std::int64_t cutoff_ms) -> std::int64_t {
          try {
            return static_cast<std::int64_t>(error_store(*services->store).purge(cutoff_ms, 10000));
          } catch (const std::exception&) {
            return -1;
          }
        },
        [=](cancel_atom, const std::string& account, const std::string& job_id) -> std::string {
          // Only a queued job is canceled here; a running one is its actor's.
          try {
            auto job = self->state.jobs->cancel_queued(account, job_id, wall_clock_ms());
            return job ? job->to_json() : "";
          } catch (const std::exception&) {
            return "";
          }
        },
        [=](recover_atom) -> std::vector<job_ref> {
          return self->state.jobs->recover(wall_clock_ms(), *self->state.ids);
        },
      };
    });
}

}  // namespace integrator
