#pragma once
// The stages of a running job. Pages flow generator → processor 1 → … →
// processor n → the job; each stage may have at most `pages_in_flight`
// pages outstanding to the next (the next grants credit back as pages
// leave it), so a job's memory is bounded whatever the data size. Each
// stage reports counts and errors to its job after every page
// (stage_report). Every generator sends end_atom once it is done, even one
// the job told to skip its run, so the first stage ends after `upstreams`
// of them: each end follows its sender's pages on one link, wherever the
// actors live. Interfaces: engine_interfaces.hpp.

#include <caf/fwd.hpp>

#include <memory>

#include "actors/engine_interfaces.hpp"
#include "actors/stage_links.hpp"
#include "actors/node_services.hpp"
#include "core/engine/flow_plan.hpp"

namespace integrator {

/// Pages records out of one page generator, then sends end_atom
/// downstream. With `skip`, it sends only end_atom (the run stopped
/// before its turn).
export_stage_actor spawn_export_stage(caf::local_actor* parent,
                                      std::shared_ptr<const flow_plan> plan, std::size_t generator,
                                      stage_links links, bool skip = false,
                                      resume_point from = {});

/// The generator of a retry job: replays its stored records (retry_job is
/// the job's JSON) in pages of `page_size`, in `lane`, then ends the stream.
generator_actor spawn_replay_stage(caf::local_actor* parent,
                                   engine_store_actor store, std::string account,
                                   std::string retry_job, std::size_t page_size,
                                   std::uint16_t lane, stage_links links);

/// Routes each page's records into branches (flow_routes.hpp) and passes
/// them on.
router_stage_actor spawn_router_stage(caf::local_actor* parent,
                                      std::shared_ptr<const flow_plan> plan, std::size_t router,
                                      stage_links links);

/// Runs export `generator`'s user code on each of its pages (its script
/// transform and filter, its preSavePage hook) and passes on what comes out.
/// The same for a wrapper export: its stack's function gives the pages.
wrapper_export_actor spawn_wrapper_export_stage(caf::local_actor* parent,
                                                std::shared_ptr<const flow_plan> plan, std::size_t generator,
                                                stage_links links, bool skip = false, resume_point from = {});

hook_stage_actor spawn_hook_stage(caf::local_actor* parent,
                                  std::shared_ptr<const flow_plan> plan, std::size_t generator,
                                  stage_links links);

/// Sends each page's records of its lane to one processor and passes all
/// of them on.
import_stage_actor spawn_import_stage(caf::local_actor* parent,
                                      std::shared_ptr<const flow_plan> plan, std::size_t processor,
                                      stage_links links);

/// Runs an import stage that a job on another node placed here: compiles
/// the job's plan on this node (its outbound client, its script workers)
/// and spawns the stage unlinked (the job links to it across the nodes).
/// Fails when the placement does not make a plan with that processor.
result<import_stage_actor> host_import_stage(caf::actor_system& sys,
                                             const stage_placement& placed);

}  // namespace integrator
