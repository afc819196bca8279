#pragma once
// A fresh store per test, removed afterwards: RocksDB in a temporary
// folder, or, when INTEGRATOR_TEST_PG names a PostgreSQL server (libpq
// key=value conninfo, as tests/support/private_postgres.sh writes it), a
// schema of its own on that server. CTest runs the storage tier both ways
// (tests/CMakeLists.txt), so every test here is a contract test of both
// stores.

#include <filesystem>
#include <memory>
#include <random>
#include <string>

#include "storage/pg_store.hpp"
#include "tests/support/pg_schema.hpp"
#include "storage/rocks_store.hpp"

namespace integrator::test {

struct temp_dir {
  std::filesystem::path path;
  temp_dir() {
    std::random_device rd;
    path = std::filesystem::temp_directory_path()
           / ("integrator-test-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path);
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

struct temp_store {
  temp_dir dir;
  std::unique_ptr<pg_schema> schema = test_pg_conninfo().empty() ? nullptr
                                                                   : std::make_unique<pg_schema>(test_pg_conninfo());
  std::unique_ptr<document_store> store = open();

  ~temp_store() { store.reset(); }  // before the schema goes

  /// Closes and opens the store again, as a restart would.
  void reopen() {
    store.reset();
    store = open();
  }

  std::unique_ptr<document_store> open() const {
    if (schema)
      return std::make_unique<pg_store>(pg_store_options{schema->conninfo(), 2});
    return std::make_unique<rocks_store>((dir.path / "db").string());
  }
};

}  // namespace integrator::test
