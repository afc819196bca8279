#pragma once
// integratord's script port (core/engine/script_port.hpp): a pool of
// Node.js worker processes (sandbox/worker.js), each running one call at a
// time. A call goes to a free worker as one length-prefixed frame (its
// header, then the options as JSON text) and comes back as one (the answer
// header, then the result as JSON text). A worker that outlasts the time
// limit is killed; one that dies (V8's memory limit, a crash) is replaced
// by the next call; either way the call gets a clear failure and other
// calls go on. Workers start on first use.

#include <atomic>
#include <chrono>
#include <optional>
#include <string_view>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/engine/script_port.hpp"

namespace integrator {

struct script_limits {
  int workers = 2;                       ///< calls that run at once
  std::int64_t time_ms = 5 * 60 * 1000;  ///< per call
  int memory_mb = 256;                   ///< per worker (V8's old space)
};

class script_pool final : public script_port {
public:
  /// `sandbox_dir` holds worker.js and its node_modules; `node` is the
  /// Node.js binary.
  script_pool(std::string node, std::string sandbox_dir, script_limits limits);
  ~script_pool() override;

  script_pool(const script_pool&) = delete;
  script_pool& operator=(const script_pool&) = delete;

  /// Where scripts' integrator-api calls go (http://host:port); workers
  /// started from now on get it.
  void set_api_url(std::string url);

  void submit(script_call call, completion done) override;

  /// Why `code` does not compile (its message names the line), waiting
  /// for a worker at most `wait`; nullopt when it compiles, or when no
  /// worker could tell in time (the run will).
  std::optional<std::string> compile_error(std::string_view code, std::chrono::milliseconds wait);

  /// Runs `call` and waits at most `wait` for its answer (a caller that
  /// cannot go on without it: a resource's preSave script).
  user_code_answer call_and_wait(script_call call, std::chrono::milliseconds wait);

  /// Workers started so far (replacements included), for tests and metrics.
  std::uint64_t workers_started() const { return started_; }

private:
  struct pending {
    script_call call;
    completion done;
  };
  struct worker;

  void serve();  // one thread per worker slot
  user_code_answer run(worker& w, const script_call& call);
  bool spawn(worker& w, std::string& why);

  std::string node_;
  std::string dir_;
  script_limits limits_;
  bool permission_model_ = false;  ///< the node here has it (Node 20+)
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<pending> queue_;
  std::string api_url_;
  bool stopping_ = false;
  std::uint64_t next_id_ = 0;
  std::atomic<std::uint64_t> started_{0};
  std::vector<std::thread> threads_;
};

}  // namespace integrator
