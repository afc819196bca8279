#include "storage/rocks_store.hpp"

#include <boost/test/unit_test.hpp>

#include "core/resources/key_codec.hpp"
#include "tests/storage/temp_store.hpp"

#include <rocksdb/db.h>

using namespace integrator;

BOOST_AUTO_TEST_SUITE(rocks_store_test)

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

BOOST_AUTO_TEST_CASE(refuses_a_store_of_a_newer_format) {
  test::temp_store ts;
  ts.store.reset();
  {
    // Bump the format version behind the store's back, as a newer build would.
    rocksdb::Options o;
    std::vector<std::string> names;
    rocksdb::DB::ListColumnFamilies(o, (ts.dir.path / "db").string(), &names);
    std::vector<rocksdb::ColumnFamilyDescriptor> d;
    for (auto& n : names)
      d.emplace_back(n, rocksdb::ColumnFamilyOptions());
    std::vector<rocksdb::ColumnFamilyHandle*> h;
    rocksdb::DB* db = nullptr;
    BOOST_REQUIRE(rocksdb::DB::Open(o, (ts.dir.path / "db").string(), d, &h, &db).ok());
    for (size_t i = 0; i < names.size(); ++i)
      if (names[i] == "meta")
        db->Put(rocksdb::WriteOptions(), h[i], "format_version", "99");
    for (auto* x : h)
      db->DestroyColumnFamilyHandle(x);
    delete db;
  }
  try {
    integrator::rocks_store s((ts.dir.path / "db").string());
    BOOST_FAIL("opened a newer store");
  } catch (const store_failure& e) {
    BOOST_TEST(std::string(e.what()).find("newer") != std::string::npos);
  }
}

BOOST_AUTO_TEST_SUITE_END()
