#pragma once
// Typed interfaces of the engine's own actors: flows, jobs, the stages of
// a job, the engine's store, standalone calls. Each actor's whole message
// set is its alias here; handles narrow to what their holder may send (a
// stage sees its job as a job_report_actor, its next stage as a
// page_sink_actor). Light to include.

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "actors/catalogue.hpp"

namespace integrator {

/// An outbound call's answer, tagged by the caller: how the outbound
/// client's completions come back (actors/outbound_reply.hpp).
using outbound_reply = caf::reacts_to<http_atom, std::uint64_t, outbound_response>;

/// A call to user code answered, tagged by the caller (actors/user_code_call.hpp).
using user_code_reply = caf::reacts_to<code_atom, std::uint64_t, user_code_answer>;

// -- the line of stages -------------------------------------------------------

/// Where a stage's pages go: the next stage, or the job after the last.
/// Every sender ends with end_atom, after its last page.
using page_sink_actor = caf::typed_actor<
  caf::reacts_to<page_atom, record_page>,
  caf::reacts_to<end_atom>>;

/// Where credit goes back: to whoever sent a page, one per page passed on.
using page_source_actor = caf::typed_actor<caf::reacts_to<credit_atom, std::int32_t>>;

/// What a job hears from its stages: a report after each page, and a once
/// export's flagging calls for each page it makes.
using job_report_actor = caf::typed_actor<
  caf::reacts_to<report_atom, stage_report>,
  caf::reacts_to<once_atom, std::uint64_t, std::vector<once_call>>>;

/// A page generator: a flow's export, or a retry's replay. Its job may
/// cancel it: it sends no more pages, then ends.
using generator_actor = caf::typed_actor<
  caf::reacts_to<credit_atom, std::int32_t>,
  caf::reacts_to<cancel_atom>>;

using export_stage_actor = generator_actor::extend<caf::reacts_to<start_atom>, outbound_reply>;

/// A wrapper export: its stack's function pages.
using wrapper_export_actor = generator_actor::extend<caf::reacts_to<start_atom>, user_code_reply>;

using import_stage_actor = page_sink_actor::extend<caf::reacts_to<credit_atom, std::int32_t>,
                                                   outbound_reply, user_code_reply>;

using router_stage_actor = page_sink_actor::extend<caf::reacts_to<credit_atom, std::int32_t>,
                                                   user_code_reply>;

/// An export's preSavePage hook between the export and the processors.
using hook_stage_actor = page_sink_actor::extend<caf::reacts_to<credit_atom, std::int32_t>,
                                                 user_code_reply>;

// -- jobs and flows -----------------------------------------------------------

/// One running job (job_runner.cpp). It is the page sink after the last
/// stage: a page that reaches it has gone through the flow.
using job_actor = page_sink_actor::extend<
  caf::reacts_to<start_atom>,
  caf::reacts_to<report_atom, stage_report>,
  caf::reacts_to<once_atom, std::uint64_t, std::vector<once_call>>,
  // the write pacer's timer: counts are due
  caf::reacts_to<progress_atom>,
  // a once export's flagging call answered (tag: the generator)
  outbound_reply,
  // test hook: fail on purpose
  caf::reacts_to<crash_atom>,
  // → the job as it now stands (canceling)
  caf::replies_to<cancel_atom>::with<api_reply>>;

/// One flow's run queue (flow_runner.cpp): one job at a time, later runs
/// wait.
using flow_actor = caf::typed_actor<
  // job id: a queued job of the flow ("": in a cluster, take over what the
  // flow's lease's last holder left)
  caf::reacts_to<run_atom, std::string>,
  // cluster: ask for the flow's lease again (it was not to be had)
  caf::reacts_to<lease_atom>,
  // job id: the running job lost a stage on another node; run it again
  // first (it resumes from its checkpoint)
  caf::reacts_to<resume_atom, std::string>,
  // the engine has forgotten this flow: quit
  caf::reacts_to<idle_atom>,
  // flow id: a run of it to queue after a completed run (_runNextFlowIds)
  caf::reacts_to<chain_atom, std::string>,
  // test hook: crash the running job
  caf::reacts_to<crash_atom>,
  // job id → the job as it now stands
  caf::replies_to<cancel_atom, std::string>::with<api_reply>>;

/// The engine's blocking side (engine_store.cpp), detached: loads what a
/// job needs, writes its batches, finds the jobs a restart must deal with.
/// Errors come back as an api_error (none: it worked).
using engine_store_actor = caf::typed_actor<
  // account, flow → what the flow's jobs run on, or why it cannot be loaded
  caf::replies_to<spec_atom, std::string, std::string>::with<api_error, job_spec>,
  // account, job → its JSON, "" when there is none
  caf::replies_to<load_atom, std::string, std::string>::with<std::string>,
  // account, job → its checkpoint's JSON (job_checkpoint.hpp), "" when none
  caf::replies_to<resume_atom, std::string, std::string>::with<std::string>,
  caf::replies_to<write_atom, write_batch>::with<api_error>,
  // account, job, message: ends a job failed with a job error (its actor died)
  caf::replies_to<fail_atom, std::string, std::string, std::string>::with<api_error>,
  // account, job: cancels it if still queued → the job's JSON, "" when none
  caf::replies_to<cancel_atom, std::string, std::string>::with<std::string>,
  // account, retry job JSON → the records the retry replays, as one page
  caf::replies_to<retry_atom, std::string, std::string>::with<record_page>,
  // account, retry job JSON, records recovered, the retry's last write:
  // closes the retry (error_store::retry_done) in that same write, so no
  // one sees the retry over before its parent counts the records
  caf::replies_to<retried_atom, std::string, std::string, std::int64_t, write_batch>::with<api_error>,
  // cutoff ms → errors and retry data purged (at most 10,000 a call)
  caf::replies_to<purge_atom, std::int64_t>::with<api_error, std::int64_t>,
  // now ms → the runs the flows' schedules queued since the last tick
  caf::replies_to<tick_atom, std::int64_t>::with<std::vector<job_ref>>,
  // account, flow → the job of a chained run (_runNextFlowIds), or why not
  caf::replies_to<chain_atom, std::string, std::string>::with<api_error, std::string>,
  // → queued jobs to run, and interrupted ones to resume, oldest first
  // (those that cannot resume end failed). A cluster node gets one ref per
  // flow with unfinished runs instead (job id ""): flows whose lease it asks
  // for, in case their holder is gone
  caf::replies_to<recover_atom>::with<std::vector<job_ref>>,
  // cluster: lease name, claim → (epoch, previous holder) when this node
  // took it, (0, holder) when another live node holds it. Without claim it
  // only reads: (0, the live holder other than this node, or "")
  caf::replies_to<lease_atom, std::string, bool>::with<std::int64_t, std::string>,
  // cluster: lease name, epoch held: give it up (nothing runs under it)
  caf::reacts_to<release_atom, std::string, std::int64_t>,
  // cluster: account, flow → the flow's runs its lease's last holder left:
  // running ones resume from their checkpoint, queued ones run
  caf::replies_to<adopt_atom, std::string, std::string>::with<std::vector<job_ref>>,
  // account, connection: a run found it offline (a wrapper said so)
  caf::reacts_to<offline_atom, std::string, std::string>>;

// -- standalone calls ---------------------------------------------------------

/// One standalone import call (import_invocation.cpp): the records of the
/// body → one result per record; then it quits.
using import_invocation_actor = caf::typed_actor<
  caf::replies_to<standalone_import>::with<api_reply>,
  outbound_reply, user_code_reply>;

/// One standalone export call (export_invocation.cpp): the page(s) from a
/// position; or a preview of an unsaved export; then it quits.
using export_invocation_actor = caf::typed_actor<
  caf::replies_to<standalone_export>::with<export_page>,
  caf::replies_to<preview_request>::with<api_reply>,
  outbound_reply, user_code_reply>;

}  // namespace integrator
