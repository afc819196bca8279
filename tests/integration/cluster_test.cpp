// Nodes of a cluster (issue 16) on a private PostgreSQL: they join over TLS
// with certificates of the cluster's CA, any node answers any call, and a
// write on one (a resource, an account, a token, its revocation) is read on
// the others at once. Registered in the integration_pg tier only.

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <thread>

#include "tests/integration/http_client.hpp"
#include "tests/support/test_http_server.hpp"
#include "tests/integration/server_process.hpp"
#include "tests/support/pg_schema.hpp"

using namespace integrator::test;

namespace {

struct cluster_fixture {
  pg_schema schema{test_pg_conninfo()};
  std::string certs = (std::filesystem::temp_directory_path() / ("integrator-certs-" + schema.name)).string();

  cluster_fixture() {
    auto cmd = std::string(INTEGRATOR_SOURCE_DIR) + "/tests/support/make_certs.sh " + certs + " n1 n2 n3";
    BOOST_REQUIRE(std::system(cmd.c_str()) == 0);
  }
  ~cluster_fixture() {
    std::error_code ec;
    std::filesystem::remove_all(certs, ec);
  }

  std::vector<std::string> node_flags(const std::string& name, const std::string& cert,
                                      std::vector<std::string> more = {}) const {
    std::vector<std::string> f{"--postgres",     schema.conninfo(),          "--cluster-listen", "127.0.0.1:0",
                               "--cluster-cert", certs + "/" + cert + ".pem", "--cluster-key",   certs + "/" + cert + ".key",
                               "--cluster-ca",   certs + "/ca.pem",          "--node-id",        name};
    f.insert(f.end(), more.begin(), more.end());
    return f;
  }
  std::unique_ptr<server_process> node(const std::string& name, std::vector<std::string> more = {}) {
    return std::make_unique<server_process>(node_flags(name, name, std::move(more)));
  }
};

http_response call(const server_process& s, const std::string& token, const std::string& method,
                   const std::string& path, const std::string& body = {}) {
  http_client c(s.host(), s.port());
  return c.request(method, path, body, {{"Authorization", "Bearer " + token}});
}

// The cluster's rows as node `s` sees them: id → alive.
std::map<std::string, bool> members(const server_process& s) {
  auto r = call(s, s.operator_token(), "GET", "/admin/v1/cluster/nodes");
  BOOST_REQUIRE_MESSAGE(r.status == 200u, r.body);
  std::map<std::string, bool> out;
  auto doc = r.json();
  for (const auto& n : doc.at("nodes").as_array())
    out[std::string(n.at("_id").as_string())] = n.at("alive").as_bool();
  return out;
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(cluster, cluster_fixture)

BOOST_AUTO_TEST_CASE(any_node_answers_and_a_write_on_one_is_read_on_the_others_at_once) {
  auto n1 = node("n1");
  auto n2 = node("n2");
  auto n3 = node("n3");
  auto seen = members(*n2);
  BOOST_TEST(seen.size() == 3u);
  BOOST_TEST((seen["n1"] && seen["n2"] && seen["n3"]));
  // Only the first node made the first account.
  auto token = n1->initial_token();
  BOOST_TEST(!std::filesystem::exists(n2->data_dir() + "/initial-token"));
  auto made = call(*n1, token, "POST", "/v1/connections",
                   R"({"type":"http","name":"c","http":{"baseURI":"http://127.0.0.1:1"}})");
  BOOST_REQUIRE_MESSAGE(made.status == 201u, made.body);
  auto id = std::string(made.json().at("_id").as_string());
  BOOST_TEST(call(*n2, token, "GET", "/v1/connections/" + id).status == 200u);
  BOOST_TEST(call(*n3, token, "GET", "/v1/connections").json().as_array().size() == 1u);
  // An account and its token made on one node work on another right away,
  // and a revocation on a third ends it there at once.
  auto acc = call(*n2, n2->operator_token(), "POST", "/admin/v1/accounts", R"({"name":"B","email":"b@x"})");
  BOOST_REQUIRE_MESSAGE(acc.status == 201u, acc.body);
  auto b_token = std::string(acc.json().at("token").as_string());
  auto b_token_id = std::string(acc.json().at("_tokenId").as_string());
  BOOST_TEST(call(*n3, b_token, "GET", "/v1/tokenInfo").status == 200u);
  // A revocation reaches the other nodes' memory by PostgreSQL's NOTIFY,
  // within milliseconds (README: "Several nodes").
  BOOST_TEST(call(*n1, n1->operator_token(), "DELETE", "/admin/v1/tokens/" + b_token_id).status == 204u);
  auto ends_within = [&](const server_process& n, std::chrono::milliseconds limit) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (call(n, b_token, "GET", "/v1/tokenInfo").status != 401u) {
      if (std::chrono::steady_clock::now() > deadline)
        return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return true;
  };
  BOOST_TEST(ends_within(*n3, std::chrono::milliseconds(500)));
  BOOST_TEST(ends_within(*n2, std::chrono::milliseconds(500)));
  // A clean stop leaves the cluster at once.
  BOOST_REQUIRE(n3->stop() == 0);
  BOOST_TEST(members(*n1).count("n3") == 0u);
}

BOOST_AUTO_TEST_CASE(a_node_without_a_certificate_of_the_clusters_ca_cannot_join) {
  auto n1 = node("n1");
  // Its own CA file names the cluster's CA, but its certificate is
  // self-signed: the handshake fails on both sides.
  auto dir = certs + "/rogue-data";
  std::string cmd = std::string("timeout 60 ") + INTEGRATORD_PATH + " --data-dir " + dir + " --listen 127.0.0.1:0";
  for (const auto& f : node_flags("rogue", "rogue"))
    cmd += " '" + f + "'";
  cmd += " > " + certs + "/rogue.out 2>&1";
  int status = std::system(cmd.c_str());
  BOOST_TEST(WIFEXITED(status));
  BOOST_TEST(WEXITSTATUS(status) == 1);
  auto said = read_file(certs + "/rogue.out");
  BOOST_TEST(said.find("cannot join the cluster") != std::string::npos, said);
  BOOST_TEST(members(*n1).count("rogue") == 0u);
  // A node with the CA's certificate joins.
  auto n2 = node("n2");
  BOOST_TEST(members(*n1).count("n2") == 1u);
}

BOOST_AUTO_TEST_CASE(a_killed_node_counts_as_dead_after_the_timeout) {
  auto n1 = node("n1", {"--node-timeout", "2"});
  auto n2 = node("n2", {"--node-timeout", "2"});
  BOOST_TEST(members(*n1)["n2"]);
  n2->kill9();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  bool dead = false;
  while (!dead && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    auto m = members(*n1);
    dead = m.count("n2") && !m["n2"];
  }
  BOOST_TEST(dead);
  BOOST_TEST(members(*n1)["n1"]);
}

BOOST_AUTO_TEST_CASE(a_node_that_joins_or_stops_leaves_a_running_job_of_another_alone) {
  // Until jobs say which node runs them, a node's start and stop must not
  // end (as interrupted) the jobs it finds running: they are another's.
  auto n1 = node("n1");
  auto token = n1->initial_token();
  test_http_server peer;
  peer.inject({.method = "POST", .path_prefix = "/sink/slow", .times = 100000, .status = 200, .delay_ms = 10});
  auto make = [&](const std::string& collection, const std::string& body) {
    auto r = call(*n1, token, "POST", "/v1/" + collection, body);
    BOOST_REQUIRE_MESSAGE(r.status == 201u, r.body);
    return std::string(r.json().at("_id").as_string());
  };
  auto conn = make("connections", R"({"type":"http","name":"peer","http":{"baseURI":")" + peer.base_url() + R"("}})");
  auto exp = make("exports", R"({"name":"src","adaptorType":"HTTPExport","_connectionId":")" + conn
                               + R"(","http":{"relativeURI":"/source/page?total=200&size=10&page={{export.http.paging.page}}",)"
                               + R"("response":{"resourcePath":"items"},"paging":{"method":"page"}}})");
  auto imp = make("imports", R"({"name":"dst","adaptorType":"HTTPImport","_connectionId":")" + conn
                               + R"(","http":{"method":["POST"],"relativeURI":["/sink/slow"]}})");
  auto flow = make("flows", R"({"name":"slow","pageGenerators":[{"_exportId":")" + exp
                              + R"("}],"pageProcessors":[{"type":"import","_importId":")" + imp + R"("}]})");
  auto run = [&] {
    auto ran = call(*n1, token, "POST", "/v1/flows/" + flow + "/run");
    BOOST_REQUIRE_MESSAGE(ran.status == 201u, ran.body);
    return std::string(ran.json().at("_jobId").as_string());
  };
  auto first = run();
  auto second = run();  // queued behind the first, on n1
  for (int i = 0; i < 200 && peer.sink("slow").size() < 5; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  BOOST_REQUIRE(peer.sink("slow").size() >= 5u);
  auto n2 = node("n2");  // joins while n1 runs one job and queues the other
  BOOST_REQUIRE(n2->stop() == 0);  // and stops while it still does
  auto final_status = [&](const std::string& job) {
    std::string status;
    for (int i = 0; i < 600 && status != "completed" && status != "failed" && status != "canceled"; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      status = std::string(call(*n1, token, "GET", "/v1/jobs/" + job).json().at("status").as_string());
    }
    return status;
  };
  BOOST_TEST(final_status(first) == "completed");
  BOOST_TEST(final_status(second) == "completed");
  // Each run once: n2 neither ran the queued job nor ended the running one.
  BOOST_TEST(peer.sink("slow").size() == 400u);
}

BOOST_AUTO_TEST_SUITE_END()
