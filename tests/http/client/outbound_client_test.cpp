// The outbound client against the real test HTTP server on 127.0.0.1.
#include "http/client/outbound_client.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <future>

#include "tests/support/test_http_server.hpp"

using namespace integrator;
using namespace integrator::test;
namespace json = boost::json;

namespace {

retry_policy quick_retries(int attempts = 4) {
  retry_policy p;
  p.max_attempts = attempts;
  p.base_delay_ms = 20;
  return p;
}

outbound_response send(outbound_client& client, outbound_request req,
                       retry_policy policy = quick_retries()) {
  std::promise<outbound_response> done;
  auto f = done.get_future();
  client.submit(std::move(req), "c1", 5, std::move(policy),
                [&done](outbound_response r) { done.set_value(std::move(r)); });
  return f.get();
}

outbound_request get(const test_http_server& server, const std::string& target) {
  outbound_request r;
  r.url = server.base_url() + target;
  r.timeout_ms = 2000;
  return r;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(outbound_client_test)

BOOST_AUTO_TEST_CASE(gets_posts_and_reads_headers) {
  test_http_server server;
  outbound_client client;
  auto r = send(client, get(server, "/source/link?total=5&size=2"));
  BOOST_TEST(r.status == 200);
  BOOST_TEST(json::parse(r.body).as_array().size() == 2u);
  BOOST_TEST(std::string(find_header(r.headers, "link")).find("rel=\"next\"") != std::string::npos);
  auto post = get(server, "/sink/things");
  post.method = "POST";
  post.body = R"({"a":1})";
  post.headers = {{"Content-Type", "application/json"}, {"X-Trace", "t1"}};
  auto created = send(client, post);
  BOOST_TEST(created.status == 201);
  BOOST_TEST(server.sink("things").size() == 1u);
  BOOST_TEST(server.last_headers("/sink/things")["x-trace"] == "t1");
}

BOOST_AUTO_TEST_CASE(retries_500_and_429_then_succeeds_without_duplicates) {
  test_http_server server;
  outbound_client client;
  server.inject({.method = "POST", .path_prefix = "/sink/r", .times = 2, .status = 500});
  server.inject({.method = "POST", .path_prefix = "/sink/r", .times = 1, .status = 429, .retry_after = 1});
  auto post = get(server, "/sink/r");
  post.method = "POST";
  post.body = R"({"a":1})";
  auto started = std::chrono::steady_clock::now();
  auto r = send(client, post);
  auto waited = std::chrono::steady_clock::now() - started;
  BOOST_TEST(r.status == 201);
  BOOST_TEST(r.attempts == 4);
  BOOST_TEST(server.sink("r").size() == 1u);
  // Retry-After: 1 was honoured.
  BOOST_TEST(std::chrono::duration_cast<std::chrono::milliseconds>(waited).count() >= 900);
}

BOOST_AUTO_TEST_CASE(gives_up_after_the_last_attempt_and_does_not_retry_4xx) {
  test_http_server server;
  outbound_client client;
  server.inject({.path_prefix = "/source", .times = 10, .status = 503});
  auto r = send(client, get(server, "/source/page"), quick_retries(3));
  BOOST_TEST(r.status == 503);
  BOOST_TEST(r.attempts == 3);
  BOOST_TEST(server.hits("/source") == 3);
  auto missing = send(client, get(server, "/nothing"));
  BOOST_TEST(missing.status == 404);
  BOOST_TEST(missing.attempts == 1);
}

BOOST_AUTO_TEST_CASE(timeouts_and_dropped_connections_are_retried) {
  test_http_server server;
  outbound_client client;
  server.inject({.path_prefix = "/source", .times = 1, .status = 200, .delay_ms = 1500});
  server.inject({.path_prefix = "/source", .times = 1, .drop = true});
  auto req = get(server, "/source/skip?total=3&size=3");
  req.timeout_ms = 500;
  auto r = send(client, req);
  BOOST_TEST(r.status == 200);
  BOOST_TEST(r.attempts == 3);
  BOOST_TEST(json::parse(r.body).at("items").as_array().size() == 3u);
  auto lost = send(client, get(server, "/source/page"), quick_retries(1));
  BOOST_TEST(lost.status == 200);  // the drop was used up: a fresh request works
}

BOOST_AUTO_TEST_CASE(a_gate_admits_at_most_its_limit) {
  test_http_server server;
  outbound_client client;
  server.inject({.path_prefix = "/sink/slow", .times = 40, .status = 200, .delay_ms = 30});
  std::vector<std::promise<int>> done(40);
  for (int i = 0; i < 40; ++i) {
    auto post = get(server, "/sink/slow");
    post.method = "POST";
    post.body = R"({"n":)" + std::to_string(i) + "}";
    client.submit(post, "conn-a", 3, quick_retries(),
                  [&done, i](outbound_response r) { done[i].set_value(r.status); });
  }
  for (auto& d : done)
    BOOST_TEST(d.get_future().get() == 201);
  BOOST_TEST(server.peak_in_flight("/sink/slow") <= 3);
  BOOST_TEST(server.peak_in_flight("/sink/slow") >= 2);
  BOOST_TEST(server.sink("slow").size() == 40u);
}

BOOST_AUTO_TEST_CASE(refused_connections_fail_with_a_transport_error) {
  outbound_client client;
  outbound_request r;
  r.url = "http://127.0.0.1:1/x";
  r.timeout_ms = 1000;
  auto resp = send(client, r, quick_retries(2));
  BOOST_TEST(resp.status == 0);
  BOOST_TEST(!resp.transport_error.empty());
  BOOST_TEST(resp.attempts == 2);
}

BOOST_AUTO_TEST_SUITE_END()
