#pragma once
// A view of a store that remembers what one API call has read, so the call
// does not fetch the same key twice (a call checks that the resource it
// names exists, then its handler loads it). Forgets everything when told a
// new call starts and whenever it writes. Worth it where every read is a
// round trip (PostgreSQL); one call at a time, like the worker that owns it.

#include <map>
#include <utility>

#include "core/resources/document_store.hpp"

namespace integrator {

class call_memo final : public document_store {
public:
  explicit call_memo(document_store& store) : store_(store) {}

  /// A new call: what earlier calls read may have changed since.
  void forget() { seen_.clear(); }

  std::optional<std::string> get(std::string_view space, std::string_view key) override {
    auto at = std::make_pair(std::string(space), std::string(key));
    if (auto it = seen_.find(at); it != seen_.end())
      return it->second;
    auto value = store_.get(space, key);
    seen_.emplace(std::move(at), value);
    return value;
  }
  void scan(std::string_view space, std::string_view prefix,
            const std::function<bool(std::string_view, std::string_view)>& visit) override {
    store_.scan(space, prefix, visit);
  }
  void write(const write_batch& batch) override {
    seen_.clear();
    store_.write(batch);
  }

private:
  document_store& store_;
  std::map<std::pair<std::string, std::string>, std::optional<std::string>> seen_;
};

}  // namespace integrator
