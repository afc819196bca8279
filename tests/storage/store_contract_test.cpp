// What every document_store promises (core/resources/document_store.hpp),
// run against RocksDB and against PostgreSQL (tests/CMakeLists.txt).

#include <boost/test/unit_test.hpp>

#include <atomic>
#include <thread>

#include "core/resources/key_codec.hpp"
#include "tests/storage/temp_store.hpp"

using namespace integrator;

BOOST_AUTO_TEST_SUITE(store_contract_test)

BOOST_AUTO_TEST_CASE(batches_are_visible_and_survive_reopen) {
  test::temp_store ts;
  write_batch b;
  b.put("exports", "a1", "one");
  b.put("exports", "a2", "two");
  b.put("exports", "b1", "other account");
  b.put(keys::state_space, "a1", "state");
  ts.store->write(b);
  ts.reopen();
  BOOST_TEST(*ts.store->get("exports", "a1") == "one");
  BOOST_TEST(*ts.store->get(keys::state_space, "a1") == "state");
  std::vector<std::string> seen;
  ts.store->scan("exports", "a", [&](std::string_view k, std::string_view) {
    seen.emplace_back(k);
    return true;
  });
  BOOST_TEST(seen.size() == 2u);
  BOOST_TEST(seen[0] == "a1");
  write_batch del;
  del.erase("exports", "a1");
  ts.store->write(del);
  BOOST_TEST(!ts.store->get("exports", "a1").has_value());
}

BOOST_AUTO_TEST_CASE(scan_stops_when_the_visitor_says_so) {
  test::temp_store ts;
  write_batch b;
  for (int i = 0; i < 10; ++i)
    b.put("flows", "k" + std::to_string(i), "v");
  ts.store->write(b);
  int n = 0;
  ts.store->scan("flows", "k", [&](std::string_view, std::string_view) { return ++n < 3; });
  BOOST_TEST(n == 3);
}

BOOST_AUTO_TEST_CASE(unknown_space_is_a_store_failure) {
  test::temp_store ts;
  BOOST_CHECK_THROW(ts.store->get("nonsense", "k"), store_failure);
  write_batch b;
  b.put("nonsense", "k", "v");
  BOOST_CHECK_THROW(ts.store->write(b), store_failure);
}

BOOST_AUTO_TEST_CASE(scans_keep_bytewise_order_and_exact_prefixes) {
  test::temp_store ts;
  write_batch b;
  // Bytes above 0x7f and 0xff sort after ASCII, as memcmp orders them; a
  // prefix ending in 0xff must not reach the next prefix.
  for (std::string k : {std::string("p\x01"), std::string("p\xff\xff"), std::string("p\xffz"), std::string("q"),
                        std::string("p"), std::string("pa"), std::string("o\xff"), std::string("p\x80")})
    b.put("flows", k, "v:" + k);
  b.put("exports", "pa", "another space");
  ts.store->write(b);
  std::vector<std::string> seen;
  ts.store->scan("flows", "p", [&](std::string_view k, std::string_view v) {
    BOOST_TEST(v == "v:" + std::string(k));
    seen.emplace_back(k);
    return true;
  });
  std::vector<std::string> expected{"p", std::string("p\x01"), "pa", std::string("p\x80"), std::string("p\xffz"),
                                    std::string("p\xff\xff")};
  BOOST_TEST(seen == expected, boost::test_tools::per_element());
  seen.clear();
  ts.store->scan("flows", std::string("p\xff"), [&](std::string_view k, std::string_view) {
    seen.emplace_back(k);
    return true;
  });
  BOOST_TEST(seen.size() == 2u);
  int all = 0;
  ts.store->scan("flows", "", [&](std::string_view, std::string_view) { return ++all > 0; });
  BOOST_TEST(all == 8);
}

BOOST_AUTO_TEST_CASE(keys_and_values_are_binary_safe) {
  test::temp_store ts;
  std::string key("a\0b\0", 4), value("\0\x01\xfe\xff json \"quoted\" \\", 20);
  write_batch b;
  b.put("state", key, value);
  ts.store->write(b);
  BOOST_TEST(*ts.store->get("state", key) == value);
  BOOST_TEST(!ts.store->get("state", std::string("a\0b", 3)).has_value());
}

BOOST_AUTO_TEST_CASE(a_batch_applies_in_order_puts_overwrite_and_erases_win) {
  test::temp_store ts;
  write_batch b;
  b.put("jobs", "k1", "first");
  b.put("jobs", "k1", "second");
  b.put("jobs", "k2", "here");
  b.erase("jobs", "k2");
  b.erase("jobs", "never-there");
  ts.store->write(b);
  BOOST_TEST(*ts.store->get("jobs", "k1") == "second");
  BOOST_TEST(!ts.store->get("jobs", "k2").has_value());
}

BOOST_AUTO_TEST_CASE(long_scans_and_large_batches) {
  test::temp_store ts;
  write_batch b;
  // More rows than one read of a scan and one window of a pipeline.
  for (int i = 0; i < 5000; ++i) {
    char k[16];
    std::snprintf(k, sizeof k, "r%05d", i);
    b.put("joberrors", k, std::string(100 + i % 50, 'x'));
  }
  ts.store->write(b);
  int n = 0;
  std::string last;
  bool ordered = true;
  ts.store->scan("joberrors", "r", [&](std::string_view k, std::string_view) {
    ordered = ordered && std::string(k) > last;
    last = k;
    ++n;
    return true;
  });
  BOOST_TEST(n == 5000);
  BOOST_TEST(ordered);
  // A visitor may use the store while it scans.
  int nested = 0;
  ts.store->scan("joberrors", "r0000", [&](std::string_view k, std::string_view) {
    nested += ts.store->get("joberrors", k).has_value();
    return true;
  });
  BOOST_TEST(nested == 10);
}

BOOST_AUTO_TEST_CASE(writers_on_several_threads_lose_nothing) {
  test::temp_store ts;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 100; ++i) {
        write_batch b;
        b.put("accounts", "t" + std::to_string(t) + "-" + std::to_string(i), "v");
        b.put("tokens", "t" + std::to_string(t) + "-" + std::to_string(i), "w");
        try {
          ts.store->write(b);
        } catch (...) {
          ++failures;
        }
      }
    });
  for (auto& th : threads)
    th.join();
  BOOST_TEST(failures == 0);
  int accounts = 0, tokens = 0;
  ts.store->scan("accounts", "t", [&](std::string_view, std::string_view) { return ++accounts > 0; });
  ts.store->scan("tokens", "t", [&](std::string_view, std::string_view) { return ++tokens > 0; });
  BOOST_TEST(accounts == 400);
  BOOST_TEST(tokens == 400);
}

BOOST_AUTO_TEST_CASE(a_batch_whose_expectation_fails_writes_nothing) {
  test::temp_store ts;
  write_batch take;
  take.expect("state", "lease", std::nullopt);
  take.put("state", "lease", "1|a");
  ts.store->write(take);
  write_batch again;  // a second taker that also saw no lease
  again.expect("state", "lease", std::nullopt);
  again.put("state", "lease", "1|b");
  again.put("state", "other", "written with it");
  try {
    ts.store->write(again);
    BOOST_FAIL("a second lease was taken");
  } catch (const store_failure& e) {
    BOOST_TEST((e.why == store_failure::cause::conflict));
  }
  BOOST_TEST(*ts.store->get("state", "lease") == "1|a");
  BOOST_TEST(!ts.store->get("state", "other").has_value());
  write_batch fenced;  // written under a lease that has moved on
  fenced.expect("state", "lease", std::string("0|a"));
  fenced.put("jobs", "j", "stale");
  BOOST_CHECK_THROW(ts.store->write(fenced), store_failure);
  BOOST_TEST(!ts.store->get("jobs", "j").has_value());
  write_batch current;
  current.expect("state", "lease", std::string("1|a"));
  current.put("jobs", "j", "current");
  ts.store->write(current);
  BOOST_TEST(*ts.store->get("jobs", "j") == "current");
}

BOOST_AUTO_TEST_CASE(compare_and_set_from_several_threads_loses_no_update) {
  test::temp_store ts;
  write_batch init;
  init.put("state", "counter", "0");
  ts.store->write(init);
  std::atomic<int> conflicts{0}, failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int done = 0; done < 25;) {
        try {
          auto now = *ts.store->get("state", "counter");
          write_batch b;
          b.expect("state", "counter", now);
          b.put("state", "counter", std::to_string(std::stoi(now) + 1));
          ts.store->write(b);
          ++done;
        } catch (const store_failure& e) {
          ++(e.why == store_failure::cause::conflict ? conflicts : failures);
        }
      }
    });
  for (auto& th : threads)
    th.join();
  BOOST_TEST(failures == 0);
  BOOST_TEST(*ts.store->get("state", "counter") == "100");
  BOOST_TEST_MESSAGE("conflicts retried: " << conflicts);
}

BOOST_AUTO_TEST_SUITE_END()
