#include "core/connect/http_endpoint.hpp"

#include "tests/support/why_not.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "tests/support/answers.hpp"

using namespace integrator;
using integrator::test::answered;
using integrator::test::why_not;
namespace json = boost::json;

namespace {

http_endpoint endpoint(const char* conn) {
  auto e = http_endpoint::from_connection(json::parse(conn));
  BOOST_REQUIRE_MESSAGE(e, why_not(e));
  return std::move(*e);
}


}  // namespace

BOOST_AUTO_TEST_SUITE(http_endpoint_test)

BOOST_AUTO_TEST_CASE(basic_and_token_auth_and_headers) {
  auto basic = endpoint(R"({"type":"http","http":{"baseURI":"http://h/api/","auth":{"type":"basic",
                           "basic":{"username":"Aladdin","password":"open sesame"}},
                           "headers":[{"name":"X-Tenant","value":"t-{{connection.http.unencrypted.tenant}}"}],
                           "unencrypted":{"tenant":"42"}}})");
  auto req = basic.request("POST", "/items", "{}").value();
  BOOST_TEST(req.url == "http://h/api/items");
  BOOST_TEST(find_header(req.headers, "authorization") == "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
  BOOST_TEST(find_header(req.headers, "x-tenant") == "t-42");
  BOOST_TEST(find_header(req.headers, "content-type") == "application/json");
  auto token = endpoint(R"({"type":"http","http":{"baseURI":"http://h","auth":{"type":"token",
                           "token":{"token":"abc","location":"url","paramName":"key"}}}})");
  BOOST_TEST(token.request("GET", "/x?a=1", "")->url == "http://h/x?a=1&key=abc");
  auto header = endpoint(R"({"type":"http","http":{"baseURI":"http://h","auth":{"type":"token",
                            "token":{"token":"abc","scheme":"Token"}}}})");
  BOOST_TEST(find_header(header.request("GET", "x", "")->headers, "Authorization") == "Token abc");
}

BOOST_AUTO_TEST_CASE(request_timeouts_have_a_floor) {
  auto tiny = endpoint(R"({"type":"http","http":{"baseURI":"http://h","timeout":1}})");
  BOOST_TEST(tiny.request("GET", "/x", "")->timeout_ms == http_endpoint::min_timeout_ms);
  auto set = endpoint(R"({"type":"http","http":{"baseURI":"http://h","timeout":5000}})");
  BOOST_TEST(set.request("GET", "/x", "")->timeout_ms == 5000);
  auto unset = endpoint(R"({"type":"http","http":{"baseURI":"http://h"}})");
  BOOST_TEST(unset.request("GET", "/x", "")->timeout_ms == 60000);
}

// A template's target stays under the base URI: the credentials cannot be
// sent elsewhere. A link from the source may be absolute, but gets the
// credentials only on the connection's own origin.
BOOST_AUTO_TEST_CASE(targets_stay_under_the_base_and_links_get_credentials_only_at_home) {
  auto e = endpoint(R"({"type":"http","http":{"baseURI":"http://h:8080/api/v1","auth":{"type":"token",
                       "token":{"token":"secret","location":"url","paramName":"key"}},
                       "headers":[{"name":"X-Api-Key","value":"k"}]}})");
  for (const char* bad : {"https://other/y", "//other/y", "HTTP://h:8080/api/v1/x", "javascript:x",
                          "/../admin", "/%2e%2e/%2E%2E/admin", "/x/../../../admin", "\\other\\y",
                          "/..", "mailto:a@b"}) {
    auto r = e.request("GET", bad, "");
    BOOST_TEST(!r.has_value(), bad);
    if (!r)
      BOOST_TEST((r.error().code == error_code::url_outside_base), bad);
  }
  BOOST_TEST(e.request("GET", "/items/../orders?x=1", "")->url == "http://h:8080/api/v1/orders?x=1&key=secret");
  BOOST_TEST(e.request("GET", "", "")->url == "http://h:8080/api/v1?key=secret");
  BOOST_TEST(e.request("GET", "?page=2", "")->url == "http://h:8080/api/v1?page=2&key=secret");
  auto home = e.follow("GET", "http://H:8080/other/place?p=2", "").value();
  BOOST_TEST(home.url == "http://H:8080/other/place?p=2&key=secret");
  BOOST_TEST(find_header(home.headers, "X-Api-Key") == "k");
  auto away = e.follow("GET", "https://elsewhere/next?p=2", "").value();
  BOOST_TEST(away.url == "https://elsewhere/next?p=2");
  BOOST_TEST(find_header(away.headers, "X-Api-Key").empty());
  BOOST_TEST(!e.follow("GET", "file:///etc/passwd", ""));
  BOOST_TEST(e.follow("GET", "/items?p=3", "")->url == "http://h:8080/api/v1/items?p=3&key=secret");
  BOOST_TEST(!e.follow("GET", "/../admin", ""));
  BOOST_TEST(!http_endpoint::from_connection(json::parse(R"({"type":"http","http":{"baseURI":"ftp://h"}})")));
}

BOOST_AUTO_TEST_CASE(legacy_rest_connections_and_refusals) {
  auto rest = endpoint(R"({"type":"rest","rest":{"baseURI":"http://h","authType":"token","bearerToken":"t1",
                          "authHeader":"X-Auth","authScheme":"Bearer","concurrencyLevel":3}})");
  BOOST_TEST(find_header(rest.request("GET", "/a", "")->headers, "X-Auth") == "Bearer t1");
  BOOST_TEST(rest.concurrency() == 3);
  BOOST_TEST(!http_endpoint::from_connection(json::parse(R"({"type":"ftp","ftp":{}})")));
  auto no_base = http_endpoint::from_connection(json::parse(R"({"type":"http","http":{}})"));
  BOOST_TEST(!no_base);
  BOOST_TEST(no_base.error().message.find("baseURI") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(retry_policy_retries_what_retrying_can_fix) {
  retry_policy p;
  p.max_attempts = 3;
  p.base_delay_ms = 100;
  BOOST_TEST(p.delay_after(answered(200), 1, 0.5).has_value() == false);
  BOOST_TEST(p.delay_after(answered(404), 1, 0.5).has_value() == false);
  BOOST_TEST(p.delay_after(answered(422), 1, 0.5).has_value() == false);
  auto first = p.delay_after(answered(503), 1, 0.0);
  auto second = p.delay_after(answered(503), 2, 0.0);
  BOOST_REQUIRE(first && second);
  BOOST_TEST(*first == 50);    // half of 100, no jitter
  BOOST_TEST(*second == 100);  // half of 200
  BOOST_TEST(*p.delay_after(answered(503), 2, 0.999) < 200);
  BOOST_TEST(!p.delay_after(answered(503), 3, 0.0));  // attempts used up
  BOOST_TEST(*p.delay_after(answered(429, {}, {{"retry-after", "7"}}), 1, 0.0) == 7000);
  outbound_response lost;
  lost.transport_error = "connection error: reset";
  BOOST_TEST(p.delay_after(lost, 1, 0.0).has_value());
  // A rate limit signalled in the body.
  p.rate_limit_path = {"error", "code"};
  p.rate_limit_values = {"THROTTLED"};
  auto throttled = answered(200);
  throttled.body = R"({"error":{"code":"THROTTLED"}})";
  BOOST_TEST(p.delay_after(throttled, 1, 0.0).has_value());
  auto custom = endpoint(R"({"type":"http","http":{"baseURI":"http://h","retryHeader":"X-Wait",
                            "rateLimit":{"failStatusCode":420}}})");
  BOOST_TEST(*custom.retry().delay_after(answered(420, {}, {{"X-Wait", "2"}}), 1, 0.0) == 2000);
}

BOOST_AUTO_TEST_CASE(ping_checks_success_and_fail_paths) {
  auto e = endpoint(R"({"type":"http","http":{"baseURI":"http://h","ping":{"relativeURI":"/me",
                       "successPath":"ok","successValues":["yes"],"failPath":"err","errorPath":"err"}}})");
  auto good = answered(200);
  good.body = R"({"ok":"yes"})";
  BOOST_TEST(!e.ping_failure(good));
  auto bad = answered(200);
  bad.body = R"({"ok":"yes","err":"expired key"})";
  auto why = e.ping_failure(bad);
  BOOST_REQUIRE(why);
  BOOST_TEST(why->find("expired key") != std::string::npos);
  auto denied = answered(401);
  BOOST_TEST(e.ping_failure(denied).has_value());
}

BOOST_AUTO_TEST_CASE(url_joining) {
  BOOST_TEST(join_url("http://h", "a") == "http://h/a");
  BOOST_TEST(join_url("http://h/", "/a") == "http://h/a");
  BOOST_TEST(join_url("http://h/x", "?q=1") == "http://h/x?q=1");
}

BOOST_AUTO_TEST_SUITE_END()
