// Leases and membership rows on a real store (both stores: the storage
// tier runs on RocksDB and on PostgreSQL).

#include "core/engine/ownership.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>

#include "core/resources/key_codec.hpp"
#include "core/util/rendezvous.hpp"
#include "tests/storage/temp_store.hpp"

using namespace integrator;

namespace {

std::int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
    .count();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(ownership_test)

BOOST_AUTO_TEST_CASE(one_of_two_racing_takers_wins_and_the_loser_is_fenced_out) {
  test::temp_store ts;
  const std::string name = flow_lease_name("acc", "f1");
  auto seen = read_lease(*ts.store, name);  // both read "never taken"
  BOOST_TEST(!seen.has_value());
  ts.store->write(take_lease(name, seen, "a"));
  try {
    ts.store->write(take_lease(name, seen, "b"));
    BOOST_FAIL("two owners");
  } catch (const store_failure& e) {
    BOOST_TEST((e.why == store_failure::cause::conflict));
  }
  auto held = read_lease(*ts.store, name);
  BOOST_TEST_REQUIRE(held.has_value());
  BOOST_TEST(held->owner == "a");
  // a stalls; b finds it dead and takes over (epoch 2).
  ts.store->write(take_lease(name, held, "b"));
  write_batch late;  // a wakes up and writes its job's page
  late.put(keys::jobs_space, "acc|job", "page 7 by a");
  fence(late, name, *held);
  BOOST_CHECK_THROW(ts.store->write(late), store_failure);
  BOOST_TEST(!ts.store->get(keys::jobs_space, "acc|job").has_value());
  auto now_held = read_lease(*ts.store, name);
  BOOST_TEST((now_held->owner == "b" && now_held->epoch == 2));
  write_batch ok;
  ok.put(keys::jobs_space, "acc|job", "page 7 by b");
  fence(ok, name, *now_held);
  ts.store->write(ok);
  // b gives it up; the epoch stays, so a's old text can never match again.
  ts.store->write(release_lease(name, *now_held));
  auto freed = read_lease(*ts.store, name);
  BOOST_TEST((freed->owner.empty() && freed->epoch == 2));
  ts.store->write(take_lease(name, freed, "a"));
  BOOST_TEST(read_lease(*ts.store, name)->epoch == 3);
}

BOOST_AUTO_TEST_CASE(membership_rows_tell_the_live_nodes) {
  test::temp_store ts;
  node_record a{"a", "127.0.0.1:7001", "127.0.0.1:8001", 100, 5000, false};
  node_record b{"b", "127.0.0.1:7002", "127.0.0.1:8002", 100, 5000, false};
  ts.store->write(heartbeat_batch(a));
  ts.store->write(heartbeat_batch(b));
  b.heartbeat_ms = 16'000;
  ts.store->write(heartbeat_batch(b));  // b beats on, a stopped at 5 s
  auto rows = read_nodes(*ts.store);
  BOOST_TEST(rows.size() == 2u);
  BOOST_TEST(find_node(rows, "a")->address == "127.0.0.1:7001");
  BOOST_TEST((live_node_ids(rows, 16'500) == std::vector<std::string>{"b"}));
  ts.store->write(leave_batch("b"));
  BOOST_TEST(read_nodes(*ts.store).size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_claim_takes_a_free_or_dead_holders_lease_and_names_a_live_holder) {
  test::temp_store ts;
  auto now = wall_ms();
  node_record a{"a", "127.0.0.1:7001", "", now - 60'000, now, false};
  node_record b{"b", "127.0.0.1:7002", "", now - 60'000, now, false};
  ts.store->write(heartbeat_batch(a));
  ts.store->write(heartbeat_batch(b));
  const std::string name = flow_lease_name("acc", "f1");
  auto first = claim_lease(*ts.store, name, "a", now);
  BOOST_TEST_REQUIRE(first.held.has_value());
  BOOST_TEST((first.held->epoch == 1 && first.previous.empty()));
  // b asks while a lives: told who holds it, nothing written.
  auto refused = claim_lease(*ts.store, name, "b", now);
  BOOST_TEST(!refused.held.has_value());
  BOOST_TEST(refused.holder == "a");
  BOOST_TEST(read_lease(*ts.store, name)->epoch == 1);
  // a falls silent; 11 s on, b takes it over and learns it was a's.
  auto later = now + 11'000;
  b.heartbeat_ms = later;
  ts.store->write(heartbeat_batch(b));
  auto taken = claim_lease(*ts.store, name, "b", later);
  BOOST_TEST_REQUIRE(taken.held.has_value());
  BOOST_TEST((taken.held->epoch == 2 && taken.previous == "a"));
  // A lease that reads as the asker's own is an earlier incarnation's: taken anew.
  auto again = claim_lease(*ts.store, name, "b", later);
  BOOST_TEST((again.held && again.held->epoch == 3 && again.previous == "b"));
}

BOOST_AUTO_TEST_CASE(a_dead_nodes_flow_leases_go_to_the_live_nodes_they_hash_to) {
  test::temp_store ts;
  auto now = wall_ms();
  std::vector<node_record> nodes{{"a", "x:1", "", 0, now, false}, {"b", "x:2", "", 0, now, false},
                                 {"c", "x:3", "", 0, now - 60'000, false}};  // c is dead
  for (const auto& n : nodes)
    ts.store->write(heartbeat_batch(n));
  std::vector<std::string> names;
  for (int i = 0; i < 40; ++i) {
    names.push_back(flow_lease_name("acc", "flow" + std::to_string(i)));
    ts.store->write(take_lease(names.back(), std::nullopt, i % 2 ? "c" : "a"));
  }
  ts.store->write(take_lease(bucket_lease_name("acc"), std::nullopt, "c"));  // not a flow: never listed
  auto for_a = orphaned_flow_leases(*ts.store, "a", now);
  auto for_b = orphaned_flow_leases(*ts.store, "b", now);
  // Each of c's 20 flows goes to exactly one of the live nodes, as hashed.
  BOOST_TEST(for_a.size() + for_b.size() == 20u);
  for (const auto& n : for_a)
    BOOST_TEST(rendezvous_owner(n, {"a", "b"}) == "a");
  for (const auto& n : for_b) {
    BOOST_TEST(rendezvous_owner(n, {"a", "b"}) == "b");
    auto flow = flow_of_lease(n);
    BOOST_TEST_REQUIRE(flow.has_value());
    BOOST_TEST(flow->first == "acc");
    BOOST_TEST(read_lease(*ts.store, n)->owner == "c");
  }
  BOOST_TEST(!flow_of_lease(bucket_lease_name("acc")).has_value());
  auto listed = boost::json::parse(leases_json(*ts.store, now)).at("leases").as_array();
  BOOST_TEST(listed.size() == 41u);
}

BOOST_AUTO_TEST_SUITE_END()
