#pragma once
// The HTTP/1.1 server loop the bench's own servers share (ceiling_server,
// flow_peer): Beast sessions with keep-alive, THREADS threads each with its
// own io_context, TCP_NODELAY, a request body of up to 64 MiB, SIGINT or
// SIGTERM to stop. `answer` turns a request into a response (it runs on
// any of the threads).

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

namespace bench {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

using request = http::request<http::string_body>;
using response = http::response<http::string_body>;
using answer_fn = std::function<void(request&, response&)>;

class session : public std::enable_shared_from_this<session> {
public:
  session(tcp::socket s, const answer_fn& answer) : stream_(std::move(s)), answer_(answer) {
    // Beast reads at most the buffer's free space (at least 512 bytes): an
    // empty buffer read a 130 KB page 1 KB per recv, 130 syscalls a page.
    buffer_.reserve(64 * 1024);
  }
  void run() { read(); }

private:
  void read() {
    parser_.emplace();
    parser_->body_limit(64 * 1024 * 1024);
    http::async_read(stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec)
        return;
      auto req = self->parser_->release();
      self->res_ = {http::status::ok, req.version()};
      self->res_.set(http::field::content_type, "application/json");
      self->res_.keep_alive(req.keep_alive());
      self->answer_(req, self->res_);
      self->res_.prepare_payload();
      http::async_write(self->stream_, self->res_, [self](beast::error_code ec, std::size_t) {
        if (!ec && self->res_.keep_alive())
          self->read();
      });
    });
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  response res_;
  const answer_fn& answer_;
};

// Each accepted connection goes to the next of `contexts` in turn.
inline void accept(tcp::acceptor& a, std::vector<std::unique_ptr<net::io_context>>& contexts,
                   std::size_t next, const answer_fn& answer) {
  auto& ioc = *contexts[next % contexts.size()];
  a.async_accept(net::make_strand(ioc), [&a, &contexts, next, &answer](beast::error_code ec, tcp::socket s) {
    if (!ec) {
      s.set_option(tcp::no_delay(true));
      std::make_shared<session>(std::move(s), answer)->run();
    }
    accept(a, contexts, next + 1, answer);
  });
}

/// Serves on 127.0.0.1:`port` (0: any; prints "ready PORT") until a signal.
/// Each thread runs its own io_context and serves the connections given
/// to it: no thread wakes another, and none waits on a shared queue's
/// lock (the peers share two cores with what they measure).
inline int serve(unsigned short port, int threads, const answer_fn& answer) {
  std::vector<std::unique_ptr<net::io_context>> contexts;
  for (int i = 0; i < std::max(threads, 1); ++i)
    contexts.push_back(std::make_unique<net::io_context>(1));
  auto& first = *contexts.front();
  tcp::acceptor acceptor(first, {net::ip::make_address("127.0.0.1"), port});
  accept(acceptor, contexts, 0, answer);
  // Each context keeps running while idle, until a signal stops them all.
  std::vector<net::executor_work_guard<net::io_context::executor_type>> awake;
  for (auto& c : contexts)
    awake.push_back(net::make_work_guard(*c));
  net::signal_set signals(first, SIGINT, SIGTERM);
  signals.async_wait([&](beast::error_code, int) {
    for (auto& c : contexts)
      c->stop();
  });
  std::cout << "ready " << acceptor.local_endpoint().port() << std::endl;
  std::vector<std::thread> pool;
  for (std::size_t i = 1; i < contexts.size(); ++i)
    pool.emplace_back([&, i] { contexts[i]->run(); });
  first.run();
  for (auto& t : pool)
    t.join();
  return 0;
}

}  // namespace bench
