#pragma once
// Keeps this node in the cluster: writes its membership row with a fresh
// heartbeat every second (core/engine/membership.hpp), reads the others',
// and keeps a TLS connection to each live peer's door: it connects to the
// nodes that started before it and introduces its own door to them; those
// that start later connect to it (one connection per pair of nodes). When a node dies,
// the flows it held are taken over by the nodes they now hash to. A peer it cannot
// reach is logged once (its certificate, or the network); a node whose
// heartbeat cannot be written is the one others will count dead.

#include <caf/fwd.hpp>
#include <caf/typed_actor.hpp>
#include <caf/replies_to.hpp>

#include <memory>
#include <string>
#include <vector>

#include "actors/catalogue.hpp"
#include "actors/cluster_view.hpp"
#include "cluster/node_door.hpp"
#include "core/engine/membership.hpp"

namespace integrator {

using membership_keeper_actor = caf::typed_actor<
  // once a second (it sends itself these)
  caf::reacts_to<tick_atom>,
  // → ids of the live peers it holds a TLS connection to
  caf::replies_to<ping_atom>::with<std::vector<std::string>>>;

/// Detached: its store calls and connects block. Each beat it also tells
/// `view` the live nodes and the doors it holds, and hands the engine the
/// flows whose lease holder died and that now belong here (to take over).
membership_keeper_actor spawn_membership_keeper(caf::actor_system& sys, std::shared_ptr<document_store> store,
                                                node_record self, std::int64_t timeout_ms,
                                                std::shared_ptr<cluster_view> view,
                                                node_door_actor own_door);

/// Checks that this node may join: when live peers exist (other than
/// `self_id`), at least one of them answers over TLS. "" when it may, else
/// why not.
std::string check_can_join(caf::actor_system& sys, document_store& store, const std::string& self_id,
                           std::int64_t now_ms, std::int64_t timeout_ms);

}  // namespace integrator
