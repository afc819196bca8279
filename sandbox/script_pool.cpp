#include "sandbox/script_pool.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <future>

namespace integrator {

namespace json = boost::json;

namespace {

using clock = std::chrono::steady_clock;

// Answers bigger than this are not a page of records: the worker is replaced.
constexpr std::size_t max_frame = 64u << 20;
// How often a waiting thread looks whether the pool is stopping.
constexpr int poll_slice_ms = 200;

void put_length(std::string& out, std::size_t n) {
  auto v = static_cast<std::uint32_t>(n);
  char b[4] = {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
               static_cast<char>(v)};
  out.append(b, 4);
}

std::uint32_t get_length(const char* p) {
  auto u = [&](int i) { return static_cast<std::uint32_t>(static_cast<unsigned char>(p[i])); };
  return u(0) << 24 | u(1) << 16 | u(2) << 8 | u(3);
}

enum class io { done, timed_out, closed, stopping };

}  // namespace

struct script_pool::worker {
  pid_t pid = -1;
  int to = -1;    ///< its stdin
  int from = -1;  ///< its stdout

  void close_pipes() {
    for (int* fd : {&to, &from})
      if (*fd >= 0) {
        ::close(*fd);
        *fd = -1;
      }
  }
  /// Kills and reaps it; its wait status.
  int kill() {
    close_pipes();
    int status = 0;
    if (pid > 0) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
    }
    pid = -1;
    return status;
  }
  /// Reaps it after its stdout closed (it died); its wait status.
  int reap() {
    close_pipes();
    int status = 0;
    if (pid > 0) {
      // It closed its stdout: it is exiting, or about to be killed.
      for (int i = 0; i < 50 && ::waitpid(pid, &status, WNOHANG) == 0; ++i)
        ::usleep(10'000);
      if (::waitpid(pid, &status, WNOHANG) == 0) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, &status, 0);
      }
    }
    pid = -1;
    return status;
  }
};

namespace {

// The major version of `node` (0 when it does not run): Node's permission
// model (--experimental-permission) came with Node 20.
int node_major_version(const std::string& node) {
  std::string command = "'" + node + "' --version 2>/dev/null";
  FILE* p = ::popen(command.c_str(), "r");
  if (!p)
    return 0;
  char line[64] = {0};
  bool read = std::fgets(line, sizeof line, p) != nullptr;
  ::pclose(p);
  return read && line[0] == 'v' ? std::atoi(line + 1) : 0;
}

}  // namespace

script_pool::script_pool(std::string node, std::string sandbox_dir, script_limits limits)
  : node_(std::move(node)), dir_(std::move(sandbox_dir)), limits_(limits) {
  permission_model_ = node_major_version(node_) >= 20;
  for (int i = 0; i < std::max(1, limits_.workers); ++i)
    threads_.emplace_back([this] { serve(); });
}

script_pool::~script_pool() {
  {
    std::lock_guard<std::mutex> guard(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& t : threads_)
    t.join();
  for (auto& p : queue_)
    p.done(failed_answer("script_unavailable", "integratord is stopping; the script was not run"));
}

void script_pool::set_api_url(std::string url) {
  std::lock_guard<std::mutex> guard(mutex_);
  api_url_ = std::move(url);
}

void script_pool::submit(script_call call, completion done) {
  {
    std::lock_guard<std::mutex> guard(mutex_);
    if (!stopping_) {
      queue_.push_back({std::move(call), std::move(done)});
      wake_.notify_one();
      return;
    }
  }
  done(failed_answer("script_unavailable", "integratord is stopping; the script was not run"));
}

user_code_answer script_pool::call_and_wait(script_call call, std::chrono::milliseconds wait) {
  auto answered = std::make_shared<std::promise<user_code_answer>>();
  auto future = answered->get_future();
  submit(std::move(call), [answered](user_code_answer a) { answered->set_value(std::move(a)); });
  if (future.wait_for(wait) != std::future_status::ready)
    return failed_answer("script_timeout", "the script did not answer within "
                                             + std::to_string(wait.count() / 1000) + " s");
  return future.get();
}

std::optional<std::string> script_pool::compile_error(std::string_view code, std::chrono::milliseconds wait) {
  script_call call;
  call.script_id = "unsaved";
  call.code = std::string(code);
  call.options = "{}";
  call.check_only = true;
  auto a = call_and_wait(std::move(call), wait);
  if (a.code == "script_timeout" && a.message.starts_with("the script did not answer"))
    return std::nullopt;  // no worker could tell in time
  if (a.ok || a.code != "script_error")
    return std::nullopt;  // compiled, or the worker could not tell
  auto at = a.message.find("does not compile: ");
  return at == std::string::npos ? a.message : a.message.substr(at + 18);
}

void script_pool::serve() {
  worker w;
  for (;;) {
    pending p;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_)
        break;
      p = std::move(queue_.front());
      queue_.pop_front();
    }
    p.done(run(w, p.call));
  }
  w.reap();  // its stdin closes: it exits (killed if it does not within 0.5 s)
}

bool script_pool::spawn(worker& w, std::string& why) {
  std::string api_url;
  {
    std::lock_guard<std::mutex> guard(mutex_);
    api_url = api_url_;
  }
  int in[2], out[2];
  if (::pipe2(in, O_CLOEXEC) != 0) {
    why = "no pipe for a script worker";
    return false;
  }
  if (::pipe2(out, O_CLOEXEC) != 0) {
    ::close(in[0]);
    ::close(in[1]);
    why = "no pipe for a script worker";
    return false;
  }
  // A page's call and its answer (~100 KB-1 MB) each fit the pipe at once,
  // so neither side blocks and wakes again per 64 KB piece (as far as the
  // system's pipe-max-size allows; the default stays otherwise).
  for (int fd : {in[1], out[1]})
    ::fcntl(fd, F_SETPIPE_SZ, 1 << 20);
  // Everything the child needs is built before fork: after it, only
  // async-signal-safe calls (this process has other threads).
  std::vector<std::string> args{node_,
                                "--max-old-space-size=" + std::to_string(limits_.memory_mb),
                                // A page's objects die young: a larger nursery
                                // scavenges less often (1.9 → 1.2 ms of CPU per
                                // page of 1,000 records, a worker driven alone).
                                "--max-semi-space-size=32",
                                "--disallow-code-generation-from-strings",
                                "--no-warnings"};
  if (permission_model_) {  // Node 20 and later: reads only this folder
    args.push_back("--experimental-permission");
    args.push_back("--allow-fs-read=" + dir_ + "/*");
  }
  args.push_back(dir_ + "/worker.js");
  args.push_back(api_url);
  std::vector<char*> argv;
  for (auto& a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  char* no_env[] = {nullptr};
  const char* dir = dir_.c_str();
  // V8's report of a worker that hit its memory limit is pages long; the
  // call's failure says what happened instead.
  int null = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(in[0], 0);
    ::dup2(out[1], 1);
    if (null >= 0)
      ::dup2(null, 2);
    // None of integratord's descriptors (sockets, the store) reach it.
    ::close_range(3, ~0u, 0);
    if (::chdir(dir) != 0)
      ::_exit(126);
    ::execve(argv[0], argv.data(), no_env);
    ::_exit(127);
  }
  ::close(in[0]);
  ::close(out[1]);
  if (null >= 0)
    ::close(null);
  if (pid < 0) {
    ::close(in[1]);
    ::close(out[0]);
    why = "could not start a script worker (fork failed)";
    return false;
  }
  w.pid = pid;
  w.to = in[1];
  w.from = out[0];
  ::fcntl(w.to, F_SETFL, O_NONBLOCK);
  ::fcntl(w.from, F_SETFL, O_NONBLOCK);
  ++started_;
  return true;
}

user_code_answer script_pool::run(worker& w, const script_call& call) {
  auto named = "script " + call.script_id + ", function " + call.function;
  if (w.pid < 0) {
    std::string why;
    if (!spawn(w, why))
      return failed_answer("script_unavailable", why + "; " + named + " was not run", true);
  }
  std::uint64_t id;
  {
    std::lock_guard<std::mutex> guard(mutex_);
    id = ++next_id_;
  }
  json::object header{{"id", id},
                      {"scriptId", call.script_id},
                      {"hash", std::to_string(std::hash<std::string>{}(call.code)) + "-"
                                 + std::to_string(call.code.size())},
                      {"code", call.code},
                      {"function", call.function}};
  if (call.check_only)
    header["check"] = true;
  if (call.each_record)
    header["each"] = true;
  auto header_text = json::serialize(header);
  std::string frame;
  frame.reserve(8 + header_text.size() + call.options.size());
  put_length(frame, header_text.size());
  frame += header_text;
  put_length(frame, call.options.size());
  frame += call.options;

  auto deadline = clock::now() + std::chrono::milliseconds(limits_.time_ms);
  // Waits for `events` on `fd` until the deadline, in slices that notice a stop.
  auto wait_for = [&](int fd, short events) -> io {
    for (;;) {
      {
        std::lock_guard<std::mutex> guard(mutex_);
        if (stopping_)
          return io::stopping;
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now()).count();
      if (left <= 0)
        return io::timed_out;
      pollfd p{fd, events, 0};
      int n = ::poll(&p, 1, static_cast<int>(std::min<long long>(left, poll_slice_ms)));
      if (n > 0)
        return (p.revents & events) ? io::done : io::closed;
    }
  };
  auto failed = [&](io what) -> user_code_answer {
    if (what == io::stopping) {
      w.kill();
      return failed_answer("script_unavailable", "integratord is stopping; " + named + " was stopped");
    }
    if (what == io::timed_out) {
      w.kill();
      return failed_answer("script_timeout", named + " ran longer than " + std::to_string(limits_.time_ms / 1000)
                                               + " s and was stopped");
    }
    int status = w.reap();
    std::string how = WIFSIGNALED(status) ? "was killed by signal " + std::to_string(WTERMSIG(status))
                                          : "exited with status " + std::to_string(WEXITSTATUS(status));
    return failed_answer("script_crashed", named + ": its worker " + how + " (it ran out of memory, the limit "
                                             "being " + std::to_string(limits_.memory_mb)
                                             + " MB, or crashed); the next call gets a new worker");
  };

  for (std::size_t sent = 0; sent < frame.size();) {
    auto n = ::write(w.to, frame.data() + sent, frame.size() - sent);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno != EAGAIN && errno != EINTR)
      return failed(io::closed);
    if (auto r = wait_for(w.to, POLLOUT); r != io::done)
      return failed(r);
  }

  // The answer: [len][header][len][result].
  std::string in;
  std::size_t need = 4;
  std::size_t header_len = 0, result_len = 0;
  int part = 0;  // 0: header length, 1: header + result length, 2: result
  constexpr std::size_t read_size = 65536;
  for (;;) {
    while (in.size() >= need) {
      if (part == 0) {
        header_len = get_length(in.data());
        if (header_len > max_frame)
          return failed_answer("script_error", (w.kill(), named + ": its answer is too large"));
        need = 4 + header_len + 4;
        part = 1;
      } else if (part == 1) {
        result_len = get_length(in.data() + 4 + header_len);
        if (result_len > max_frame)
          return failed_answer("response_size_exceeded", (w.kill(), named + " returned more than 64 MB"));
        need = 8 + header_len + result_len;
        part = 2;
      } else {
        boost::system::error_code ec;
        auto h = json::parse(std::string_view(in).substr(4, header_len), ec);
        if (ec || !h.is_object())
          return failed_answer("script_error", (w.kill(), named + ": the worker's answer is unreadable"));
        const auto& o = h.get_object();
        user_code_answer a;
        a.ok = o.contains("ok") && o.at("ok").is_bool() && o.at("ok").get_bool();
        if (const auto* c = o.if_contains("code"); c && c->is_string())
          a.code = c->get_string();
        if (const auto* m = o.if_contains("message"); m && m->is_string())
          a.message = m->get_string();
        if (!a.ok && a.message.empty())
          a.message = named + " failed";
        if (const auto* logs = o.if_contains("logs"); logs && logs->is_array() && !logs->get_array().empty())
          a.logs = json::serialize(*logs);
        a.returned = in.substr(8 + header_len, result_len);
        return a;
      }
    }
    // Straight into `in`, as much as the answer still needs (at least 64 KB).
    auto had = in.size();
    in.resize(had + std::max<std::size_t>(need - std::min(need, had), read_size));
    auto n = ::read(w.from, in.data() + had, in.size() - had);
    in.resize(had + static_cast<std::size_t>(std::max<ssize_t>(n, 0)));
    if (n > 0)
      continue;
    if (n == 0 || (errno != EAGAIN && errno != EINTR))
      return failed(io::closed);
    if (auto r = wait_for(w.from, POLLIN); r != io::done)
      return failed(r);
  }
}

}  // namespace integrator
