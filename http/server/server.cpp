#include "http/server/server.hpp"

#include <pthread.h>

#include <atomic>
#include <deque>
#include <iostream>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <vector>

#include "actors/gateway.hpp"
#include "core/util/failure_limiter.hpp"
#include "http/server/beast.hpp"

#include <boost/asio/ssl.hpp>

namespace integrator {

namespace {

using tcp = net::ip::tcp;
using clock = std::chrono::steady_clock;

// What the server asks of a connection, whatever stream it runs on.
class session_base {
public:
  virtual ~session_base() = default;
  virtual void check_deadline(clock::time_point now) = 0;
  virtual void stop() = 0;
};

// State every connection of one server shares.
struct server_shared {
  server_shared(gateway& g, http_limits l, bool hooks)
    : gw(g), limits(l), test_hooks(hooks),
      auth_failures({.capacity = l.auth_failure_burst, .fill_rate = l.auth_failure_rate}) {}

  gateway& gw;
  http_limits limits;
  bool test_hooks;

  /// Seconds `peer` must wait after too many failed authentications.
  std::optional<std::int64_t> auth_refused(const std::string& peer) {
    std::lock_guard<std::mutex> guard(auth_mutex);
    return auth_failures.refused(peer, clock::now().time_since_epoch());
  }
  void auth_failed(const std::string& peer) {
    std::lock_guard<std::mutex> guard(auth_mutex);
    auth_failures.failed(peer, clock::now().time_since_epoch());
  }
  std::mutex auth_mutex;
  failure_limiter auth_failures;

  std::atomic<bool> stopping{false};
  std::atomic<std::size_t> open_sessions{0};
  std::mutex sessions_mutex;
  std::vector<std::weak_ptr<session_base>> sessions;
};

// The TCP socket under a connection's stream (plain, or TLS over TCP).
tcp::socket& tcp_of(tcp::socket& s) { return s; }
tcp::socket& tcp_of(net::ssl::stream<tcp::socket>& s) { return s.next_layer(); }

void fail(beast::error_code ec, const char* what) {
  if (ec == net::error::operation_aborted || ec == beast::error::timeout || ec == net::error::eof
      || ec == net::error::connection_reset || ec == bhttp::error::end_of_stream)
    return;
  std::cerr << "integratord: http " << what << ": " << ec.message() << "\n";
}

// One connection over `Stream`: a tcp::socket, or an ssl::stream over one.
// All members are touched only on its io_context's thread.
template <class Stream>
class session : public session_base, public std::enable_shared_from_this<session<Stream>> {
public:
  template <class... Args>
  session(server_shared& shared, Args&&... stream_args)
    : socket_(std::forward<Args>(stream_args)...), shared_(shared) {
    ++shared_.open_sessions;
    beast::error_code ec;
    peer_ = tcp_of(socket_).remote_endpoint(ec).address().to_string();
  }

  ~session() override { --shared_.open_sessions; }

  void run() {
    net::dispatch(socket_.get_executor(), [self = this->shared_from_this()] {
      if constexpr (std::is_same_v<Stream, tcp::socket>) {
        self->do_read();
      } else {
        // The handshake is bounded like a request: a client that stalls in
        // it is closed by the sweeper.
        self->reading_ = true;
        self->read_deadline_ = clock::now() + self->shared_.limits.read_timeout;
        self->socket_.async_handshake(net::ssl::stream_base::server, [self](beast::error_code ec) {
          self->reading_ = false;
          if (ec || self->closed_)
            return self->close();  // not logged: any client can fail a handshake, as often as it likes
          self->do_read();
        });
      }
    });
  }

  /// Called by the server's sweeper: closes the connection when its current
  /// read or write has run past its deadline. One sweep timer per server
  /// replaces a timer per operation (two per request, each with its own
  /// completion to run).
  void check_deadline(clock::time_point now) override {
    net::post(socket_.get_executor(), [self = this->shared_from_this(), now] {
      // A client waiting for an answer is not idle: the idle wait for its
      // next request starts once the answers are out (write_next).
      bool answering = self->waiting_ && !self->queue_.empty();
      bool late = (self->reading_ && !answering && now > self->read_deadline_)
                  || (self->writing_ && now > self->write_deadline_);
      if (!self->closed_ && late)
        self->close();
    });
  }

  /// Called at shutdown: close now when idle, else after the answers.
  void stop() override {
    net::post(socket_.get_executor(), [self = this->shared_from_this()] {
      self->closing_ = true;
      if (self->queue_.empty() && (self->waiting_ || !self->reading_))
        self->close();
    });
  }

private:
  struct slot {
    std::optional<wire_response> res;
    bool head = false;  ///< answers a HEAD request: no body
  };

  void do_read() {
    if (reading_ || closing_ || held_ || queue_.size() >= shared_.limits.pipeline_depth)
      return;
    if (shared_.stopping) {
      closing_ = true;
      if (queue_.empty())
        close();
      return;
    }
    reading_ = true;
    parser_.emplace();
    parser_->body_limit(shared_.limits.body_limit);
    parser_->header_limit(shared_.limits.header_limit);
    if (buffer_.size() == 0) {
      // No byte of the next request yet: wait for one. Only now may a
      // shutdown close the connection without cutting a request in half.
      waiting_ = true;
      read_deadline_ = clock::now() + shared_.limits.idle_timeout;
      socket_.async_read_some(buffer_.prepare(4096),
                              [self = this->shared_from_this()](beast::error_code ec, std::size_t n) {
                                self->waiting_ = false;
                                if (ec) {
                                  self->reading_ = false;
                                  fail(ec, "read");
                                  return self->close();
                                }
                                self->buffer_.commit(n);
                                self->read_request();
                              });
      return;
    }
    read_request();
  }

  void read_request() {
    read_deadline_ = clock::now() + shared_.limits.read_timeout;
    bhttp::async_read(socket_, buffer_, *parser_,
                      [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                        self->on_read(ec);
                      });
  }

  void on_read(beast::error_code ec) {
    reading_ = false;
    if (closed_)
      return;  // closed by the sweeper or at shutdown
    if (ec == bhttp::error::end_of_stream || ec == net::error::eof) {
      closing_ = true;
      if (queue_.empty())
        close();
      return;
    }
    if (ec == bhttp::error::body_limit || ec == bhttp::error::header_limit) {
      bool body = ec == bhttp::error::body_limit;
      return answer_and_close(error_response(
        error_code::payload_too_large,
        body ? "Request body larger than " + std::to_string(shared_.limits.body_limit) + " bytes"
             : "Request headers larger than " + std::to_string(shared_.limits.header_limit)
                 + " bytes",
        11, false));
    }
    if (ec == beast::error::timeout) {
      closing_ = true;
      if (queue_.empty())
        close();
      return;
    }
    if (ec) {
      fail(ec, "parse");
      return answer_and_close(
        error_response(error_code::invalid_request, "Malformed HTTP request: " + ec.message(), 11, false));
    }
    auto req = parser_->release();
    auto s = std::make_shared<slot>();
    s->head = req.method() == bhttp::verb::head;
    queue_.push_back(s);
    // RFC 9112 §9.3.2: only safe requests may run in parallel. An unsafe
    // one waits for those before it, and everything after it waits for it.
    if (unsafe_pending_ || (!is_safe(req) && pending_ > 0)) {
      held_.emplace(std::move(req), s);
      return;  // read no further until it is released
    }
    start(std::move(req), s);
    do_read();
  }

  static bool is_safe(const http_request& req) {
    return req.method() == bhttp::verb::get || req.method() == bhttp::verb::head;
  }

  void start(http_request req, std::shared_ptr<slot> s) {
    bool safe = is_safe(req);
    ++pending_;
    unsafe_pending_ = unsafe_pending_ || !safe;
    auto complete = [self = this->shared_from_this(), s, safe](wire_response res) {
      net::post(self->socket_.get_executor(), [self, s, safe, res = std::move(res)]() mutable {
        if (self->shared_.stopping)  // answered with "Connection: close"
          res.keep_alive(false);
        s->res.emplace(std::move(res));
        --self->pending_;
        if (!safe)
          self->unsafe_pending_ = false;
        self->release_held();
        self->write_next();
      });
    };
    // An address that keeps presenting bad tokens is refused before its
    // requests reach the actors.
    if (auto wait = shared_.auth_refused(peer_)) {
      auto res = error_response(error_code::rate_limited,
                                "Too many failed authentications from this address; retry in "
                                  + std::to_string(*wait) + " s",
                                req.version(), req.keep_alive());
      res.set("Retry-After", std::to_string(*wait));
      return complete(std::move(res));
    }
    dispatch(shared_.gw, shared_.test_hooks, std::move(req),
             [self = this->shared_from_this(), complete = std::move(complete)](wire_response res) mutable {
               if (res.status() == 401)
                 self->shared_.auth_failed(self->peer_);
               complete(std::move(res));
             });
  }

  void release_held() {
    if (!held_ || unsafe_pending_ || (!is_safe(held_->first) && pending_ > 0))
      return;
    auto [req, s] = std::move(*held_);
    held_.reset();
    start(std::move(req), std::move(s));
    do_read();
  }

  void answer_and_close(wire_response res) {
    closing_ = true;
    auto s = std::make_shared<slot>();
    res.keep_alive(false);
    s->res.emplace(std::move(res));
    queue_.push_back(s);
    write_next();
  }

  void write_next() {
    if (writing_ || queue_.empty() || !queue_.front()->res)
      return;
    writing_ = true;
    auto s = queue_.front();
    write_deadline_ = clock::now() + shared_.limits.read_timeout;
    net::async_write(socket_, s->res->seal(s->head),
                     [self = this->shared_from_this(), s](beast::error_code ec, std::size_t) {
                       self->writing_ = false;
                       self->queue_.pop_front();
                       if (ec) {
                         fail(ec, "write");
                         return self->close();
                       }
                       if (!s->res->keep_alive()) {
                         self->closing_ = true;
                         return self->close();
                       }
                       if (self->queue_.empty() && self->closing_
                           && (!self->reading_ || self->waiting_))
                         return self->close();
                       if (self->queue_.empty() && self->waiting_)
                         self->read_deadline_ = clock::now() + self->shared_.limits.idle_timeout;
                       self->write_next();
                       self->do_read();
                     });
  }

  void close() {
    if (closed_)
      return;
    closed_ = true;
    // TLS: no close_notify exchange. Every answer is framed by its
    // Content-Length, so a cut cannot pass for a shorter answer, and a
    // client that never answers the alert cannot hold the connection.
    beast::error_code ec;
    tcp_of(socket_).shutdown(tcp::socket::shutdown_both, ec);
    tcp_of(socket_).close(ec);
  }

  Stream socket_;
  server_shared& shared_;
  std::string peer_;  ///< the client's address, for the failed-authentication limit
  beast::flat_buffer buffer_;
  // A read and a write may be under way at once (pipelining); each has its
  // own deadline, so an answer sent does not cut short the idle wait for
  // the next request.
  clock::time_point read_deadline_ = clock::time_point::max();
  clock::time_point write_deadline_ = clock::time_point::max();
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::deque<std::shared_ptr<slot>> queue_;
  std::optional<std::pair<http_request, std::shared_ptr<slot>>> held_;  ///< waits its turn
  std::size_t pending_ = 0;      ///< dispatched, not yet answered
  bool unsafe_pending_ = false;  ///< a non-GET among them
  bool reading_ = false;
  bool waiting_ = false;
  bool writing_ = false;
  bool closing_ = false;
  bool closed_ = false;
};

// Runs `ctx` until stopped. An answer from the actors arrives microseconds
// after its request left; instead of blocking in epoll at once (and paying a
// wake-up per answer), the thread first polls for a short while, yielding
// the core to any runnable thread between polls.
void run_spinning(net::io_context& ctx) {
  using clock = std::chrono::steady_clock;
  constexpr auto spin = std::chrono::microseconds(50);
  while (!ctx.stopped()) {
    if (ctx.poll() > 0)
      continue;
    auto until = clock::now() + spin;
    bool worked = false;
    while (clock::now() < until && !ctx.stopped()) {
      std::this_thread::yield();
      if (ctx.poll() > 0) {
        worked = true;
        break;
      }
    }
    if (!worked)
      ctx.run_one();
  }
}

}  // namespace

struct http_server::impl {
  // One io_context per thread: a connection lives on one thread, so its
  // handlers need no strand and Asio takes no locks on its hot path.
  std::vector<std::unique_ptr<net::io_context>> contexts;
  std::vector<std::optional<net::executor_work_guard<net::io_context::executor_type>>> work;
  tcp::acceptor acceptor;
  server_shared shared;
  std::vector<std::thread> threads;
  std::size_t next_context = 0;
  bool stopped = false;
  std::optional<net::steady_timer> sweeper;
  std::unique_ptr<net::ssl::context> tls;  ///< set: every connection speaks TLS
  // Accept failures (out of descriptors): wait, log once per interval.
  std::optional<net::steady_timer> accept_pause;
  clock::time_point accept_logged{};
  std::size_t accept_failures = 0;

  /// Every half second, asks each connection to check its deadline and the
  /// gateway to answer calls that waited too long.
  void sweep() {
    sweeper->expires_after(std::chrono::milliseconds(500));
    sweeper->async_wait([this](beast::error_code ec) {
      if (ec)
        return;
      auto now = clock::now();
      std::vector<std::shared_ptr<session_base>> live;
      {
        std::lock_guard<std::mutex> guard(shared.sessions_mutex);
        std::erase_if(shared.sessions, [](auto& w) { return w.expired(); });
        for (auto& w : shared.sessions)
          if (auto s = w.lock())
            live.push_back(std::move(s));
      }
      for (auto& s : live)
        s->check_deadline(now);
      shared.gw.expire_overdue();
      sweep();
    });
  }

  static std::vector<std::unique_ptr<net::io_context>> make_contexts(std::size_t n) {
    std::vector<std::unique_ptr<net::io_context>> out;
    for (std::size_t i = 0; i < n; ++i)
      out.push_back(std::make_unique<net::io_context>(1));
    return out;
  }

  impl(gateway& gw, http_limits limits, std::size_t threads, bool test_hooks)
    : contexts(make_contexts(threads)),
      acceptor(*contexts[0]),
      shared(gw, limits, test_hooks) {}

  void accept() {
    auto& target = *contexts[next_context++ % contexts.size()];
    acceptor.async_accept(target, [this](beast::error_code ec, tcp::socket socket) {
      if (!acceptor.is_open() || ec == net::error::operation_aborted)
        return;
      if (ec)
        return pause_accepting(ec);
      socket.set_option(tcp::no_delay(true), ec);
      if (tls)
        open_session(std::make_shared<session<net::ssl::stream<tcp::socket>>>(shared, std::move(socket), *tls));
      else
        open_session(std::make_shared<session<tcp::socket>>(shared, std::move(socket)));
      accept();
    });
  }

  template <class Session>
  void open_session(std::shared_ptr<Session> s) {
    {
      std::lock_guard<std::mutex> guard(shared.sessions_mutex);
      shared.sessions.push_back(s);
    }
    s->run();
  }

  // Out of file descriptors (EMFILE, ENFILE) or memory, accept fails at
  // once for as long as the pending connection waits: retrying at once spun
  // a core and wrote millions of log lines. Wait a little instead, keep
  // serving the open connections (they free descriptors as they close), and
  // say so once per interval.
  void pause_accepting(beast::error_code ec) {
    ++accept_failures;
    auto now = clock::now();
    if (now - accept_logged >= std::chrono::seconds(10)) {
      std::cerr << "integratord: cannot accept connections: " << ec.message() << " (" << accept_failures
                << " times since the last report); retrying every 100 ms\n";
      accept_logged = now;
      accept_failures = 0;
    }
    accept_pause->expires_after(std::chrono::milliseconds(100));
    accept_pause->async_wait([this](beast::error_code waited) {
      if (!waited && acceptor.is_open())
        accept();
    });
  }
};

http_server::http_server(gateway& gw, http_limits limits, std::size_t threads, bool test_hooks)
  : impl_(std::make_unique<impl>(gw, limits, threads == 0 ? 1 : threads, test_hooks)) {
  // nop
}

http_server::~http_server() {
  shutdown(std::chrono::seconds(0));
}

void http_server::use_tls(const std::string& cert_file, const std::string& key_file) {
  auto ctx = std::make_unique<net::ssl::context>(net::ssl::context::tls_server);
  // TLS 1.2 and later only.
  ctx->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2
                   | net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1
                   | net::ssl::context::no_tlsv1_1 | net::ssl::context::single_dh_use);
  beast::error_code ec;
  ctx->use_certificate_chain_file(cert_file, ec);
  if (ec)
    throw std::runtime_error("cannot read the TLS certificate " + cert_file + ": " + ec.message());
  ctx->use_private_key_file(key_file, net::ssl::context::pem, ec);
  if (ec)
    throw std::runtime_error("cannot read the TLS key " + key_file + ": " + ec.message());
  if (SSL_CTX_check_private_key(ctx->native_handle()) != 1)
    throw std::runtime_error("the TLS key " + key_file + " does not match the certificate " + cert_file);
  impl_->tls = std::move(ctx);
}

unsigned short http_server::start(const std::string& host, unsigned short port) {
  beast::error_code ec;
  auto address = net::ip::make_address(host, ec);
  if (ec)
    throw std::runtime_error("bad listen address '" + host + "': " + ec.message());
  tcp::endpoint ep{address, port};
  auto& a = impl_->acceptor;
  a.open(ep.protocol(), ec);
  if (!ec)
    a.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec)
    a.bind(ep, ec);
  if (!ec)
    a.listen(net::socket_base::max_listen_connections, ec);
  if (ec)
    throw std::runtime_error("cannot listen on " + host + ":" + std::to_string(port) + ": "
                             + ec.message());
  auto bound = a.local_endpoint().port();
  for (auto& ctx : impl_->contexts)
    impl_->work.emplace_back(ctx->get_executor());
  impl_->accept_pause.emplace(*impl_->contexts[0]);
  impl_->accept();
  impl_->sweeper.emplace(*impl_->contexts[0]);
  impl_->sweep();
  for (auto& ctx : impl_->contexts)
    impl_->threads.emplace_back([c = ctx.get()] {
      pthread_setname_np(pthread_self(), "http");  // for top -H and bench/cpu_split.py
      run_spinning(*c);
    });
  return bound;
}

void http_server::shutdown(std::chrono::seconds grace) {
  if (impl_->stopped)
    return;
  impl_->stopped = true;
  impl_->shared.stopping = true;
  net::post(*impl_->contexts[0], [this] {
    beast::error_code ec;
    impl_->acceptor.close(ec);
    impl_->sweeper->cancel();
    impl_->accept_pause->cancel();
  });
  std::vector<std::shared_ptr<session_base>> live;
  {
    std::lock_guard<std::mutex> guard(impl_->shared.sessions_mutex);
    for (auto& w : impl_->shared.sessions)
      if (auto s = w.lock())
        live.push_back(std::move(s));
    impl_->shared.sessions.clear();
  }
  for (auto& s : live)
    s->stop();
  live.clear();
  auto deadline = std::chrono::steady_clock::now() + grace;
  while (impl_->shared.open_sessions > 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  impl_->work.clear();
  for (auto& ctx : impl_->contexts)
    ctx->stop();
  for (auto& t : impl_->threads)
    if (t.joinable())
      t.join();
  impl_->threads.clear();
}

}  // namespace integrator
