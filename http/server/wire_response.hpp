#pragma once
// A response as the bytes that go on the wire. The answer is built once,
// on the thread that makes it (status line and fields in one string, the
// body in another), and the session sends it with one gather write. Beast's
// serializer walks a chain of buffer views on every write; under the API
// benchmark that was about a fifth of the HTTP threads' user time
// (bench/README.md). Internal to http/.

#include <array>
#include <string>
#include <string_view>

#include <boost/asio/buffer.hpp>

namespace integrator {

class wire_response {
public:
  /// `version` as Beast numbers it (11 for HTTP/1.1, 10 for HTTP/1.0).
  wire_response(unsigned status, unsigned version, bool keep_alive);

  /// Adds a field. Content-Length and Connection are written by seal().
  void set(std::string_view name, std::string_view value);

  /// The body and its Content-Type.
  void body(std::string text, std::string_view content_type);

  unsigned status() const { return status_; }
  bool keep_alive() const { return keep_alive_; }
  void keep_alive(bool on) { keep_alive_ = on; }

  /// The bytes to send: status line and fields, framing (Content-Length,
  /// Connection, blank line), body. `head_request` leaves the body out but
  /// keeps its length. The buffers point into this object; it must stay
  /// alive and unchanged until they are written.
  std::array<boost::asio::const_buffer, 3> seal(bool head_request);

private:
  unsigned status_;
  unsigned version_;
  bool keep_alive_;
  std::string head_;     ///< status line and fields
  std::string framing_;  ///< built by seal()
  std::string body_;
};

}  // namespace integrator
