#include "storage/rocks_store.hpp"

#include <boost/test/unit_test.hpp>

#include "tests/storage/temp_store.hpp"

#include <rocksdb/db.h>

using namespace integrator;

BOOST_AUTO_TEST_SUITE(rocks_store_test)

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
