#pragma once
// One outbound HTTP exchange as plain values: what the engine asks the
// outbound client (http/outbound) to send, and what came back. Both cross
// actors, so they hold only values (inspect in actors/catalogue.hpp).

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace integrator {

using header_list = std::vector<std::pair<std::string, std::string>>;

/// Value of the first header named `name` (ASCII case-insensitive), or "".
std::string_view find_header(const header_list& headers, std::string_view name);

/// Sets `name` to `value`, replacing any header of that name.
void set_header(header_list& headers, std::string name, std::string value);

struct outbound_request {
  std::string method = "GET";
  std::string url;  ///< absolute
  header_list headers;
  std::string body;
  std::int64_t timeout_ms = 60000;  ///< whole exchange
  bool verify_tls = true;
};

struct outbound_response {
  int status = 0;  ///< 0 when no HTTP answer arrived
  header_list headers;
  std::string body;
  std::string transport_error;  ///< non-empty: timeout, refused, reset, TLS…
  bool timed_out = false;
  int attempts = 1;  ///< tries it took, retries included

  bool ok() const { return transport_error.empty() && status >= 200 && status < 300; }
};

}  // namespace integrator
