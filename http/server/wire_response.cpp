#include "http/server/wire_response.hpp"

#include <boost/beast/http/status.hpp>

namespace integrator {

namespace {

// 1xx, 204 and 304 carry no body (RFC 9110 §6.4.1). They get no
// Content-Length either: §8.6 forbids it for 1xx and 204, and for 304 it
// would describe a representation that is not sent.
bool bodiless(unsigned status) {
  return status < 200 || status == 204 || status == 304;
}

}  // namespace

wire_response::wire_response(unsigned status, unsigned version, bool keep_alive)
  : status_(status), version_(version), keep_alive_(keep_alive) {
  auto reason = boost::beast::http::obsolete_reason(static_cast<boost::beast::http::status>(status));
  head_.reserve(160);
  head_ += version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
  head_ += std::to_string(status);
  head_ += ' ';
  head_.append(reason.data(), reason.size());
  head_ += "\r\n";
}

void wire_response::set(std::string_view name, std::string_view value) {
  head_.append(name);
  head_ += ": ";
  head_.append(value);
  head_ += "\r\n";
}

void wire_response::body(std::string text, std::string_view content_type) {
  set("Content-Type", content_type);
  body_ = std::move(text);
}

std::array<boost::asio::const_buffer, 3> wire_response::seal(bool head_request) {
  framing_.clear();
  if (!bodiless(status_)) {
    framing_ += "Content-Length: ";
    framing_ += std::to_string(body_.size());
    framing_ += "\r\n";
  }
  // HTTP/1.1 keeps the connection unless told; HTTP/1.0 closes it unless told.
  if (version_ == 10 && keep_alive_)
    framing_ += "Connection: keep-alive\r\n";
  else if (version_ != 10 && !keep_alive_)
    framing_ += "Connection: close\r\n";
  framing_ += "\r\n";
  bool send_body = !head_request && !bodiless(status_);
  return {boost::asio::buffer(head_), boost::asio::buffer(framing_),
          boost::asio::buffer(body_.data(), send_body ? body_.size() : 0)};
}

}  // namespace integrator
