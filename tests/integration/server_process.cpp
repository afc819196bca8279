#include "tests/integration/server_process.hpp"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace integrator::test {

namespace fs = std::filesystem;

std::string read_file(const std::string& path) {
  std::ifstream f(path);
  std::stringstream s;
  s << f.rdbuf();
  auto out = s.str();
  while (!out.empty() && out.back() == '\n')
    out.pop_back();
  return out;
}

server_process::server_process(std::vector<std::string> extra) : extra_(std::move(extra)) {
  std::random_device rd;
  dir_ = (fs::temp_directory_path() / ("integratord-test-" + std::to_string(rd()) + std::to_string(rd())))
           .string();
  if (!test_pg_conninfo().empty())
    schema_ = std::make_unique<pg_schema>(test_pg_conninfo());
  start();
}

server_process::~server_process() {
  if (running())
    stop();
  std::error_code ec;
  fs::remove_all(dir_, ec);
  fs::remove(dir_ + ".log", ec);
}

void server_process::start() {
  auto endpoint = dir_ + "/endpoint";
  std::error_code ec;
  fs::remove(endpoint, ec);
  std::vector<std::string> args{INTEGRATORD_PATH, "--data-dir", dir_, "--listen", "127.0.0.1:0",
                                "--test-hooks", "true"};
  if (schema_) {
    args.push_back("--postgres");
    args.push_back(schema_->conninfo());
  }
  args.insert(args.end(), extra_.begin(), extra_.end());
  pid_ = ::fork();
  if (pid_ == 0) {
    // A test that crashes takes its servers along (they would hold CTest's
    // output pipe open, and it would wait for them).
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    std::vector<char*> argv;
    for (auto& a : args)
      argv.push_back(a.data());
    argv.push_back(nullptr);
    // Keep test output readable: the server's banner goes to a log file.
    auto log = dir_ + ".log";
    if (FILE* f = std::freopen(log.c_str(), "a", stdout))
      (void)f;
    ::execv(argv[0], argv.data());
    std::_Exit(127);
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    if (fs::exists(endpoint)) {
      auto ep = read_file(endpoint);
      auto colon = ep.rfind(':');
      port_ = static_cast<unsigned short>(std::stoi(ep.substr(colon + 1)));
      return;
    }
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("integratord exited during start-up: " + read_file(dir_ + ".log"));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill9();
  throw std::runtime_error("integratord did not start within 20 s");
}

int server_process::wait_exit(int seconds) {
  if (!running())
    return -1;
  for (int i = 0; i < seconds * 20; ++i) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return -1;
}

int server_process::stop() {
  if (!running())
    return -1;
  ::kill(pid_, SIGTERM);
  // A clean stop takes a few seconds at most; one that hangs is a failure
  // the test sees (and the process does not outlive the test).
  if (int status = wait_exit(60); status != -1)
    return status;
  std::cerr << "integratord did not stop within 60 s of SIGTERM; killed\n";
  kill9();
  return -2;
}

void server_process::kill9() {
  if (!running())
    return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

std::string server_process::initial_token() const {
  return read_file(dir_ + "/initial-token");
}

std::string server_process::operator_token() const {
  return read_file(dir_ + "/operator-token");
}

}  // namespace integrator::test
