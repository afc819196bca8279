#pragma once
// The HTTP/1.1 frontend: keep-alive and pipelining (answers in request
// order), size limits, read and idle timeouts, graceful shutdown, HTTPS
// when given a certificate. Every
// request is turned into an api_call and answered through the gateway;
// this layer holds no state of its own beyond connections.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace integrator {

class gateway;

struct http_limits {
  /// Largest body; larger requests get 413 and the connection closes.
  std::uint64_t body_limit = 5 * 1024 * 1024;
  /// Largest request line plus headers; larger gets 413.
  std::uint32_t header_limit = 16 * 1024;
  /// Time to receive one request once its first byte arrived, and to
  /// write one response.
  std::chrono::seconds read_timeout{30};
  /// Time a keep-alive connection may wait for its next request.
  std::chrono::seconds idle_timeout{60};
  /// Requests read ahead of their answers on one connection.
  std::size_t pipeline_depth = 16;
  /// Failed authentications (401) a client address may have in a burst,
  /// and how many more per second; beyond that its requests get 429.
  double auth_failure_burst = 20;
  double auth_failure_rate = 1;
};

class http_server {
public:
  /// `gw` must outlive the server. `threads` run all connections.
  http_server(gateway& gw, http_limits limits, std::size_t threads, bool test_hooks);
  ~http_server();

  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;

  /// Serves HTTPS (TLS 1.2+) with a PEM certificate chain and key; call
  /// before start(). Throws std::runtime_error when the files cannot be
  /// read or do not match.
  void use_tls(const std::string& cert_file, const std::string& key_file);

  /// Binds `host:port` (port 0: any free port), starts accepting and the
  /// threads; returns the bound port. Throws std::runtime_error on failure.
  unsigned short start(const std::string& host, unsigned short port);

  /// Stops accepting, answers requests already received (with
  /// "Connection: close"), closes idle connections, waits up to `grace`
  /// for the rest, then stops the threads. Idempotent.
  void shutdown(std::chrono::seconds grace);

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace integrator
