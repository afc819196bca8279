#pragma once
// The integration fixture: a running integratord, a client, and helpers
// that speak the API with the first account's token.

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <thread>

#include "tests/integration/http_client.hpp"
#include "tests/integration/server_process.hpp"

namespace integrator::test {

struct api_fixture {
  server_process server;
  http_client client{server.host(), server.port()};
  std::string token = server.initial_token();

  explicit api_fixture(std::vector<std::string> extra = {}) : server(std::move(extra)) {}

  http_response as(const std::string& bearer, const std::string& method, const std::string& path,
                   const std::string& body = {}) {
    return client.request(method, path, body, {{"Authorization", "Bearer " + bearer}});
  }
  http_response api(const std::string& method, const std::string& path,
                    const std::string& body = {}) {
    return as(token, method, path, body);
  }
  http_response admin(const std::string& method, const std::string& path,
                      const std::string& body = {}) {
    return as(server.operator_token(), method, "/admin/v1" + path, body);
  }
  /// Creates a resource (expects 201) and returns its id.
  std::string create(const std::string& collection, const std::string& body,
                     const std::string& bearer = {}) {
    auto r = as(bearer.empty() ? token : bearer, "POST", "/v1/" + collection, body);
    BOOST_REQUIRE_MESSAGE(r.status == 201, "create " << collection << ": " << r.status << " " << r.body);
    return std::string(r.json().at("_id").as_string());
  }
  /// A new account; returns its full-access token (and id through `id`).
  std::string new_account(const std::string& name, std::string* id = nullptr) {
    auto r = admin("POST", "/accounts",
                   R"({"name":")" + name + R"(","email":")" + name + R"(@example.com"})");
    BOOST_REQUIRE_MESSAGE(r.status == 201, r.body);
    if (id)
      *id = std::string(r.json().at("_id").as_string());
    return std::string(r.json().at("token").as_string());
  }
  std::string http_connection(const std::string& bearer = {}) {
    return create("connections",
                  R"({"type":"http","name":"Source","http":{"baseURI":"https://api.example.com","auth":{"type":"basic","basic":{"username":"u","password":"p4ssw0rd-SECRET"}}}})",
                  bearer);
  }
};

}  // namespace integrator::test
