#pragma once
// Writes other nodes make to a shared store. A node keeps some of the store
// in memory (accounts and token hashes, core/api/account_book.hpp); in a
// cluster another node may change them, and this tells it to read them
// again. Implemented by storage/pg_store (PostgreSQL's LISTEN/NOTIFY); a
// store no other process writes (RocksDB) needs none.

#include <functional>
#include <memory>
#include <string_view>

namespace integrator {

class change_feed {
public:
  /// Called on the feed's own thread with a space some node's committed
  /// write touched; after the feed lost its connection (changes may have
  /// been missed), once with "" (everything may have changed).
  using listener = std::function<void(std::string_view space)>;

  /// Stops calling its listener when destroyed.
  struct subscription {
    virtual ~subscription() = default;
  };

  virtual ~change_feed() = default;

  virtual std::unique_ptr<subscription> subscribe(listener on_change) = 0;
};

}  // namespace integrator
