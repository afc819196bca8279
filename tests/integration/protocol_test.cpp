#include "tests/integration/fixture.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <memory>
#include <sstream>

using namespace integrator::test;

namespace {
struct protocol_fixture : api_fixture {
  // A small body limit keeps the oversized-body test quick.
  protocol_fixture() : api_fixture({"--body-limit", "65536", "--rate-bucket-size", "1000"}) {}
  std::string raw_get(const std::string& target) {
    return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token
           + "\r\n\r\n";
  }
};
}  // namespace

BOOST_FIXTURE_TEST_SUITE(protocol, protocol_fixture)

BOOST_AUTO_TEST_CASE(bad_input_gets_the_right_status_and_error_body) {
  auto malformed = api("POST", "/v1/scripts", "{\"name\": ");
  BOOST_TEST(malformed.status == 400u);
  BOOST_TEST(malformed.error_code() == "invalid_json");
  auto wrong_type = api("POST", "/v1/scripts", R"({"name": 42})");
  BOOST_TEST(wrong_type.status == 422u);
  BOOST_TEST(wrong_type.json().at("errors").at(0).at("field").as_string() == "name");
  BOOST_TEST(api("GET", "/v1/exports/not-an-id").status == 404u);
  BOOST_TEST(api("GET", "/v1/exports/5a0c3d0b8e4f2a1b3c4d5e6f").status == 404u);
  auto wrong_method = api("DELETE", "/v1/exports");
  BOOST_TEST(wrong_method.status == 405u);
  BOOST_TEST(wrong_method.header("allow") == "GET, POST");
  BOOST_TEST(wrong_method.error_code() == "method_not_allowed");
  BOOST_TEST(client.request("GET", "/v1/tokenInfo").status == 401u);
  BOOST_TEST(client.request("GET", "/v1/tokenInfo", {}, {{"Authorization", "Basic abc"}}).status == 401u);
  BOOST_TEST(as("0123456789abcdef0123456789abcdef", "GET", "/v1/tokenInfo").status == 401u);
  BOOST_TEST(api("GET", "/nowhere").status == 404u);
  auto bad_query = api("GET", "/v1/exports?limit=-4");
  BOOST_TEST(bad_query.status == 400u);
  BOOST_TEST(bad_query.error_code() == "invalid_query_params");
  // Every response carries a request id; a sane client id is echoed.
  BOOST_TEST(!malformed.header("x-request-id").empty());
  auto echoed = client.request("GET", "/v1/tokenInfo", {},
                               {{"Authorization", "Bearer " + token}, {"X-Request-Id", "abc-123"}});
  BOOST_TEST(echoed.header("x-request-id") == "abc-123");
  BOOST_TEST(api("GET", "/v1/tokenInfo").status == 200u);
}

BOOST_AUTO_TEST_CASE(a_body_declared_as_something_else_than_json_is_415) {
  auto send = [&](const std::string& type) {
    std::map<std::string, std::string> headers{{"Authorization", "Bearer " + token}, {"Content-Type", type}};
    return client.request("POST", "/v1/scripts", R"({"name":"typed"})", headers);
  };
  for (const char* refused : {"text/plain", "application/xml", "multipart/form-data; boundary=x",
                              "application/x-www-form-urlencoded", "application/jsonx"}) {
    auto r = send(refused);
    BOOST_TEST(r.status == 415u, refused);
    BOOST_TEST(r.error_code() == "unsupported_media_type", refused);
  }
  for (const char* accepted : {"", "application/json", "Application/JSON; charset=utf-8", "application/vnd.api+json"})
    BOOST_TEST(send(accepted).status == 201u, accepted);
  // Access first: another account's resource is 404 whatever the type.
  auto id = create("scripts", R"({"name":"mine"})");
  auto other = new_account("typed");
  BOOST_TEST(client.request("PUT", "/v1/scripts/" + id, "x",
                            {{"Authorization", "Bearer " + other}, {"Content-Type", "text/plain"}})
               .status == 404u);
}

// Out of file descriptors, accept fails at once for as long as a connection
// waits: the accept loop used to retry at once, spinning a core and writing
// millions of log lines. It now waits between tries, serves the open
// connections, and accepts again once descriptors are free.
BOOST_AUTO_TEST_CASE(out_of_descriptors_the_server_waits_and_recovers) {
  auto cpu_seconds = [&] {
    std::ifstream stat("/proc/" + std::to_string(server.pid()) + "/stat");
    std::string all((std::istreambuf_iterator<char>(stat)), {});
    std::istringstream fields(all.substr(all.rfind(')') + 2));
    std::string skip;
    for (int i = 0; i < 11; ++i)
      fields >> skip;  // state … cmajflt
    double utime = 0, stime = 0;
    fields >> utime >> stime;
    return (utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
  };
  BOOST_REQUIRE(api("GET", "/v1/tokenInfo").status == 200u);  // this connection stays open
  rlimit roomy{};
  BOOST_REQUIRE(::prlimit(server.pid(), RLIMIT_NOFILE, nullptr, &roomy) == 0);
  rlimit tight{64, roomy.rlim_max};
  BOOST_REQUIRE(::prlimit(server.pid(), RLIMIT_NOFILE, &tight, nullptr) == 0);
  std::vector<std::unique_ptr<http_client>> crowd;
  for (int i = 0; i < 150; ++i)
    crowd.push_back(std::make_unique<http_client>(server.host(), server.port()));  // the kernel completes them
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  auto before = cpu_seconds();
  std::this_thread::sleep_for(std::chrono::seconds(2));
  auto used = cpu_seconds() - before;
  BOOST_TEST(used < 0.5, "integratord used " << used << " s of CPU in 2 s while out of descriptors");
  // The open connection is still served.
  BOOST_TEST(api("GET", "/v1/tokenInfo").status == 200u);
  // Descriptors free again: the waiting connections are accepted and served.
  BOOST_REQUIRE(::prlimit(server.pid(), RLIMIT_NOFILE, &roomy, nullptr) == 0);
  int served = 0;
  for (auto& c : crowd) {
    try {
      if (c->request("GET", "/v1/tokenInfo", {}, {{"Authorization", "Bearer " + token}}).status == 200u)
        ++served;
    } catch (const std::exception&) {
    }
  }
  BOOST_TEST(served >= 140, served << " of 150 waiting connections served");
}

BOOST_AUTO_TEST_CASE(oversized_body_is_413_and_the_server_stays_healthy) {
  std::string big(70000, 'x');
  auto r = api("POST", "/v1/scripts", R"({"name":"n","content":")" + big + "\"}");
  BOOST_TEST(r.status == 413u);
  BOOST_TEST(r.error_code() == "payload_too_large");
  std::string huge_header(20000, 'h');
  auto h = client.request("GET", "/v1/tokenInfo", {},
                          {{"Authorization", "Bearer " + token}, {"X-Big", huge_header}});
  BOOST_TEST(h.status == 413u);
  BOOST_TEST(api("GET", "/v1/tokenInfo").status == 200u);
}

BOOST_AUTO_TEST_CASE(absolute_form_targets_route_like_origin_form) {
  auto port = std::to_string(server.port());
  client.send_raw(raw_get("http://127.0.0.1:" + port + "/v1/tokenInfo"));
  auto r = client.read_response();
  BOOST_TEST(r.status == 200u);
  BOOST_TEST(r.json().at("scope").as_string() == "full");
  client.send_raw(raw_get("http://127.0.0.1:" + port + "/v1/scripts?limit=1"));
  BOOST_TEST(client.read_response().status == 200u);
}

BOOST_AUTO_TEST_CASE(pipelined_requests_are_answered_in_order) {
  auto script = create("scripts", R"({"name":"piped"})");
  std::string batch = raw_get("/v1/tokenInfo") + raw_get("/v1/scripts/" + script)
                      + raw_get("/v1/nothing-here") + raw_get("/v1/scripts");
  client.send_raw(batch);
  auto a = client.read_response();
  auto b = client.read_response();
  auto c = client.read_response();
  auto d = client.read_response();
  BOOST_TEST(a.status == 200u);
  BOOST_TEST(a.body.find("_userId") != std::string::npos);
  BOOST_TEST(b.json().at("name").as_string() == "piped");
  BOOST_TEST(c.status == 404u);
  BOOST_TEST(d.json().as_array().size() == 1u);
}

BOOST_AUTO_TEST_CASE(pipelined_writes_are_seen_by_the_reads_behind_them) {
  auto script = create("scripts", R"({"name":"v0"})");
  std::string batch;
  for (int i = 1; i <= 5; ++i) {
    auto body = R"({"name":"v)" + std::to_string(i) + "\"}";
    batch += "PUT /v1/scripts/" + script + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token
             + "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size())
             + "\r\n\r\n" + body;
    batch += raw_get("/v1/scripts/" + script);
  }
  client.send_raw(batch);
  for (int i = 1; i <= 5; ++i) {
    BOOST_TEST(client.read_response().status == 200u);
    auto got = client.read_response();
    BOOST_TEST(got.json().at("name").as_string() == "v" + std::to_string(i));
  }
}

BOOST_AUTO_TEST_CASE(responses_are_framed_by_version_method_and_status) {
  // HTTP/1.0 closes after its answer unless the client asks to keep it.
  client.send_raw("GET /healthz HTTP/1.0\r\n\r\n");
  auto one_shot = client.read_until_closed();
  BOOST_TEST(one_shot.starts_with("HTTP/1.0 200 OK\r\n"));
  BOOST_TEST(one_shot.find("Connection:") == std::string::npos);
  BOOST_TEST(one_shot.ends_with("Content-Length: 15\r\n\r\n{\"status\":\"ok\"}"));
  http_client kept(server.host(), server.port());
  kept.send_raw("GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  BOOST_TEST(kept.read_response().header("connection") == "keep-alive");
  BOOST_TEST(!kept.closed_by_server(300));
  // HEAD: the length a GET would get, no body.
  http_client head(server.host(), server.port());
  head.send_raw("HEAD /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  auto head_bytes = head.read_until_closed();
  BOOST_TEST(head_bytes.starts_with("HTTP/1.1 200 OK\r\n"));
  BOOST_TEST(head_bytes.ends_with("Content-Length: 15\r\nConnection: close\r\n\r\n"));
  // 204: neither a body nor a Content-Length.
  auto script = create("scripts", R"({"name":"gone"})");
  http_client del(server.host(), server.port());
  del.send_raw("DELETE /v1/scripts/" + script + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
               + token + "\r\nConnection: close\r\n\r\n");
  auto deleted = del.read_until_closed();
  BOOST_TEST(deleted.starts_with("HTTP/1.1 204 No Content\r\n"));
  BOOST_TEST(deleted.find("Content-Length") == std::string::npos);
  BOOST_TEST(deleted.ends_with("Connection: close\r\n\r\n"));
}

BOOST_AUTO_TEST_CASE(garbage_gets_400_and_a_closed_connection) {
  client.send_raw("THIS IS NOT HTTP\r\n\r\n");
  auto r = client.read_response();
  BOOST_TEST(r.status == 400u);
  BOOST_TEST(client.closed_by_server());
  http_client again(server.host(), server.port());
  BOOST_TEST(again.request("GET", "/healthz").status == 200u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(protocol)

BOOST_AUTO_TEST_CASE(stalled_clients_are_dropped_after_the_read_timeout) {
  api_fixture f({"--read-timeout", "1", "--idle-timeout", "1"});
  f.client.send_raw("GET /v1/tokenInfo HTTP/1.1\r\nHost: x\r\n");  // never finishes
  BOOST_TEST(f.client.closed_by_server(4000));
  http_client idle(f.server.host(), f.server.port());
  BOOST_TEST(idle.closed_by_server(4000));
  http_client fresh(f.server.host(), f.server.port());
  BOOST_TEST(fresh.request("GET", "/healthz").status == 200u);
}

BOOST_AUTO_TEST_CASE(an_answered_connection_waits_the_idle_timeout_not_the_read_timeout) {
  api_fixture f({"--read-timeout", "1", "--idle-timeout", "4"});
  BOOST_TEST(f.client.request("GET", "/healthz").status == 200u);
  // The sweep runs every 500 ms: 2.5 s is well past the read timeout and
  // well before the idle timeout.
  BOOST_TEST(!f.client.closed_by_server(2500));
  BOOST_TEST(f.client.closed_by_server(4000));
}

BOOST_AUTO_TEST_SUITE_END()
