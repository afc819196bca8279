#include "actors/engine_store.hpp"

#include "core/engine/membership.hpp"
#include "core/engine/ownership.hpp"

#include <caf/all.hpp>

#include <iostream>
#include <limits>

#include "actors/spawn_work.hpp"
#include "core/engine/error_store.hpp"
#include "core/engine/flow_plan.hpp"
#include "core/engine/flow_schedule.hpp"
#include "core/engine/job_recovery.hpp"
#include "core/engine/job_store.hpp"
#include "core/engine/run_queue.hpp"
#include "core/resources/key_codec.hpp"
#include "core/resources/resource_store.hpp"
#include "core/util/object_id.hpp"

namespace integrator {

namespace {

struct store_state {
  std::shared_ptr<const node_services> services;
  std::optional<resource_store> resources;
  std::optional<job_store> jobs;
  std::optional<error_store> errors;
  std::optional<object_id_generator> ids;
  static inline const char* name = "engine_store";
};

using store_ptr = engine_store_actor::stateful_pointer<store_state>;

api_error store_error(const std::exception& e) {
  // A fenced write whose lease moved (core/engine/ownership.hpp).
  if (auto* failure = dynamic_cast<const store_failure*>(&e); failure && failure->why == store_failure::cause::conflict)
    return make_api_error(error_code::conflict, std::string("storage: ") + e.what());
  return make_api_error(error_code::internal_error, std::string("storage error: ") + e.what());
}

// Runs `write` (which returns a batch) and writes what it returns.
template <class F>
api_error write_through(store_ptr self, F write) {
  try {
    auto b = write();
    if (!b.empty())
      self->state.services->store->write(b);
    return {};
  } catch (const std::exception& e) {
    return store_error(e);
  }
}

engine_store_actor::behavior_type store_impl(store_ptr self, spawn_tag) {
  auto& st = self->state;
  const auto& services = st.services = services_of(self->system());
  st.resources.emplace(*services->store, *services->box);
  st.jobs.emplace(*services->store);
  st.errors.emplace(*services->store);
  st.ids.emplace(make_id_generator());
  return {
    [=](spec_atom, const std::string& account,
        const std::string& flow_id) -> caf::result<api_error, job_spec> {
      try {
        auto spec = load_job_spec(*self->state.resources, account, flow_id);
        if (spec) {
          // Every export's delta mark (the plan knows which are delta).
          for (const auto& [export_id, doc] : spec->exports)
            if (auto mark = services->store->get(keys::export_marks_space,
                                                 keys::export_mark(account, flow_id, export_id)))
              spec->marks.emplace_back(export_id, std::stoll(*mark));
          return {api_error{}, std::move(*spec)};
        }
        return {spec.error(), job_spec{}};
      } catch (const std::exception& e) {
        return {store_error(e), job_spec{}};
      }
    },
    [=](resume_atom, const std::string& account, const std::string& job_id) -> std::string {
      try {
        return services->store->get(keys::job_checkpoints_space, keys::resource(account, job_id))
          .value_or("");
      } catch (const std::exception&) {
        return "";
      }
    },
    [=](load_atom, const std::string& account, const std::string& job_id) -> std::string {
      try {
        return self->state.jobs->load_text(account, job_id).value_or("");
      } catch (const std::exception&) {
        return "";
      }
    },
    [=](write_atom, write_batch& b) {
      return write_through(self, [&] { return std::move(b); });
    },
    [=](fail_atom, const std::string& account, const std::string& job_id,
        const std::string& message) {
      return write_through(self, [&] {
        return self->state.jobs->fail_batch(account, job_id, message, wall_clock_ms(),
                                            *self->state.ids);
      });
    },
    [=](retry_atom, const std::string& account, const std::string& job_json) -> record_page {
      page_builder b(std::numeric_limits<std::size_t>::max(), std::numeric_limits<std::size_t>::max());
      try {
        if (auto job = job_doc::from_json(job_json))
          for (const auto& r : self->state.errors->retry_records(account, *job))
            b.append(r);
      } catch (const std::exception& e) {
        std::cerr << "integratord: reading retry data: " << e.what() << std::endl;
      }
      return b.take();
    },
    [=](retried_atom, const std::string& account, const std::string& job_json,
        std::int64_t recovered, write_batch& last) {
      return write_through(self, [&] {
        auto job = job_doc::from_json(job_json);
        auto b = job ? self->state.errors->retry_done(account, *job, recovered, wall_clock_ms())
                     : write_batch{};
        b.append(std::move(last));
        return b;
      });
    },
    [=](tick_atom, std::int64_t now_ms) -> std::vector<job_ref> {
      try {
        return fire_schedules(*self->state.resources, *self->state.ids, now_ms);
      } catch (const std::exception& e) {
        std::cerr << "integratord: scheduler: " << e.what() << std::endl;
        return {};
      }
    },
    [=](chain_atom, const std::string& account,
        const std::string& flow_id) -> caf::result<api_error, std::string> {
      // A flow chained after another's completed run: queued like any run.
      try {
        auto now = wall_clock_ms();
        auto job_id = self->state.ids->next(static_cast<std::uint32_t>(now / 1000));
        auto job = enqueue_run(*self->state.resources, account, flow_id, job_id, {}, now);
        if (!job)
          return {job.error(), std::string()};
        return {api_error{}, job_id};
      } catch (const std::exception& e) {
        return {store_error(e), std::string()};
      }
    },
    [=](purge_atom, std::int64_t cutoff_ms) -> caf::result<api_error, std::int64_t> {
      try {
        return {api_error{},
                static_cast<std::int64_t>(self->state.errors->purge(cutoff_ms, 10000))};
      } catch (const std::exception& e) {
        return {store_error(e), std::int64_t{0}};
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
    [=](offline_atom, const std::string& account, const std::string& connection_id) {
      try {
        self->state.resources->mark_offline(account, connection_id, true, wall_clock_ms());
      } catch (const std::exception& e) {  // the job says why it failed either way
        std::cerr << "integratord: marking connection " << connection_id << " offline: " << e.what() << std::endl;
      }
    },
    [=](lease_atom, const std::string& name, bool claim) -> caf::result<std::int64_t, std::string> {
      const auto& services = *self->state.services;
      try {
        auto now = wall_clock_ms();
        if (claim) {
          auto got = claim_lease(*services.store, name, services.node_id, now, services.node_timeout_ms);
          if (got.held)
            return {got.held->epoch, std::move(got.previous)};
          return {std::int64_t{0}, std::move(got.holder)};
        }
        auto held = read_lease(*services.store, name);
        bool theirs = held && !held->owner.empty() && held->owner != services.node_id
                      && is_alive(read_nodes(*services.store), held->owner, now, services.node_timeout_ms);
        return {std::int64_t{0}, theirs ? held->owner : std::string()};
      } catch (const std::exception& e) {
        return caf::make_error(caf::sec::runtime_error, std::string("lease ") + name + ": " + e.what());
      }
    },
    [=](release_atom, const std::string& name, std::int64_t epoch) {
      try {
        self->state.services->store->write(release_lease(name, lease{epoch, self->state.services->node_id}));
      } catch (const std::exception&) {
        // Moved on already (a conflict), or the store is away: the lease
        // is then counted free once this node is dead, or taken anew.
      }
    },
    [=](adopt_atom, const std::string& account, const std::string& flow) -> caf::result<std::vector<job_ref>> {
      try {
        auto r = recover_flow_jobs(*self->state.services->store, account, flow, wall_clock_ms(), *self->state.ids);
        for (const auto& notice : r.notices)
          std::cerr << "integratord: " << notice << std::endl;
        return std::move(r.queued);
      } catch (const std::exception& e) {
        return caf::make_error(caf::sec::runtime_error, std::string("taking over flow ") + flow + ": " + e.what());
      }
    },
    [=](recover_atom) -> caf::result<std::vector<job_ref>> {
      // Failing here fails the engine's start: it is restarted (within the
      // supervisor's limits) rather than run without its queued jobs.
      try {
        const auto& services = *self->state.services;
        // In a cluster, each flow's runs are settled by whoever takes its
        // lease (adopt_atom), not all at once by whichever node starts.
        if (services.cluster)
          return flows_with_unfinished_runs(*services.store);
        auto r = recover_jobs(*services.store, wall_clock_ms(), *self->state.ids);
        for (const auto& notice : r.notices)
          std::cerr << "integratord: " << notice << std::endl;
        return std::move(r.queued);
      } catch (const std::exception& e) {
        return caf::make_error(caf::sec::runtime_error,
                               std::string("recovering jobs: ") + e.what());
      }
    },
  };
}

}  // namespace

engine_store_actor spawn_engine_store(caf::actor_system& sys) {
  return spawn_work(sys, true, store_impl, spawn_tag{});  // its calls block
}

}  // namespace integrator
