#include "tests/integration/http_client.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include <poll.h>

#include <algorithm>
#include <chrono>
#include <optional>

namespace integrator::test {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

boost::json::value http_response::json() const {
  // Deep enough for anything the server may answer (its own limit is 256).
  boost::json::parse_options options;
  options.max_depth = 4096;
  return boost::json::parse(body, {}, options);
}

std::string http_response::header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? "" : it->second;
}

std::string http_response::error_code() const {
  boost::system::error_code ec;
  auto v = boost::json::parse(body, ec);
  if (ec || !v.is_object() || !v.as_object().contains("errors"))
    return "";
  return std::string(v.at("errors").at(0).at("code").as_string());
}

struct http_client::impl {
  net::io_context ioc;
  std::string host;
  unsigned short port;
  std::optional<beast::tcp_stream> stream;
  beast::flat_buffer buffer;

  void connect() {
    stream.emplace(ioc);
    stream->connect(net::ip::tcp::endpoint(net::ip::make_address(host), port));
    buffer.clear();
  }
};

http_client::http_client(const std::string& host, unsigned short port) : impl_(new impl) {
  impl_->host = host;
  impl_->port = port;
  impl_->connect();
}

http_client::~http_client() = default;
http_client::http_client(http_client&&) noexcept = default;
http_client& http_client::operator=(http_client&&) noexcept = default;

void http_client::send_raw(const std::string& bytes) {
  net::write(impl_->stream->socket(), net::buffer(bytes));
}

http_response http_client::read_response() {
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  impl_->stream->expires_after(std::chrono::seconds(30));
  http::read(*impl_->stream, impl_->buffer, parser);
  auto res = parser.release();
  http_response out;
  out.status = res.result_int();
  for (const auto& f : res) {
    std::string name(f.name_string());
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    out.headers[name] = std::string(f.value());
  }
  out.body = std::move(res.body());
  return out;
}

namespace {

// Beast's expiry applies to asynchronous operations only: a blocking read
// waits for the socket to become readable first, up to `ms`.
bool readable_within(net::ip::tcp::socket& socket, int ms) {
  pollfd p{socket.native_handle(), POLLIN, 0};
  return ::poll(&p, 1, ms) > 0;
}

}  // namespace

std::string http_client::read_until_closed(int ms) {
  auto data = impl_->buffer.data();
  std::string out(static_cast<const char*>(data.data()), data.size());
  impl_->buffer.clear();
  auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  char chunk[4096];
  beast::error_code ec;
  while (!ec) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      until - std::chrono::steady_clock::now());
    if (left.count() <= 0 || !readable_within(impl_->stream->socket(), int(left.count())))
      break;
    out.append(chunk, impl_->stream->socket().read_some(net::buffer(chunk), ec));
  }
  return out;
}

bool http_client::closed_by_server(int ms) {
  if (!readable_within(impl_->stream->socket(), ms))
    return false;
  char c;
  beast::error_code ec;
  impl_->stream->socket().read_some(net::buffer(&c, 1), ec);
  return ec == net::error::eof || ec == net::error::connection_reset;
}

http_response http_client::request(const std::string& method, const std::string& target,
                                   const std::string& body,
                                   const std::map<std::string, std::string>& headers) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    try {
      http::request<http::string_body> req{http::string_to_verb(method), target, 11};
      req.set(http::field::host, impl_->host + ":" + std::to_string(impl_->port));
      if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
        req.body() = body;
        req.set(http::field::content_type, "application/json");
      }
      // The caller's headers win; an empty value leaves the header out.
      for (const auto& [k, v] : headers)
        if (v.empty())
          req.erase(k);
        else
          req.set(k, v);
      req.prepare_payload();
      impl_->stream->expires_after(std::chrono::seconds(30));
      http::write(*impl_->stream, req);
      auto res = read_response();
      if (res.header("connection") == "close")
        impl_->connect();
      return res;
    } catch (const boost::system::system_error&) {
      if (attempt == 1)
        throw;
      impl_->connect();
    }
  }
  return {};
}

}  // namespace integrator::test
