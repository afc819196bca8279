#pragma once
// Typed interfaces of Integrator's actors. Light: includes no actor
// implementation, so http/ and cluster/ can hold handles without compiling
// the actors.

#include <caf/replies_to.hpp>
#include <caf/actor.hpp>
#include <caf/typed_actor.hpp>

#include <cstdint>
#include <string>

#include "actors/catalogue.hpp"
#include "actors/stage_links.hpp"

namespace integrator {

/// Runs the resource logic for the accounts that hash to it. Detached:
/// it calls the store synchronously, and serializes each account's writes.
using account_shard_actor = caf::typed_actor<
  caf::replies_to<exec_atom, principal, api_call>::with<api_reply>,
  caf::replies_to<crash_atom>::with<bool>,
  // test hook: the shard's worker is busy for this many ms
  caf::reacts_to<stall_atom, std::int64_t>>;

/// Accounts and tokens: authenticates every request from memory (then
/// delegates to the caller's rate bucket) and serves the operator API.
/// Event-based; its writes go through an account_store_actor.
using registry_actor = caf::typed_actor<
  // bearer token, call → reply. Authenticates, then delegates to the
  // caller's bucket, which delegates to the account's shard: the reply
  // comes from whichever actor decides.
  caf::replies_to<auth_atom, std::string, api_call>::with<api_reply>,
  // operator token, call → reply
  caf::replies_to<admin_atom, std::string, api_call>::with<api_reply>,
  // cluster: account id → a token of its bucket here (its home node) for a
  // call another node serves: 0, or the seconds to wait
  caf::replies_to<take_atom, std::string>::with<std::int64_t>,
  // account id, connector id ("" for other user code) → a one-time token
  // for one call to user code (core/api/one_time_tokens.hpp)
  caf::replies_to<mint_atom, std::string, std::string>::with<std::string>,
  // one-time token: its call returned (true once it no longer works)
  caf::replies_to<revoke_atom, std::string>::with<bool>,
  // accounts or tokens changed in the shared store (another node wrote
  // them): read them again
  caf::reacts_to<reload_atom>,
  // test hook: fail on purpose so the supervisor restarts it
  caf::replies_to<crash_atom>::with<bool>>;

/// The durable side of the registry: loads the account and token rows and
/// writes batches synchronously. Detached, so its blocking store calls stay
/// off the cooperative scheduler.
using account_store_actor = caf::typed_actor<
  caf::replies_to<load_atom>::with<write_batch>,
  // → GET /admin/v1/cluster/nodes's body (a cluster node's membership rows)
  caf::replies_to<nodes_atom>::with<std::string>,
  // → GET /admin/v1/cluster/leases's body (who holds which flow)
  caf::replies_to<lease_atom>::with<std::string>,
  caf::replies_to<write_atom, write_batch>::with<api_reply>>;

/// One account's leaky bucket. Event-based and cheap: one per account.
using rate_bucket_actor = caf::typed_actor<
  // takes a token; answers 429 or tokenInfo itself, else delegates to the shard
  caf::replies_to<take_atom, principal, api_call, account_shard_actor>::with<api_reply>,
  // takes a token for a call another node serves → 0, or the seconds to
  // wait (the account's home node keeps its one bucket for the cluster)
  caf::replies_to<take_atom>::with<std::int64_t>,
  caf::reacts_to<limit_atom, double, double>>;

/// The node's flow engine: owns a flow actor per active flow (its run
/// queue), runs queued jobs, and carries out what the API asks of it
/// (core/engine/engine_calls.hpp).
using engine_actor = caf::typed_actor<
  // a queued job to run
  caf::reacts_to<run_atom, job_ref>,
  // cluster: a run another node placed here (true), or one to place
  // (false); job id "": a flow to take over
  caf::reacts_to<run_atom, job_ref, bool>,
  // → true once the jobs a previous run left are dealt with (interrupted
  // ones failed, queued ones handed to their flows): the node serves from then
  caf::replies_to<caf::ok_atom>::with<bool>,
  // → the job as it now stands
  caf::replies_to<cancel_request>::with<api_reply>,
  // → {"code":200}, or 422 ping_failed
  caf::replies_to<ping_request>::with<api_reply>,
  // → the target's own status, Content-Type and body
  caf::replies_to<proxy_request>::with<api_reply>,
  caf::replies_to<script_logs_request>::with<api_reply>,
  // → the function's result
  caf::replies_to<connector_function_request>::with<api_reply>,
  // → one result per record
  caf::replies_to<standalone_import>::with<api_reply>,
  caf::replies_to<standalone_export>::with<export_page>,
  // → {"data":[…],"dataURIs":[],"stages":[…]}
  caf::replies_to<preview_request>::with<api_reply>,
  // a ping's or proxied call's answer from the outbound client
  caf::reacts_to<http_atom, std::uint64_t, outbound_response>,
  // a wrapper ping function's answer
  caf::reacts_to<code_atom, std::uint64_t, user_code_answer>,
  // test hook: crash the running jobs (true) or the engine itself (false)
  caf::replies_to<crash_atom, bool>::with<bool>,
  // hourly (and at start): purge errors and retry data past retention
  caf::reacts_to<purge_atom>,
  // every minute: fire the flows' schedules
  caf::reacts_to<tick_atom>,
  // account, flow: run it, chained after a completed run (_runNextFlowIds)
  caf::reacts_to<chain_atom, std::string, std::string>,
  // account, flow, runs it was sent: a flow actor with nothing left to do
  // asks to stop; it may only if no run is on its way to it
  caf::reacts_to<idle_atom, std::string, std::string, std::uint64_t>,
  // cluster: another node's job asks this node to run one of its import
  // stages → the stage, which the job links to
  caf::replies_to<place_atom, stage_placement>::with<import_stage_actor>>;

/// A cluster node's door (cluster/node_door.hpp): the one actor a node
/// publishes to the others, over TLS. Behind it are the node's engine and
/// registry, whatever incarnation of them is current.
using node_door_actor = caf::typed_actor<
  // → the node's id: who answers at this address
  caf::replies_to<ping_atom>::with<std::string>,
  // node id, its door: a node that started later connected to this one and
  // introduces itself over that connection (one connection per pair)
  // (its door as an untyped handle: the type cannot name itself)
  caf::reacts_to<hello_atom, std::string, caf::actor>,
  // a run (or, job id "", a flow to take over) that belongs to this node
  caf::reacts_to<run_atom, job_ref>,
  // a cancel of a job of a flow this node holds → the job as it now stands
  caf::replies_to<cancel_request>::with<api_reply>,
  // account id → 0 when its bucket here (its home) has a token for one
  // more call, else the seconds to wait (429's Retry-After)
  caf::replies_to<take_atom, std::string>::with<std::int64_t>,
  // a job on another node asks this one to run one of its import stages
  caf::replies_to<place_atom, stage_placement>::with<import_stage_actor>>;

/// The HTTP frontend's door into the actors (gateway.hpp): takes a call
/// with a ticket, sends it on and completes the ticket with the reply.
/// Long-lived, so no actor is spawned (and torn down) per request.
using edge_actor = caf::typed_actor<
  // ticket, bearer token, call: the account API, through the registry
  caf::reacts_to<edge_atom, std::uint64_t, std::string, api_call>,
  // ticket, operator token, call: the operator API, through the registry
  caf::reacts_to<admin_atom, std::uint64_t, std::string, api_call>,
  // ticket, target ("registry", "shard", "engine", "jobs"): test hook
  caf::reacts_to<crash_atom, std::uint64_t, std::string>,
  // ticket, ms: test hook, every shard's worker busy that long
  caf::reacts_to<stall_atom, std::uint64_t, std::int64_t>,
  // ticket, account id: test hook, a one-time token as user code gets one
  caf::reacts_to<mint_atom, std::uint64_t, std::string>,
  // ticket, one-time token: test hook, as when its call returns
  caf::reacts_to<revoke_atom, std::uint64_t, std::string>>;

}  // namespace integrator
