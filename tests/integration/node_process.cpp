#include "tests/integration/node_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace integrator::test {

namespace fs = std::filesystem;

std::string test_stack_dir() { return std::string(INTEGRATOR_SOURCE_DIR) + "/tests/stack"; }

node_process::node_process(std::string script, std::vector<std::string> args) {
  if (!fs::exists(fs::path(script).parent_path() / "node_modules"))
    throw std::runtime_error(script + ": its npm packages are not installed (run scripts/setup-npm.sh)");
  log_ = (fs::temp_directory_path() / ("integrator-node-" + std::to_string(::getpid()) + "-"
                                        + std::to_string(reinterpret_cast<std::uintptr_t>(this)) + ".log"))
           .string();
  // Its output goes to a log file, where its "listening PORT" line is read.
  pid_ = ::fork();
  if (pid_ == 0) {
    int log = ::open(log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (log >= 0) {
      ::dup2(log, 1);
      ::dup2(log, 2);
    }
    std::vector<std::string> all{"node", script};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : all)
      argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execvp("node", argv.data());
    std::_Exit(127);
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  std::string::size_type at = std::string::npos;
  std::string text;
  while (std::chrono::steady_clock::now() < deadline) {
    text = errors();
    at = text.find("listening ");
    if (at != std::string::npos && text.find('\n', at) != std::string::npos)
      break;
    if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("node " + script + " exited during start-up: " + text);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (at == std::string::npos) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
    throw std::runtime_error("node " + script + " did not start within 20 s: " + text);
  }
  port_ = static_cast<unsigned short>(std::stoi(text.substr(at + 10)));
}
node_process::~node_process() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    for (int i = 0; i < 100; ++i) {
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = -1;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  std::error_code ec;
  fs::remove(log_, ec);
}

std::string node_process::errors() const {
  std::ifstream in(log_);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace integrator::test
