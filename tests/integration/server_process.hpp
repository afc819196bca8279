#pragma once
// Starts the real integratord on 127.0.0.1:0 with a temporary data folder,
// reads its endpoint and token files, and stops it (SIGTERM, or SIGKILL to
// test durability). The folder survives restarts of the same object and is
// removed with it. When INTEGRATOR_TEST_PG names a PostgreSQL server, the
// server keeps its state there instead, in a schema of its own that lives
// as long as the folder.

#include <memory>
#include <string>
#include <vector>

#include "tests/support/pg_schema.hpp"

namespace integrator::test {

class server_process {
public:
  /// Starts at once; `extra` are more integratord flags.
  explicit server_process(std::vector<std::string> extra = {});
  ~server_process();

  server_process(const server_process&) = delete;
  server_process& operator=(const server_process&) = delete;

  void start();
  /// start() with other extra flags from now on (same data folder).
  void start(std::vector<std::string> extra) {
    extra_ = std::move(extra);
    start();
  }
  /// SIGTERM and wait; returns the exit status, or -2 when it did not stop
  /// within 60 s (it is then killed).
  int stop();
  /// SIGKILL and wait: no chance to flush anything.
  void kill9();
  /// Waits up to `seconds` for the server to exit by itself; its exit
  /// status, or -1 when it is still running.
  int wait_exit(int seconds);
  bool running() const { return pid_ > 0; }
  int pid() const { return pid_; }

  const std::string& host() const { return host_; }
  unsigned short port() const { return port_; }
  const std::string& data_dir() const { return dir_; }
  /// True when the server's PostgreSQL store (if it has one) holds `bytes`
  /// in a key or value; false on RocksDB, whose files are under data_dir().
  bool pg_store_contains(const std::string& bytes) const { return schema_ && schema_->store_contains(bytes); }
  std::string initial_token() const;
  std::string operator_token() const;

private:
  std::vector<std::string> extra_;
  std::string dir_;
  std::unique_ptr<pg_schema> schema_;
  std::string host_ = "127.0.0.1";
  unsigned short port_ = 0;
  int pid_ = -1;
};

/// Contents of a file, trailing newline removed.
std::string read_file(const std::string& path);

}  // namespace integrator::test
