#pragma once
// What scripts write with console.log (GET /scripts/{id}/logs): kept while
// the script's debugUntil is in the future (at most an hour ahead), per
// account and script, the newest max_entries of each. In memory: a debug
// aid, gone with the process. One table per node, written by the threads
// that get scripts' answers and read by the API, so it locks.

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

namespace integrator {

class script_logs {
public:
  static constexpr std::size_t max_entries = 1000;

  /// Adds a call's log entries (`entries`: a JSON array of {level,
  /// message, time}) when `now_ms` is before `debug_until_ms`.
  void add(const std::string& account, const std::string& script_id, std::string_view entries,
           std::int64_t debug_until_ms, std::int64_t now_ms);

  /// The script's entries, oldest first, as a JSON array.
  std::string read(const std::string& account, const std::string& script_id) const;

private:
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, std::string>, std::deque<std::string>> entries_;  ///< each entry's JSON
};

}  // namespace integrator
