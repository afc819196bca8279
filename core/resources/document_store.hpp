#pragma once
// The storage interface the pure service logic is written against. Spaces
// are named key ranges (RocksDB column families in storage/rocks_store).
// Implementations: storage/rocks_store.hpp.
//
// Contract: writes are atomic per batch and durable (synced) before
// `write` returns success. Reads see every acknowledged write. Failures of
// the medium are reported by throwing store_failure, which the actor that
// owns the store catches; it never crosses an actor boundary.

#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/util/api_error.hpp"

namespace integrator {

struct store_failure : std::runtime_error {
  /// What went wrong, for the answer; what() has the details (paths
  /// included) for the log only. `conflict`: an expectation of the batch
  /// did not hold (write_batch::expect), nothing was written.
  enum class cause { medium, disk_full, conflict };
  explicit store_failure(const std::string& what, cause c = cause::medium) : std::runtime_error(what), why(c) {}
  cause why;
};

/// Thrown by a memory-only view when answering would need disk I/O: the
/// caller retries the operation where blocking is allowed.
struct store_would_block : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// A set of puts and deletes applied all together or not at all, and only
/// if its expectations hold when it is applied.
class write_batch {
public:
  struct op {
    std::string space;
    std::string key;
    std::string value;
    bool erase;
  };
  /// `key` in `space` holds exactly `value` (absent: `absent`).
  struct expectation {
    std::string space;
    std::string key;
    std::string value;
    bool absent;
  };

  /// For serialization (actors/catalogue.hpp) only.
  std::vector<op>& mutable_ops() { return ops_; }
  std::vector<expectation>& mutable_expectations() { return expected_; }

  /// Applies the batch only if `key` holds `value` then (nullopt: is
  /// absent); else the write throws store_failure (conflict). What leases
  /// and fencing are built on: keys that batches expect are written only
  /// by batches that expect them.
  void expect(std::string_view space, std::string key, std::optional<std::string> value) {
    expected_.push_back({std::string(space), std::move(key), value.value_or(std::string()), !value});
  }
  const std::vector<expectation>& expectations() const { return expected_; }

  void put(std::string_view space, std::string key, std::string value) {
    ops_.push_back({std::string(space), std::move(key), std::move(value), false});
  }
  void erase(std::string_view space, std::string key) {
    ops_.push_back({std::string(space), std::move(key), {}, true});
  }
  /// Takes `more`'s operations after these, in order, and its expectations.
  void append(write_batch&& more) {
    for (auto& o : more.ops_)
      ops_.push_back(std::move(o));
    for (auto& e : more.expected_)
      expected_.push_back(std::move(e));
    more.ops_.clear();
    more.expected_.clear();
  }
  const std::vector<op>& ops() const { return ops_; }
  bool empty() const { return ops_.empty(); }

private:
  std::vector<op> ops_;
  std::vector<expectation> expected_;
};

class document_store {
public:
  virtual ~document_store() = default;

  /// Value of `key` in `space`, or nullopt.
  virtual std::optional<std::string> get(std::string_view space, std::string_view key) = 0;

  /// Calls `visit(key, value)` for keys starting with `prefix`, in key
  /// order, until it returns false.
  virtual void scan(std::string_view space, std::string_view prefix,
                    const std::function<bool(std::string_view, std::string_view)>& visit) = 0;

  /// Applies `batch` atomically and durably, if its expectations hold.
  virtual void write(const write_batch& batch) = 0;
};

}  // namespace integrator
