#pragma once
// A Node.js program the tests start (the test stack, tests/stack/host.js):
// runs `node SCRIPT ARGS…`, waits until it prints "listening PORT", and
// stops it (SIGTERM, then SIGKILL) when the object goes.

#include <string>
#include <vector>

namespace integrator::test {

class node_process {
public:
  /// Starts at once; throws when it does not listen within 20 s.
  node_process(std::string script, std::vector<std::string> args);
  ~node_process();

  node_process(const node_process&) = delete;
  node_process& operator=(const node_process&) = delete;

  unsigned short port() const { return port_; }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  /// What it wrote to stderr so far.
  std::string errors() const;

private:
  int pid_ = -1;
  unsigned short port_ = 0;
  std::string log_;
};

/// tests/stack/ in the source tree (where the test stack lives).
std::string test_stack_dir();

}  // namespace integrator::test
