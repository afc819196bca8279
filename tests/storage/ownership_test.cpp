// Leases and membership rows on a real store (both stores: the storage
// tier runs on RocksDB and on PostgreSQL).

#include "core/engine/ownership.hpp"

#include <boost/test/unit_test.hpp>

#include "core/resources/key_codec.hpp"
#include "tests/storage/temp_store.hpp"

using namespace integrator;

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

BOOST_AUTO_TEST_SUITE_END()
