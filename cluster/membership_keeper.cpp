#include "cluster/membership_keeper.hpp"

#include <caf/all.hpp>

#include <chrono>
#include <iostream>
#include <map>
#include <set>

#include "actors/local_names.hpp"
#include "actors/node_services.hpp"
#include "core/engine/ownership.hpp"

namespace integrator {

namespace {

constexpr auto beat = std::chrono::seconds(1);

struct keeper_state {
  std::shared_ptr<document_store> store;
  node_record self;
  std::int64_t timeout_ms = default_node_timeout_ms;
  std::map<std::string, node_door_actor> peers;  ///< by node id
  std::set<std::string> told;  ///< unreachable peers already logged
  bool beat_failed = false;
  std::shared_ptr<cluster_view> view;
  node_door_actor own_door;
  static inline const char* name = "membership_keeper";
};

using keeper_ptr = membership_keeper_actor::stateful_pointer<keeper_state>;

// Flows whose lease holder died and that hash here now: the engine takes
// their leases and resumes their jobs (flow_runner's claim). Asked again
// each beat while the lease still names the dead node.
void take_over_orphans(keeper_ptr self, std::int64_t now) {
  auto& st = self->state;
  auto engine = current_engine(self->system());
  if (!engine)
    return;
  std::vector<std::string> orphans;
  try {
    orphans = orphaned_flow_leases(*st.store, st.self.id, now, st.timeout_ms);
  } catch (const std::exception&) {
    return;  // the store is away: next beat
  }
  for (const auto& name : orphans)
    if (auto flow = flow_of_lease(name))
      self->send(engine, run_atom::value, job_ref{flow->first, flow->second, ""}, true);
}

// Whether `door` answers a ping within a beat's share.
bool answers(keeper_ptr self, const node_door_actor& door) {
  caf::scoped_actor asker{self->system()};
  bool ok = false;
  asker->request(door, std::chrono::milliseconds(500), ping_atom::value)
    .receive([&](const std::string&) { ok = true; }, [&](caf::error&) {});
  return ok;
}

// Only doors that answer are offered to the node's actors: a connection
// that stopped delivering (seen in CAF 0.17's BASP between the survivors
// after a third node died) would otherwise cost each call its timeout. A
// door of a node that started before this one is connected again next beat;
// one that started later reconnects and introduces itself again, since it
// finds this node's door silent too.
void drop_silent_peers(keeper_ptr self) {
  auto& st = self->state;
  for (auto it = st.peers.begin(); it != st.peers.end();) {
    if (answers(self, it->second)) {
      st.told.erase(it->first);
      ++it;
      continue;
    }
    if (st.told.insert(it->first).second)
      std::cerr << "integratord: cluster: node " << it->first << " does not answer over CAF; connecting again\n";
    st.view->forget(it->first);
    it = st.peers.erase(it);
  }
}

void beat_once(keeper_ptr self) {
  auto& st = self->state;
  auto now = wall_clock_ms();
  st.self.heartbeat_ms = now;
  try {
    st.store->write(heartbeat_batch(st.self));
    if (std::exchange(st.beat_failed, false))
      std::cerr << "integratord: cluster: heartbeats are written again\n";
  } catch (const std::exception& e) {
    if (!std::exchange(st.beat_failed, true))
      std::cerr << "integratord: cluster: cannot write this node's heartbeat (" << e.what()
                << "); the others will count it dead after " << st.timeout_ms / 1000 << " s\n";
    return;
  }
  std::vector<node_record> rows;
  try {
    rows = read_nodes(*st.store);
  } catch (const std::exception&) {
    return;
  }
  auto live = live_node_ids(rows, now, st.timeout_ms);
  // Forget the dead; connect to the live we do not hold yet.
  for (auto it = st.peers.begin(); it != st.peers.end();)
    it = std::find(live.begin(), live.end(), it->first) == live.end() ? st.peers.erase(it) : std::next(it);
  for (const auto& id : live) {
    if (id == st.self.id || st.peers.count(id))
      continue;
    auto row = find_node(rows, id);
    if (std::pair{row->started_ms, row->id} > std::pair{st.self.started_ms, st.self.id}) {
      // It started later: it connects to us and introduces itself.
      if (auto door = st.view->introduced(id))
        st.peers.emplace(id, std::move(door));
      continue;
    }
    auto door = connect_door(self->system(), row->address);
    if (door) {
      self->send(*door, hello_atom::value, st.self.id, caf::actor_cast<caf::actor>(st.own_door));
      st.peers.emplace(id, *door);
      st.told.erase(id);
    } else if (st.told.insert(id).second) {
      std::cerr << "integratord: cluster: cannot reach node " << id << " at " << row->address << ": "
                << self->system().render(door.error()) << "\n";
    }
  }
  drop_silent_peers(self);
  st.view->update(live, st.peers);
  take_over_orphans(self, now);
}

membership_keeper_actor::behavior_type keeper_impl(keeper_ptr self, std::shared_ptr<document_store> store,
                                                   node_record me, std::int64_t timeout_ms,
                                                   std::shared_ptr<cluster_view> view,
                                                   node_door_actor own_door) {
  self->state.own_door = std::move(own_door);
  self->state.view = std::move(view);
  self->state.store = std::move(store);
  self->state.self = std::move(me);
  self->state.timeout_ms = timeout_ms;
  self->send(self, tick_atom::value);
  return {
    [=](tick_atom) {
      beat_once(self);
      self->delayed_send(self, beat, tick_atom::value);
    },
    [=](ping_atom) {
      std::vector<std::string> ids;
      for (const auto& [id, door] : self->state.peers)
        ids.push_back(id);
      return ids;
    },
  };
}

}  // namespace

membership_keeper_actor spawn_membership_keeper(caf::actor_system& sys, std::shared_ptr<document_store> store,
                                                node_record self, std::int64_t timeout_ms,
                                                std::shared_ptr<cluster_view> view,
                                                node_door_actor own_door) {
  return sys.spawn<caf::detached>(keeper_impl, std::move(store), std::move(self), timeout_ms, std::move(view),
                                  std::move(own_door));
}

std::string check_can_join(caf::actor_system& sys, document_store& store, const std::string& self_id,
                           std::int64_t now_ms, std::int64_t timeout_ms) {
  auto rows = read_nodes(store);
  std::string why;
  int peers = 0;
  for (const auto& id : live_node_ids(rows, now_ms, timeout_ms)) {
    if (id == self_id)
      continue;
    ++peers;
    auto row = find_node(rows, id);
    auto door = connect_door(sys, row->address);
    if (!door) {
      why += (why.empty() ? "" : "; ") + id + " at " + row->address + ": " + sys.render(door.error());
      continue;
    }
    caf::scoped_actor asker{sys};
    bool answered = false;
    asker->request(*door, std::chrono::seconds(5), ping_atom::value)
      .receive([&](const std::string&) { answered = true; },
               [&](caf::error& e) { why += (why.empty() ? "" : "; ") + id + ": " + sys.render(e); });
    if (answered)
      return "";
  }
  if (peers == 0)
    return "";  // the first node
  return "cannot join the cluster: no live node answered over TLS (" + why
         + "); is this node's certificate signed by the cluster's CA?";
}

}  // namespace integrator
