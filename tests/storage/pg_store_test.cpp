// What only the PostgreSQL store does: its range ends, its format check,
// and answering clearly while the server cannot be reached. Runs in the
// storage_pg tier only (tests/CMakeLists.txt).

#include "storage/pg_store.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "core/resources/key_codec.hpp"
#include "tests/storage/temp_store.hpp"

using namespace integrator;

BOOST_AUTO_TEST_SUITE(pg_store_test)

BOOST_AUTO_TEST_CASE(a_prefix_ends_at_the_next_key_that_does_not_share_it) {
  BOOST_TEST(prefix_end("abc") == "abd");
  BOOST_TEST(prefix_end(std::string("a\xff", 2)) == "b");
  BOOST_TEST(prefix_end(std::string("\xff\xff", 2)).empty());
  BOOST_TEST(prefix_end("").empty());
}

BOOST_AUTO_TEST_CASE(refuses_a_store_of_a_newer_format) {
  test::temp_store ts;
  write_batch b;
  b.put(keys::meta_space, "format_version", "99");
  ts.store->write(b);
  try {
    ts.reopen();
    BOOST_FAIL("opened a newer store");
  } catch (const store_failure& e) {
    BOOST_TEST(std::string(e.what()).find("newer") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(nodes_opening_one_database_at_once_share_one_table) {
  test::temp_store ts;
  std::vector<std::thread> nodes;
  std::atomic<int> failures{0};
  for (int i = 0; i < 4; ++i)
    nodes.emplace_back([&] {
      try {
        pg_store other(pg_store_options{ts.schema->conninfo(), 1});
        write_batch b;
        b.put("flows", "shared", "v");
        other.write(b);
      } catch (...) {
        ++failures;
      }
    });
  for (auto& n : nodes)
    n.join();
  BOOST_TEST(failures == 0);
  BOOST_TEST(*ts.store->get("flows", "shared") == "v");
}

BOOST_AUTO_TEST_CASE(an_unreachable_server_is_a_store_failure_that_says_so) {
  try {
    pg_store s(pg_store_options{"host=127.0.0.1 port=1 connect_timeout=2", 1});
    BOOST_FAIL("connected to nothing");
  } catch (const store_failure& e) {
    BOOST_TEST(std::string(e.what()).find("cannot connect to PostgreSQL") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(a_connection_the_server_ended_is_replaced) {
  test::temp_store ts;
  write_batch b;
  b.put("flows", "k", "v");
  ts.store->write(b);
  // The server ends the store's sessions, as a restart or a failover would.
  ts.schema->run("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '"
                 + ts.schema->name + "'");
  // The next call on a dead connection fails cleanly, or already reconnects;
  // the one after works.
  try {
    ts.store->get("flows", "k");
  } catch (const store_failure&) {
  }
  BOOST_TEST(*ts.store->get("flows", "k") == "v");
}

namespace {

// What a listener heard, waited for with a deadline.
struct heard {
  std::mutex m;
  std::condition_variable cv;
  std::vector<std::string> spaces;
  void add(std::string_view s) {
    std::lock_guard<std::mutex> l(m);
    spaces.emplace_back(s);
    cv.notify_all();
  }
  bool wait_for(const std::string& space, std::chrono::milliseconds within = std::chrono::seconds(5)) {
    std::unique_lock<std::mutex> l(m);
    return cv.wait_for(l, within, [&] { return std::find(spaces.begin(), spaces.end(), space) != spaces.end(); });
  }
};

}  // namespace

BOOST_AUTO_TEST_CASE(another_nodes_writes_of_accounts_and_tokens_are_heard) {
  test::temp_store ts;
  auto* feed = dynamic_cast<change_feed*>(ts.store.get());
  BOOST_TEST_REQUIRE(feed);
  heard h;
  auto sub = feed->subscribe([&](std::string_view s) { h.add(s); });
  pg_store other(pg_store_options{ts.schema->conninfo(), 1});  // a second node
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the listener is up
  write_batch flows;
  flows.put("flows", "f", "v");  // not announced
  other.write(flows);
  write_batch tokens;
  tokens.put("tokens", "t1", "{}");
  other.write(tokens);
  BOOST_TEST(h.wait_for("tokens"));
  BOOST_TEST(!h.wait_for("flows", std::chrono::milliseconds(100)));
  // Its connection ended: it says everything may have changed, and hears on.
  ts.schema->run("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN%'"
                 " AND application_name = '" + ts.schema->name + "'");
  BOOST_TEST(h.wait_for(""));
  write_batch accounts;
  accounts.put("accounts", "a1", "{}");
  other.write(accounts);
  BOOST_TEST(h.wait_for("accounts"));
  sub.reset();  // no more calls after this
}

BOOST_AUTO_TEST_SUITE_END()
