#pragma once
// Who owns what in a cluster: leases with epochs, kept in the shared store
// (space `leases`, "<epoch>|<owner>"). Each flow (and each account's rate
// bucket) has one lease; the node that should own it (rendezvous hashing
// over the live nodes, core/util/rendezvous.hpp) takes it when it is free
// or its holder is dead, always with a higher epoch. Every write of work
// done under a lease is fenced: it expects the lease to still read as it
// was taken (write_batch::expect), so a node that was only slow cannot
// write after its lease moved. A released lease keeps its epoch ("<epoch>|"),
// so epochs only grow and an old holder's text never comes back.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/engine/membership.hpp"
#include "core/resources/document_store.hpp"

namespace integrator {

struct lease {
  std::int64_t epoch = 0;
  std::string owner;  ///< "" when free
};

std::string lease_text(const lease& l);
std::optional<lease> parse_lease(std::string_view text);

/// The lease of a flow, and of an account's rate bucket.
std::string flow_lease_name(std::string_view account_id, std::string_view flow_id);
std::string bucket_lease_name(std::string_view account_id);

/// The lease `name` as stored, nullopt when it never was taken.
std::optional<lease> read_lease(document_store& store, std::string_view name);

/// The batch that takes `name` for `node`, from `current` as read (one
/// epoch above it); fails with a conflict when someone else moved first.
write_batch take_lease(std::string_view name, const std::optional<lease>& current, const std::string& node);
/// The batch that gives `held` up (keeping its epoch).
write_batch release_lease(std::string_view name, const lease& held);
/// Makes `batch` apply only while `name` is still `held`.
void fence(write_batch& batch, std::string_view name, const lease& held);

/// What a node that asked for a lease got: the lease it now holds, or who
/// holds it.
struct lease_claim {
  std::optional<lease> held;  ///< taken now, one epoch above the last
  std::string holder;         ///< else the live node that holds it
  std::string previous;       ///< when taken: who held it before ("" when free)
};

/// A lease as its holder keeps it, to fence the writes of work done under it.
struct lease_fence {
  std::string name;
  lease held;
};

/// Takes `name` for `self` unless another live node holds it. A lease that
/// reads as `self`'s own is taken anew as well: a node asks only for what it
/// does not hold in memory, so that one is an earlier incarnation's (the
/// same --node-id restarted), fenced out by the new epoch.
lease_claim claim_lease(document_store& store, std::string_view name, const std::string& self, std::int64_t now_ms,
                        std::int64_t timeout_ms = default_node_timeout_ms);

/// Account and flow of a flow lease's name; nullopt for other leases.
std::optional<std::pair<std::string, std::string>> flow_of_lease(std::string_view name);

/// The flow leases held by nodes that are no longer alive and that
/// rendezvous hashing over the live nodes now gives to `self`: the flows it
/// takes over (and whose jobs it resumes).
std::vector<std::string> orphaned_flow_leases(document_store& store, const std::string& self, std::int64_t now_ms,
                                              std::int64_t timeout_ms = default_node_timeout_ms);

/// {"leases": [{"name", "epoch", "owner", "alive"}]}: GET
/// /admin/v1/cluster/leases, which node runs which flow (owner "": free).
std::string leases_json(document_store& store, std::int64_t now_ms,
                        std::int64_t timeout_ms = default_node_timeout_ms);

}  // namespace integrator
