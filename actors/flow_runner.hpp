#pragma once
// One flow's run queue (engine_interfaces.hpp flow_actor): one job at a
// time, later runs wait. An idle flow does not quit by itself: it tells the
// engine how many runs it has received, and the engine lets it go only when
// it has sent no more, so a run sent meanwhile is never lost. A flow dies
// only with the engine, not with a crashed job (whose job it ends failed).

#include <caf/fwd.hpp>

#include <memory>
#include <string>

#include "actors/engine_interfaces.hpp"
#include "actors/interfaces.hpp"
#include "actors/node_services.hpp"

namespace integrator {

/// Linked to `parent` (the engine).
flow_actor spawn_flow(caf::local_actor* parent, engine_store_actor store, engine_actor engine, std::string account,
                      std::string flow_id);

/// Cancels a job no actor runs (queued, or already over) in the store, and
/// answers `rp` with how it stands.
/// `answered` runs once `rp` is delivered.
template <class Self, class Answered>
void cancel_in_store(Self* self, const engine_store_actor& store, const std::string& account,
                     const std::string& job_id, caf::typed_response_promise<api_reply> rp,
                     Answered answered) {
  self->request(store, caf::infinite, cancel_atom::value, account, job_id)
    .then(
      [rp, answered](const std::string& doc) mutable {
        rp.deliver(doc.empty() ? api_reply::fail(make_api_error(error_code::not_found, "Job not found"))
                               : api_reply::json(api_status::ok, doc));
        answered();
      },
      [rp, answered](caf::error& e) mutable {
        rp.deliver(api_reply::fail(
          make_api_error(error_code::unavailable, "the job store did not answer: " + caf::to_string(e))));
        answered();
      });
}

template <class Self>
void cancel_in_store(Self* self, const engine_store_actor& store, const std::string& account,
                     const std::string& job_id, caf::typed_response_promise<api_reply> rp) {
  cancel_in_store(self, store, account, job_id, std::move(rp), [] {});
}

}  // namespace integrator
