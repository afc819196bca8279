#pragma once
// An HTTP connection (type "http", or the legacy "rest") compiled for the
// engine: where requests go, which headers and credentials they carry,
// how many may be in flight, when to retry and how to ping. Built from the
// connection document with its secrets revealed (secrets.hpp), once per
// job; shared read-only by the job's actors.

#include <boost/json/fwd.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/connect/outbound.hpp"
#include "core/connect/response_check.hpp"

#include "core/util/result.hpp"

namespace integrator {

/// When and how long to wait before trying a request again.
struct retry_policy {
  int max_attempts = 5;
  std::int64_t base_delay_ms = 250;
  std::int64_t max_delay_ms = 30000;
  std::string retry_header = "Retry-After";
  int rate_limit_status = 429;
  std::vector<std::string> rate_limit_path;
  std::vector<std::string> rate_limit_values;

  /// The wait before attempt `attempt + 1` when attempt number `attempt`
  /// (1-based) answered `r`; nullopt when `r` is final (a success, an
  /// error that retrying will not fix, or attempts used up). `jitter` in
  /// [0,1) spreads clients that failed together.
  std::optional<std::int64_t> delay_after(const outbound_response& r, int attempt,
                                          double jitter) const;
};

struct http_ping {
  std::string method = "GET";
  std::string relative_uri;  ///< empty: ping is a GET of the base URI
  std::string body;
  response_check check;
};

class http_endpoint {
public:
  /// The shortest request timeout used, whatever http.timeout says (ms).
  static constexpr std::int64_t min_timeout_ms = 1000;

  /// Compiles a connection document; fails when it is not an http/rest
  /// connection or lacks a baseURI.
  static result<http_endpoint> from_connection(const boost::json::value& connection);

  /// Where a request for `target`, built by a template, goes: below the
  /// base URI, dot segments resolved; url_outside_base when it would leave
  /// it (url_scope.hpp).
  result<std::string> resolve(std::string_view target) const;

  /// A request to `target` (a path below the base URI, see resolve()),
  /// with the connection's headers and credentials; `extra` headers
  /// override.
  result<outbound_request> request(std::string method, std::string_view target, std::string body,
                                   const header_list& extra = {}) const;

  /// A request to a link the source handed out (a next-page URL, a Link
  /// header): a relative one as request(); an absolute http(s) one as it
  /// is, with the connection's headers and credentials only when it is on
  /// the connection's own origin.
  result<outbound_request> follow(std::string method, std::string_view link, std::string body,
                                  const header_list& extra = {}) const;

  /// nullopt when the ping answer `r` is a success, else why not.
  std::optional<std::string> ping_failure(outbound_response& r) const;

  const std::string& base_uri() const { return base_uri_; }
  /// Where a request to `target` goes, without the credentials request() adds.
  std::string url_of(std::string_view target) const;
  const std::string& media_type() const { return media_type_; }
  int concurrency() const { return concurrency_; }
  const retry_policy& retry() const { return retry_; }
  const http_ping& ping() const { return ping_; }

private:
  result<void> read_basics(const boost::json::object& block, const boost::json::value& connection);
  void use_basic(const std::string& user, const std::string& password);
  void use_token(const std::string& token, bool in_url, std::string param, std::string header,
                 const std::string& scheme);
  outbound_request build(std::string method, std::string url, std::string body,
                         const header_list& extra, bool credentials) const;

  std::string base_uri_;
  std::string base_origin_;  ///< scheme://authority of base_uri_
  std::string base_path_;    ///< its path, dot segments resolved
  std::string media_type_ = "json";
  header_list headers_;
  std::string token_param_;  ///< token sent as this URL parameter
  std::string token_value_;
  int concurrency_ = 25;
  bool verify_tls_ = true;
  std::int64_t timeout_ms_ = 60000;
  retry_policy retry_;
  http_ping ping_;
};

/// `base` + `target`: absolute targets win, else joined with one slash.
std::string join_url(std::string_view base, std::string_view target);



}  // namespace integrator
