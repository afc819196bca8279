#pragma once
// A small blocking HTTP/1.1 client for the integration tests: one
// keep-alive connection, plus raw byte access for protocol tests.

#include <boost/json/value.hpp>

#include <map>
#include <memory>
#include <string>

namespace integrator::test {

struct http_response {
  unsigned status = 0;
  std::map<std::string, std::string> headers;  ///< names in lower case
  std::string body;

  boost::json::value json() const;
  std::string header(const std::string& lower_name) const;
  /// The first error's code, or "".
  std::string error_code() const;
};

class http_client {
public:
  http_client(const std::string& host, unsigned short port);
  ~http_client();
  http_client(http_client&&) noexcept;
  /// A client for another address (a restarted server's new port).
  http_client& operator=(http_client&&) noexcept;

  /// Sends one request and reads its response (reconnects when closed).
  /// A body goes as application/json unless `headers` say otherwise; a
  /// header given with an empty value is left out.
  http_response request(const std::string& method, const std::string& target,
                        const std::string& body = {},
                        const std::map<std::string, std::string>& headers = {});

  /// Writes raw bytes on the connection.
  void send_raw(const std::string& bytes);
  /// Reads one response from the connection.
  http_response read_response();
  /// Every byte until the server closes the connection (or `ms` pass).
  std::string read_until_closed(int ms = 2000);
  /// True when the server closed the connection (reads EOF within `ms`).
  bool closed_by_server(int ms = 2000);

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace integrator::test
