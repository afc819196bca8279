#include "http/client/outbound_client.hpp"

#include <curl/curl.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <strings.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <queue>
#include <random>
#include <thread>
#include <cstring>
#include <vector>

#include "core/json/record_page.hpp"

namespace integrator {

namespace {

using steady = std::chrono::steady_clock;

struct exchange {
  outbound_request req;
  std::string gate;
  int limit = 1;
  retry_policy policy;
  outbound_client::completion done;
  int attempt = 0;
  std::size_t sent = 0;  ///< bytes of req.body handed to curl in this send
  outbound_response resp;
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
};

struct gate_state {
  int in_flight = 0;
  std::deque<std::unique_ptr<exchange>> waiting;
};

struct timer_entry {
  steady::time_point due;
  exchange* x;
  bool operator>(const timer_entry& o) const { return due > o.due; }
};

std::once_flag curl_global_once;

// A Content-Length above this is not trusted for reserving memory up front.
constexpr std::size_t max_reserved_body = 64u << 20;

std::size_t on_body(char* data, std::size_t size, std::size_t n, void* user) {
  static_cast<exchange*>(user)->resp.body.append(data, size * n);
  return size * n;
}

std::size_t on_header(char* data, std::size_t size, std::size_t n, void* user) {
  auto* x = static_cast<exchange*>(user);
  std::string_view line(data, size * n);
  if (line.starts_with("HTTP/")) {
    // A new response (after 100-continue or a redirect) starts over.
    x->resp.headers.clear();
    return size * n;
  }
  auto colon = line.find(':');
  if (colon == std::string_view::npos)
    return size * n;
  auto value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
    value.remove_prefix(1);
  while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' '))
    value.remove_suffix(1);
  auto name = line.substr(0, colon);
  if (name.size() == 14 && strncasecmp(name.data(), "Content-Length", 14) == 0) {
    // The body arrives in pieces: room for all of it at once, and for the
    // padding its JSON parser reads past the end (json_scan), so it is
    // neither regrown nor copied again to be parsed.
    std::size_t length = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), length);
    if (ec == std::errc() && length <= max_reserved_body)
      x->resp.body.reserve(length + json_padding);
  }
  x->resp.headers.emplace_back(std::string(name), std::string(value));
  return size * n;
}

// The body goes through a read callback, not CURLOPT_POSTFIELDS, so that
// curl must ask on_rewind() before it sends the request again by itself (it
// does when a reused keep-alive connection turns out closed): every send is
// an attempt, and none goes beyond the policy's limit.
std::size_t on_read(char* buffer, std::size_t size, std::size_t n, void* user) {
  auto* x = static_cast<exchange*>(user);
  auto take = std::min(size * n, x->req.body.size() - x->sent);
  std::memcpy(buffer, x->req.body.data() + x->sent, take);
  x->sent += take;
  return take;
}

int on_rewind(void* user, curl_off_t offset, int origin) {
  auto* x = static_cast<exchange*>(user);
  if (offset != 0 || origin != SEEK_SET)
    return CURL_SEEKFUNC_CANTSEEK;
  if (x->sent == 0)
    return CURL_SEEKFUNC_OK;  // nothing sent yet: not a new attempt
  if (x->attempt >= x->policy.max_attempts)
    return CURL_SEEKFUNC_FAIL;  // the transfer fails: attempts used up
  ++x->attempt;
  x->sent = 0;
  return CURL_SEEKFUNC_OK;
}

}  // namespace

struct outbound_client::impl {
  ~impl();
  void open_loop();
  void stop_loop();

  CURLM* multi = nullptr;
  std::thread loop;
  std::atomic<bool> stopping{false};

  mutable std::mutex inbox_mutex;
  std::vector<std::unique_ptr<exchange>> inbox;
  std::atomic<std::size_t> open{0};

  // Loop-thread state.
  std::map<std::string, gate_state> gates;
  std::map<CURL*, std::unique_ptr<exchange>> running;
  std::priority_queue<timer_entry, std::vector<timer_entry>, std::greater<>> timers;
  std::map<exchange*, std::unique_ptr<exchange>> sleeping;
  std::vector<CURL*> spare;
  std::minstd_rand rng{std::random_device{}()};

  CURL* take_easy() {
    if (!spare.empty()) {
      CURL* e = spare.back();
      spare.pop_back();
      curl_easy_reset(e);
      return e;
    }
    return curl_easy_init();
  }

  void start(std::unique_ptr<exchange> x) {
    ++x->attempt;
    x->resp = outbound_response{};
    x->easy = take_easy();
    CURL* e = x->easy;
    curl_easy_setopt(e, CURLOPT_URL, x->req.url.c_str());
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, x->req.method.c_str());
    if (x->req.method == "HEAD")
      curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
    x->sent = 0;
    if (!x->req.body.empty() || x->req.method == "POST" || x->req.method == "PUT"
        || x->req.method == "PATCH") {
      curl_easy_setopt(e, CURLOPT_POST, 1L);
      curl_easy_setopt(e, CURLOPT_READFUNCTION, on_read);
      curl_easy_setopt(e, CURLOPT_READDATA, x.get());
      curl_easy_setopt(e, CURLOPT_SEEKFUNCTION, on_rewind);
      curl_easy_setopt(e, CURLOPT_SEEKDATA, x.get());
      curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(x->req.body.size()));
    }
    if (x->headers) {
      curl_slist_free_all(x->headers);
      x->headers = nullptr;
    }
    for (const auto& [k, v] : x->req.headers)
      x->headers = curl_slist_append(x->headers, (k + ": " + v).c_str());
    // No 100-continue round trip before bodies.
    x->headers = curl_slist_append(x->headers, "Expect:");
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, x->headers);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, x.get());
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, x.get());
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(x->req.timeout_ms));
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(std::min<std::int64_t>(x->req.timeout_ms, 30000)));
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, x->req.verify_tls ? 1L : 0L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, x->req.verify_tls ? 2L : 0L);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_PROXY, "");  // no proxy (and no environment look-up per request)
    curl_easy_setopt(e, CURLOPT_PRIVATE, x.get());
    curl_multi_add_handle(multi, e);
    running.emplace(e, std::move(x));
  }

  // Admits waiting exchanges of `gate` while it has free slots.
  void admit(const std::string& name) {
    auto it = gates.find(name);
    if (it == gates.end())
      return;
    auto& g = it->second;
    while (!g.waiting.empty() && g.in_flight < g.waiting.front()->limit) {
      auto x = std::move(g.waiting.front());
      g.waiting.pop_front();
      ++g.in_flight;
      start(std::move(x));
    }
    if (g.in_flight == 0 && g.waiting.empty())
      gates.erase(it);
  }

  void release(const std::string& name) {
    auto it = gates.find(name);
    if (it != gates.end())
      --it->second.in_flight;
    admit(name);
  }

  void finish(std::unique_ptr<exchange> x) {
    x->resp.attempts = x->attempt;
    if (x->headers) {
      curl_slist_free_all(x->headers);
      x->headers = nullptr;
    }
    --open;
    auto done = std::move(x->done);
    auto resp = std::move(x->resp);
    x.reset();
    if (done)
      done(std::move(resp));
  }

  void completed(CURLMsg* msg) {
    CURL* e = msg->easy_handle;
    auto node = running.extract(e);
    curl_multi_remove_handle(multi, e);
    if (node.empty())
      return;
    auto x = std::move(node.mapped());
    x->easy = nullptr;
    if (msg->data.result == CURLE_OK) {
      long code = 0;
      curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &code);
      x->resp.status = static_cast<int>(code);
    } else {
      x->resp.status = 0;
      x->resp.timed_out = msg->data.result == CURLE_OPERATION_TIMEDOUT;
      x->resp.transport_error =
          msg->data.result == CURLE_SEND_FAIL_REWIND  // on_rewind(): attempts used up
              ? std::string("connection error: the connection closed before an answer came")
              : std::string(x->resp.timed_out ? "timeout: " : "connection error: ")
                    + curl_easy_strerror(msg->data.result);
    }
    spare.push_back(e);
    std::string gate = x->gate;
    double jitter = std::uniform_real_distribution<double>(0.0, 1.0)(rng);
    auto wait = stopping ? std::nullopt : x->policy.delay_after(x->resp, x->attempt, jitter);
    if (wait) {
      // Sleeps without its slot, so other requests of the gate proceed.
      timers.push({steady::now() + std::chrono::milliseconds(*wait), x.get()});
      sleeping.emplace(x.get(), std::move(x));
    } else {
      finish(std::move(x));
    }
    release(gate);
  }

  void enqueue(std::unique_ptr<exchange> x) {
    auto& g = gates[x->gate];
    std::string name = x->gate;
    g.waiting.push_back(std::move(x));
    admit(name);
  }

  void fire_timers() {
    auto now = steady::now();
    while (!timers.empty() && timers.top().due <= now) {
      auto* raw = timers.top().x;
      timers.pop();
      auto node = sleeping.extract(raw);
      if (!node.empty())
        enqueue(std::move(node.mapped()));
    }
  }

  // -- the event loop: epoll over curl's sockets (curl_multi_socket_action),
  // so a wake-up costs what its sockets need, not a scan of every transfer.

  int epoll_fd = -1;
  int wake_fd = -1;               ///< eventfd: new submissions, stop
  long curl_timeout_ms = -1;      ///< curl's own timer; -1: none
  steady::time_point curl_due;

  static int on_socket(CURL*, curl_socket_t fd, int what, void* user, void* known) {
    auto* self = static_cast<impl*>(user);
    if (what == CURL_POLL_REMOVE) {
      epoll_ctl(self->epoll_fd, EPOLL_CTL_DEL, fd, nullptr);
      curl_multi_assign(self->multi, fd, nullptr);
      return 0;
    }
    epoll_event ev{};
    ev.events = ((what & CURL_POLL_IN) ? EPOLLIN : 0u) | ((what & CURL_POLL_OUT) ? EPOLLOUT : 0u);
    ev.data.fd = fd;
    if (known) {
      epoll_ctl(self->epoll_fd, EPOLL_CTL_MOD, fd, &ev);
    } else {
      epoll_ctl(self->epoll_fd, EPOLL_CTL_ADD, fd, &ev);
      curl_multi_assign(self->multi, fd, self);  // any non-null marks it known
    }
    return 0;
  }

  static int on_timer(CURLM*, long timeout_ms, void* user) {
    auto* self = static_cast<impl*>(user);
    self->curl_timeout_ms = timeout_ms;
    if (timeout_ms >= 0)
      self->curl_due = steady::now() + std::chrono::milliseconds(timeout_ms);
    return 0;
  }

  void wake() {
    std::uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(wake_fd, &one, sizeof one);
  }

  int wait_ms() const {
    auto now = steady::now();
    long long ms = 1000;
    if (!timers.empty())
      ms = std::min<long long>(ms, std::chrono::duration_cast<std::chrono::milliseconds>(
                                     timers.top().due - now).count());
    if (curl_timeout_ms >= 0)
      ms = std::min<long long>(ms, std::chrono::duration_cast<std::chrono::milliseconds>(
                                     curl_due - now).count());
    return static_cast<int>(std::clamp<long long>(ms, 0, 1000));
  }

  void collect() {
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi, &left))
      if (msg->msg == CURLMSG_DONE)
        completed(msg);
  }

  void run() {
    pthread_setname_np(pthread_self(), "outbound");  // for top -H and bench/cpu_split.py
    epoll_event events[64];
    int still = 0;
    while (!stopping) {
      std::vector<std::unique_ptr<exchange>> fresh;
      {
        std::lock_guard<std::mutex> guard(inbox_mutex);
        fresh.swap(inbox);
      }
      for (auto& x : fresh)
        enqueue(std::move(x));
      fire_timers();
      if (curl_timeout_ms >= 0 && steady::now() >= curl_due) {
        curl_timeout_ms = -1;
        curl_multi_socket_action(multi, CURL_SOCKET_TIMEOUT, 0, &still);
        collect();
        continue;  // handles added or finished may have set a new timer
      }
      int n = epoll_wait(epoll_fd, events, 64, wait_ms());
      for (int i = 0; i < n; ++i) {
        int fd = events[i].data.fd;
        if (fd == wake_fd) {
          std::uint64_t count;
          [[maybe_unused]] auto r = ::read(wake_fd, &count, sizeof count);
          continue;
        }
        int flags = ((events[i].events & EPOLLIN) ? CURL_CSELECT_IN : 0)
                    | ((events[i].events & EPOLLOUT) ? CURL_CSELECT_OUT : 0)
                    | ((events[i].events & (EPOLLERR | EPOLLHUP)) ? CURL_CSELECT_ERR : 0);
        curl_multi_socket_action(multi, fd, flags, &still);
      }
      collect();
    }
    drain();
  }

  // At shutdown every open exchange still completes, with an error.
  void drain() {
    auto fail = [this](std::unique_ptr<exchange> x) {
      x->resp = outbound_response{};
      x->resp.transport_error = "connection error: integratord is shutting down";
      finish(std::move(x));
    };
    for (auto& [e, x] : running) {
      curl_multi_remove_handle(multi, e);
      spare.push_back(e);
      fail(std::move(x));
    }
    running.clear();
    for (auto& [raw, x] : sleeping)
      fail(std::move(x));
    sleeping.clear();
    for (auto& [name, g] : gates)
      for (auto& x : g.waiting)
        fail(std::move(x));
    gates.clear();
    std::lock_guard<std::mutex> guard(inbox_mutex);
    for (auto& x : inbox)
      fail(std::move(x));
    inbox.clear();
  }
};

void outbound_client::impl::open_loop() {
  multi = curl_multi_init();
  curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, 256L);
  epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (epoll_fd < 0 || wake_fd < 0)
    throw std::runtime_error("outbound client: no epoll or eventfd");
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = wake_fd;
  epoll_ctl(epoll_fd, EPOLL_CTL_ADD, wake_fd, &ev);
  curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, &impl::on_socket);
  curl_multi_setopt(multi, CURLMOPT_SOCKETDATA, this);
  curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, &impl::on_timer);
  curl_multi_setopt(multi, CURLMOPT_TIMERDATA, this);
  loop = std::thread([this] { run(); });
}

void outbound_client::impl::stop_loop() {
  stopping = true;
  wake();
  if (loop.joinable())
    loop.join();
}

outbound_client::impl::~impl() {
  stop_loop();
  for (CURL* e : spare)
    curl_easy_cleanup(e);
  if (multi)
    curl_multi_cleanup(multi);
  if (epoll_fd >= 0)
    ::close(epoll_fd);
  if (wake_fd >= 0)
    ::close(wake_fd);
}

outbound_client::outbound_client(std::size_t loops) {
  std::call_once(curl_global_once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  for (std::size_t i = 0; i < std::max<std::size_t>(loops, 1); ++i) {
    loops_.push_back(std::make_unique<impl>());
    loops_.back()->open_loop();
  }
}

void outbound_client::stop() {
  for (auto& l : loops_)
    l->stop_loop();
}

outbound_client::~outbound_client() = default;

void outbound_client::submit(outbound_request req, std::string gate, int limit,
                             retry_policy policy, completion done) {
  // A gate's slots are split between the loops, so together they never
  // exceed its limit; a gate with fewer slots than loops stays on one.
  auto n = loops_.size();
  limit = std::max(limit, 1);
  std::size_t index;
  int share;
  if (static_cast<std::size_t>(limit) < n) {
    index = std::hash<std::string>{}(gate) % n;
    share = limit;
  } else {
    index = next_loop_++ % n;
    share = limit / static_cast<int>(n) + (index < static_cast<std::size_t>(limit) % n ? 1 : 0);
  }
  auto x = std::make_unique<exchange>();
  x->req = std::move(req);
  x->gate = std::move(gate);
  x->limit = share;
  x->policy = std::move(policy);
  x->done = std::move(done);
  auto& loop = *loops_[index];
  ++loop.open;
  bool first;
  {
    std::unique_lock<std::mutex> guard(loop.inbox_mutex);
    // After stop() nothing empties the inbox: an exchange left there would
    // keep its completion, and the actor handles in it, alive forever (the
    // actor system then waits for those actors at shutdown). drain() empties
    // the inbox under this mutex after `stopping` is set, so this check
    // misses nothing.
    if (loop.stopping) {
      guard.unlock();
      x->resp.transport_error = "connection error: integratord is shutting down";
      loop.finish(std::move(x));
      return;
    }
    first = loop.inbox.empty();
    loop.inbox.push_back(std::move(x));
  }
  // Whoever made the inbox non-empty woke the loop, and the loop empties it
  // before it waits again: a burst (a page's records, one POST each) costs
  // one wake-up, not one per request.
  if (first)
    loop.wake();
}

std::size_t outbound_client::pending() const {
  std::size_t n = 0;
  for (const auto& l : loops_)
    n += l->open.load();
  return n;
}

}  // namespace integrator
