#pragma once
// The PostgreSQL implementation of document_store, which every node of a
// cluster shares. One table holds every space:
//
//   integrator_kv(space text, key bytea, value bytea, primary key (space, key))
//
// bytea compares bytewise, as RocksDB's keys do, so a prefix scan is a range
// scan of the primary key. A batch is one transaction, sent as one pipeline
// (one round trip) and committed before write() returns: with PostgreSQL's
// default synchronous_commit, an acknowledged write is on the server's disk.
//
// Calls block; they take a connection from a small pool, so detached actors
// may call at once. A connection that broke is opened again on its next use;
// while PostgreSQL cannot be reached every call throws store_failure
// (unavailable), which the API answers as 503 with Retry-After, and nothing
// of a failed batch is applied.
//
// A batch that writes accounts or tokens also sends NOTIFY integrator_changes
// (delivered when it commits); subscribe() listens on a connection of its
// own, so every node re-reads what it keeps of them in memory.

#include <chrono>
#include <memory>
#include <string>

#include "core/resources/change_feed.hpp"
#include "core/resources/document_store.hpp"

namespace integrator {

struct pg_store_options {
  /// libpq connection string or URI (postgresql://user@host:port/db?...).
  std::string conninfo;
  /// Connections kept open (calls beyond these wait for one).
  int connections = 4;
};

class pg_store final : public document_store, public change_feed {
public:
  /// Connects, creates the table when missing and checks the stored format
  /// version. Throws store_failure with a clear message when PostgreSQL
  /// cannot be reached or holds a newer format than this build understands.
  explicit pg_store(pg_store_options options);
  ~pg_store() override;

  pg_store(const pg_store&) = delete;
  pg_store& operator=(const pg_store&) = delete;

  std::optional<std::string> get(std::string_view space, std::string_view key) override;
  void scan(std::string_view space, std::string_view prefix,
            const std::function<bool(std::string_view, std::string_view)>& visit) override;
  void write(const write_batch& batch) override;

  std::unique_ptr<subscription> subscribe(listener on_change) override;

  struct feed;  ///< (the listening thread; public for its subscriptions only)

private:
  struct connection;
  struct pool;
  class lease;
  std::unique_ptr<pool> pool_;
  std::shared_ptr<feed> feed_;
};

/// The smallest key above every key that starts with `prefix`, or "" when
/// none is (an empty prefix, or one of only 0xff bytes): a scan's end.
std::string prefix_end(std::string_view prefix);

}  // namespace integrator
