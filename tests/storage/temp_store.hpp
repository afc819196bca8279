#pragma once
// A fresh RocksDB store in a temporary folder per test, removed afterwards.

#include <filesystem>
#include <memory>
#include <random>
#include <string>

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
  std::unique_ptr<rocks_store> store = std::make_unique<rocks_store>((dir.path / "db").string());

  /// Closes and opens the store again, as a restart would.
  void reopen() {
    store.reset();
    store = std::make_unique<rocks_store>((dir.path / "db").string());
  }
};

}  // namespace integrator::test
