#include "core/connect/http_endpoint.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cmath>

#include "core/util/decimal.hpp"
#include "core/lang/handlebars.hpp"
#include "core/json/json_path.hpp"
#include "core/connect/url_scope.hpp"
#include "core/util/encoding.hpp"

namespace integrator {

namespace json = boost::json;

namespace {

std::string str(const json::object& o, std::string_view key, std::string fallback = {}) {
  auto it = o.find(key);
  return it != o.end() && it->value().is_string() ? std::string(it->value().get_string())
                                                  : fallback;
}

std::int64_t num(const json::object& o, std::string_view key, std::int64_t fallback) {
  auto it = o.find(key);
  if (it == o.end())
    return fallback;
  if (it->value().is_int64())
    return it->value().get_int64();
  if (it->value().is_uint64())
    return static_cast<std::int64_t>(it->value().get_uint64());
  if (it->value().is_double())
    return static_cast<std::int64_t>(it->value().get_double());
  return fallback;
}

const json::object* obj(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it != o.end() ? it->value().if_object() : nullptr;
}

// Connection headers may be templates over the connection itself, e.g.
// {{connection.http.encrypted.apiKey}} for custom auth. A header whose
// template does not compile or render makes the connection unusable, said
// so, rather than sent as written.
result<header_list> rendered_headers(const json::object& block, const json::value& connection) {
  header_list out;
  auto it = block.find("headers");
  if (it == block.end() || !it->value().is_array())
    return out;
  json::object ctx;
  ctx["connection"] = connection;
  json::value context(std::move(ctx));
  for (const auto& h : it->value().get_array()) {
    const auto* ho = h.if_object();
    if (!ho)
      continue;
    auto name = str(*ho, "name");
    auto value = str(*ho, "value");
    if (name.empty())
      continue;
    if (value.find("{{") != std::string::npos) {
      auto rendered = handlebars_template::compile(value);
      auto text = rendered ? rendered->render(context, template_escape::none)
                           : result<std::string>(rendered.error());
      if (!text)
        return invalid_input("headers " + name + ": " + text.error().message, "headers");
      value = std::move(*text);
    }
    set_header(out, std::move(name), std::move(value));
  }
  return out;
}

std::string bearer(std::string scheme, const std::string& token) {
  if (scheme.empty() || scheme == "None" || scheme == "none")
    return token;
  return scheme + " " + token;
}

}  // namespace

std::string join_url(std::string_view base, std::string_view target) {
  if (target.starts_with("http://") || target.starts_with("https://"))
    return std::string(target);
  if (target.empty())
    return std::string(base);
  std::string out(base);
  bool base_slash = !out.empty() && out.back() == '/';
  bool target_slash = target.front() == '/';
  if (base_slash && target_slash)
    out.pop_back();
  else if (!base_slash && !target_slash && target.front() != '?')
    out += '/';
  out += target;
  return out;
}

std::optional<std::int64_t> retry_policy::delay_after(const outbound_response& r, int attempt,
                                                      double jitter) const {
  if (attempt >= max_attempts)
    return std::nullopt;
  bool retry = !r.transport_error.empty() || r.status == rate_limit_status || r.status >= 500
               || r.status == 429;
  if (!retry && !rate_limit_path.empty() && r.status >= 200 && r.status < 300) {
    std::string body = r.body;
    json_scan scan(body);
    auto v = scan.text_at(rate_limit_path);
    retry = v && (rate_limit_values.empty()
                    ? !is_falsy_text(*v)
                    : std::find(rate_limit_values.begin(), rate_limit_values.end(), *v)
                        != rate_limit_values.end());
  }
  if (!retry)
    return std::nullopt;
  // The server's own wait wins when it gives one (in seconds).
  auto told = find_header(r.headers, retry_header.empty() ? "Retry-After" : retry_header);
  std::uint64_t seconds = 0;
  if (!told.empty() && parse_decimal(told, seconds, 6))
    return std::min<std::int64_t>(static_cast<std::int64_t>(seconds) * 1000, max_delay_ms);
  // Exponential backoff, half of it jittered.
  double exp = static_cast<double>(base_delay_ms) * std::pow(2.0, attempt - 1);
  double wait = std::min(exp, static_cast<double>(max_delay_ms));
  return static_cast<std::int64_t>(wait / 2 + wait / 2 * jitter);
}

result<http_endpoint> http_endpoint::from_connection(const json::value& connection) {
  const auto* conn = connection.if_object();
  if (!conn)
    return invalid_input("connection is not an object");
  auto type = str(*conn, "type");
  http_endpoint e;
  if (type == "http") {
    const auto* h = obj(*conn, "http");
    if (!h)
      return invalid_input("connection has no http block");
    if (auto read = e.read_basics(*h, connection); !read)
      return read.error();
    e.verify_tls_ = !(h->contains("disableStrictSSL") && h->at("disableStrictSSL") == true);
    // A floor: a timeout shorter than a round trip fails every attempt after
    // the body went out, so each record would be sent max_attempts times.
    e.timeout_ms_ = std::clamp<std::int64_t>(num(*h, "timeout", 60000), min_timeout_ms, 3600000);
    e.retry_.retry_header = str(*h, "retryHeader", "Retry-After");
    if (const auto* rl = obj(*h, "rateLimit")) {
      e.retry_.rate_limit_status = static_cast<int>(num(*rl, "failStatusCode", 429));
      auto rc = response_check::from(&h->at("rateLimit"));
      e.retry_.rate_limit_path = rc.fail_path;
      e.retry_.rate_limit_values = rc.fail_values;
    }
    if (const auto* a = obj(*h, "auth")) {
      auto auth = str(*a, "type");
      if (const auto* b = obj(*a, "basic"); auth == "basic" && b)
        e.use_basic(str(*b, "username"), str(*b, "password"));
      else if (const auto* t = obj(*a, "token"); auth == "token" && t)
        e.use_token(str(*t, "token"), str(*t, "location", "header") == "url",
                    str(*t, "paramName", "access_token"), str(*t, "headerName", "Authorization"),
                    str(*t, "scheme", "Bearer"));
    }
    if (const auto* p = obj(*h, "ping")) {
      e.ping_.method = str(*p, "method", "GET");
      e.ping_.relative_uri = str(*p, "relativeURI");
      e.ping_.body = str(*p, "body");
      e.ping_.check = response_check::from(&h->at("ping"));
    }
  } else if (type == "rest") {
    const auto* r = obj(*conn, "rest");
    if (!r)
      return invalid_input("connection has no rest block");
    if (auto read = e.read_basics(*r, connection); !read)
      return read.error();
    auto auth = str(*r, "authType");
    if (const auto* b = obj(*r, "basicAuth"); auth == "basic" && b)
      e.use_basic(str(*b, "username"), str(*b, "password"));
    else if (auth == "token" || auth == "oauth")
      e.use_token(str(*r, "bearerToken"), str(*r, "tokenLocation", "header") == "url",
                  str(*r, "tokenParam", "access_token"), str(*r, "authHeader", "Authorization"),
                  str(*r, "authScheme", "Bearer"));
    e.ping_.relative_uri = str(*r, "pingRelativeURI");
    e.ping_.check.success_path = split_path(str(*r, "pingSuccessPath"));
  } else {
    return invalid_input("connection type \"" + type + "\" is not http or rest");
  }
  if (e.base_uri_.empty())
    return invalid_input("connection has no baseURI");
  auto base = split_http_url(e.base_uri_);
  if (!base)
    return invalid_input("baseURI must be an http or https URL");
  e.base_origin_ = base->origin;
  e.base_path_ = remove_dot_segments(base->path);
  if (e.concurrency_ < 1)
    e.concurrency_ = 1;
  return e;
}

result<void> http_endpoint::read_basics(const json::object& block, const json::value& connection) {
  base_uri_ = str(block, "baseURI");
  media_type_ = str(block, "mediaType", "json");
  auto headers = rendered_headers(block, connection);
  if (!headers)
    return headers.error();
  headers_ = std::move(*headers);
  concurrency_ = static_cast<int>(num(block, "concurrencyLevel", 25));
  return {};
}

void http_endpoint::use_basic(const std::string& user, const std::string& password) {
  set_header(headers_, "Authorization", "Basic " + to_base64(user + ":" + password));
}

void http_endpoint::use_token(const std::string& token, bool in_url, std::string param,
                              std::string header, const std::string& scheme) {
  if (in_url) {
    token_param_ = std::move(param);
    token_value_ = token;
  } else {
    set_header(headers_, std::move(header), bearer(scheme, token));
  }
}

std::string http_endpoint::url_of(std::string_view target) const {
  return join_url(base_uri_, target);
}

result<std::string> http_endpoint::resolve(std::string_view target) const {
  auto refused = [&] {
    return make_api_error(error_code::url_outside_base,
                          "\"" + std::string(target) + "\" is not a path under the connection's baseURI "
                            + base_uri_);
  };
  if (names_own_place(target))
    return refused();
  auto parts = split_http_url(join_url(base_uri_, target));
  if (!parts || parts->origin != base_origin_)
    return refused();
  auto path = remove_dot_segments(parts->path);
  if (!path_within(path, base_path_))
    return refused();
  return parts->origin + path + parts->rest;
}

result<outbound_request> http_endpoint::request(std::string method, std::string_view target,
                                                std::string body, const header_list& extra) const {
  auto url = resolve(target);
  if (!url)
    return url.error();
  return build(std::move(method), std::move(*url), std::move(body), extra, true);
}

result<outbound_request> http_endpoint::follow(std::string method, std::string_view link,
                                               std::string body, const header_list& extra) const {
  if (!names_own_place(link))
    return request(std::move(method), link, std::move(body), extra);
  auto parts = split_http_url(link);
  if (!parts)
    return make_api_error(error_code::url_outside_base,
                          "\"" + std::string(link) + "\" is not an http or https link");
  bool own = parts->origin == base_origin_;
  return build(std::move(method), std::string(link), std::move(body), extra, own);
}

outbound_request http_endpoint::build(std::string method, std::string url, std::string body,
                                      const header_list& extra, bool credentials) const {
  outbound_request req;
  req.method = std::move(method);
  req.url = std::move(url);
  if (credentials && !token_param_.empty()) {
    req.url += req.url.find('?') == std::string::npos ? '?' : '&';
    req.url += encode_uri_component(token_param_) + "=" + encode_uri_component(token_value_);
  }
  // Another origin gets none of the connection's headers: they may hold
  // credentials.
  if (credentials)
    req.headers = headers_;
  if (!body.empty() && find_header(req.headers, "Content-Type").empty()) {
    if (media_type_ == "urlencoded")
      set_header(req.headers, "Content-Type", "application/x-www-form-urlencoded");
    else if (media_type_ == "plaintext")
      set_header(req.headers, "Content-Type", "text/plain");
    else
      set_header(req.headers, "Content-Type", "application/json");
  }
  for (const auto& [k, v] : extra)
    set_header(req.headers, k, v);
  req.body = std::move(body);
  req.timeout_ms = timeout_ms_;
  req.verify_tls = verify_tls_;
  return req;
}

std::optional<std::string> http_endpoint::ping_failure(outbound_response& r) const {
  json_scan scan(r.body);
  return ping_.check.failure(r, scan);
}

}  // namespace integrator
