#pragma once
// Starts the real integratord on 127.0.0.1:0 with a temporary data folder,
// reads its endpoint and token files, and stops it (SIGTERM, or SIGKILL to
// test durability). The folder survives restarts of the same object and is
// removed with it.

#include <string>
#include <vector>

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
  std::string initial_token() const;
  std::string operator_token() const;

private:
  std::vector<std::string> extra_;
  std::string dir_;
  std::string host_ = "127.0.0.1";
  unsigned short port_ = 0;
  int pid_ = -1;
};

/// Contents of a file, trailing newline removed.
std::string read_file(const std::string& path);

}  // namespace integrator::test
