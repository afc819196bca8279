#pragma once
// The RocksDB implementation of document_store: one column family per
// space, every batch written with sync=true so an acknowledged write
// survives kill -9, and a format-version record checked at open.
// Thread-safe (RocksDB is); the actors that call it are detached.

#include <cstdint>
#include <memory>
#include <string>

#include "core/resources/document_store.hpp"

namespace integrator {

/// Writes are refused (store_failure, disk_full) while less than this is
/// free on the data folder's file system (the default of the reserve):
/// room for RocksDB's own log, flushes and compactions to finish without
/// running out.
inline constexpr std::uint64_t default_disk_reserve_bytes = 64ull << 20;

class rocks_store final : public document_store {
public:
  /// Opens or creates the store under `dir`. Throws store_failure with a
  /// clear message when the directory cannot be opened or holds a newer
  /// format than this build understands.
  /// Writes are refused while less than `disk_reserve` bytes are free.
  explicit rocks_store(const std::string& dir, std::uint64_t disk_reserve = default_disk_reserve_bytes);
  ~rocks_store() override;

  std::optional<std::string> get(std::string_view space, std::string_view key) override;
  void scan(std::string_view space, std::string_view prefix,
            const std::function<bool(std::string_view, std::string_view)>& visit) override;
  void write(const write_batch& batch) override;

  /// Flushes memtables and closes; further calls fail. Idempotent.
  void close();

  /// A read-only view that never touches the disk: reads served from the
  /// memtables and the block cache, store_would_block otherwise. Safe to
  /// call from the cooperative scheduler. Lives as long as this store.
  std::shared_ptr<document_store> memory_view();

private:
  class memory_only;
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace integrator
