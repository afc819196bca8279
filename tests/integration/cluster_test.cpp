// Nodes of a cluster (issue 16) on a private PostgreSQL: they join over TLS
// with certificates of the cluster's CA, any node answers any call, and a
// write on one (a resource, an account, a token, its revocation) is read on
// the others at once. Registered in the integration_pg tier only.

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <array>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_set>

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

// Waits until every node sees all of `names` alive and has had a beat to
// connect to their doors.
void until_all_see(const std::vector<const server_process*>& nodes, std::size_t count) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  for (const auto* n : nodes)
    for (;;) {
      auto m = members(*n);
      std::size_t alive = 0;
      for (const auto& [id, live] : m)
        alive += live;
      if (alive == count)
        break;
      BOOST_REQUIRE_MESSAGE(std::chrono::steady_clock::now() < deadline, "nodes do not see each other");
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // a keeper's beat: doors connected
}

// Nodes n1, n2 and n3 (with `more` flags), once each sees and reaches the
// others.
std::array<std::unique_ptr<server_process>, 3> start_three(cluster_fixture& f, std::vector<std::string> more = {}) {
  std::array<std::unique_ptr<server_process>, 3> n{f.node("n1", more), f.node("n2", more), f.node("n3", more)};
  until_all_see({n[0].get(), n[1].get(), n[2].get()}, 3);
  return n;
}

// A flow on `node` from the test peer's paged source (`total` records in
// pages of `size`) to its sink `sink`; its id.
std::string peer_flow(const server_process& node, const std::string& token, const test_http_server& peer,
                      int total, int size, const std::string& sink, const std::string& flow_fields = "",
                      const std::string& source_query = "", int batch_size = 0) {
  auto make = [&](const std::string& collection, const std::string& body) {
    auto r = call(node, token, "POST", "/v1/" + collection, body);
    BOOST_REQUIRE_MESSAGE(r.status == 201u, r.body);
    return std::string(r.json().at("_id").as_string());
  };
  auto conn = make("connections", R"({"type":"http","name":"peer )" + sink + R"(","http":{"baseURI":")"
                                    + peer.base_url() + R"("}})");
  // With a batch size, the export's pages hold that many records too.
  auto page_size = batch_size > 0 ? R"("pageSize":)" + std::to_string(batch_size) + "," : std::string();
  auto exp = make("exports", R"({"name":"src","adaptorType":"HTTPExport",)" + page_size + R"("_connectionId":")" + conn
                               + R"(","http":{"relativeURI":"/source/page?total=)" + std::to_string(total)
                               + "&size=" + std::to_string(size) + source_query
                               + R"(&page={{export.http.paging.page}}",)"
                               + R"("response":{"resourcePath":"items"},"paging":{"method":"page"}}})");
  auto imp = make("imports", R"({"name":"dst","adaptorType":"HTTPImport","_connectionId":")" + conn
                               + R"(","http":{"method":["POST"],"relativeURI":["/sink/)" + sink + R"("])"
                               + (batch_size > 0 ? R"(,"batchSize":)" + std::to_string(batch_size) : std::string())
                               + "}}");
  return make("flows", R"({"name":"flow )" + sink + R"(","pageGenerators":[{"_exportId":")" + exp
                         + R"("}],"pageProcessors":[{"type":"import","_importId":")" + imp + R"("}])"
                         + flow_fields + "}");
}

std::string run_flow(const server_process& node, const std::string& token, const std::string& flow) {
  auto ran = call(node, token, "POST", "/v1/flows/" + flow + "/run");
  BOOST_REQUIRE_MESSAGE(ran.status == 201u, ran.body);
  return std::string(ran.json().at("_jobId").as_string());
}

// The job as `node` reads it once it is over (or after `seconds`).
boost::json::object final_job(const server_process& node, const std::string& token, const std::string& job,
                              int seconds = 30) {
  boost::json::object j;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  for (;;) {
    auto r = call(node, token, "GET", "/v1/jobs/" + job);
    if (r.status == 200u) {
      j = r.json().as_object();
      auto status = std::string(j.at("status").as_string());
      if (status == "completed" || status == "failed" || status == "canceled")
        return j;
    }
    if (std::chrono::steady_clock::now() > deadline)
      return j;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

std::string text(const boost::json::object& o, const char* field) {
  auto* v = o.if_contains(field);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::int64_t number(const boost::json::object& o, const char* field) {
  auto* v = o.if_contains(field);
  return v && v->is_int64() ? v->as_int64() : 0;
}

// The live node `flow`'s lease names, as `node` reads it ("" when none).
std::string lease_holder(const server_process& node, const std::string& flow) {
  auto leases = call(node, node.operator_token(), "GET", "/admin/v1/cluster/leases");
  BOOST_REQUIRE_MESSAGE(leases.status == 200u, leases.body);
  auto doc = leases.json();
  for (const auto& l : doc.at("leases").as_array())
    if (text(l.as_object(), "name").find(flow) != std::string::npos && l.at("alive").as_bool())
      return text(l.as_object(), "owner");
  return "";
}

// Import stages `node` has run for other nodes' jobs.
std::int64_t stages_hosted(const server_process& node) {
  auto r = call(node, node.operator_token(), "GET", "/admin/v1/cluster/nodes");
  BOOST_REQUIRE_MESSAGE(r.status == 200u, r.body);
  return r.json().at("stagesHosted").as_int64();
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(cluster, cluster_fixture)

BOOST_AUTO_TEST_CASE(runs_of_one_flow_sent_to_every_node_run_one_at_a_time_in_order) {
  auto three = start_three(*this);  // (clang does not let lambdas capture structured bindings)
  auto &n1 = three[0], &n2 = three[1], &n3 = three[2];
  auto token = n1->initial_token();
  test_http_server peer;
  auto flow = peer_flow(*n1, token, peer, 20, 10, "rr");
  std::vector<const server_process*> nodes{n1.get(), n2.get(), n3.get()};
  std::vector<std::string> jobs;
  for (int i = 0; i < 30; ++i)
    jobs.push_back(run_flow(*nodes[i % 3], token, flow));
  std::string previous_end;
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    auto j = final_job(*nodes[(i + 1) % 3], token, jobs[i], 60);
    BOOST_TEST(text(j, "status") == "completed", "job " << i);
    BOOST_TEST(number(j, "numSuccess") == 20, "job " << i);
    // One at a time, in the order the runs were asked for.
    BOOST_TEST(text(j, "startedAt") >= previous_end, "job " << i << " started before job " << i - 1 << " ended");
    previous_end = text(j, "endedAt");
  }
  BOOST_TEST(peer.sink("rr").size() == 600u);
}

BOOST_AUTO_TEST_CASE(a_killed_nodes_running_job_resumes_on_a_survivor_from_its_last_committed_page) {
  std::vector<std::string> timeout{"--node-timeout", "2"};
  auto three = start_three(*this, timeout);  // (clang does not let lambdas capture structured bindings)
  auto &n1 = three[0], &n2 = three[1], &n3 = three[2];
  auto token = n1->initial_token();
  test_http_server peer;
  // 300,000 records in pages of 1,000, POSTed 1,000 at a time, each POST
  // 20 ms late: several seconds.
  peer.inject({.method = "POST", .path_prefix = "/sink/big", .times = 1000000, .status = 200, .delay_ms = 20});
  // The sink refuses records 3, 100,003 and 200,003, and so their batches:
  // 3,000 errors to retry after.
  auto flow = peer_flow(*n1, token, peer, 300000, 1000, "big", "", "&reject=100000", 1000);
  auto job = run_flow(*n2, token, flow);
  for (int i = 0; i < 1500 && peer.sink_size("big") < 60000; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  BOOST_REQUIRE(peer.sink_size("big") >= 60000u);
  auto sent_before = static_cast<std::int64_t>(peer.sink_size("big"));
  BOOST_REQUIRE(sent_before < 300000);
  // Kill the node that runs it: the one the flow's lease names.
  auto holder = lease_holder(*n1, flow);
  BOOST_REQUIRE(!holder.empty());
  std::map<std::string, server_process*> by_name{{"n1", n1.get()}, {"n2", n2.get()}, {"n3", n3.get()}};
  by_name.at(holder)->kill9();
  auto killed_at = std::chrono::steady_clock::now();
  const server_process* survivor = holder == "n1" ? n2.get() : n1.get();
  auto j = final_job(*survivor, token, job, 180);
  auto took = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - killed_at);
  BOOST_TEST_MESSAGE("killed " << holder << "; the job ended " << took.count() << " s later");
  BOOST_TEST(text(j, "status") == "completed", boost::json::serialize(j));
  // Counts: each record once, those sent twice too (a checkpoint counts
  // only pages through the flow; the pages sent again are counted then),
  // and each refused record's error stored once.
  BOOST_TEST(number(j, "numExport") == 300000);
  BOOST_TEST(number(j, "numSuccess") == 297000);
  BOOST_TEST(number(j, "numError") == 3000);
  // Every record the sink took arrived; records of pages in flight at the
  // kill may have been sent twice: at most what the job says (28 pages).
  std::unordered_set<std::int64_t> seen;
  auto arrived = peer.sink("big");
  for (const auto& e : arrived)
    seen.insert(e.record.at("id").as_int64());
  BOOST_TEST(seen.size() == 297000u);
  auto resent = static_cast<std::int64_t>(arrived.size()) - 297000;
  BOOST_TEST_MESSAGE(resent << " records sent twice; the job says up to " << number(j, "numPossiblyResent"));
  BOOST_TEST(resent <= number(j, "numPossiblyResent"));
  BOOST_TEST(number(j, "numPossiblyResent") <= 28000);
  // Resumed, not run again from zero: fewer sent twice than had arrived.
  BOOST_TEST(resent < sent_before);
  // A retry of its errors, on a survivor, sends those 3,000 records once more.
  peer.refuse_rejects(false);
  auto retried = call(*survivor, token, "POST", "/v1/jobs/" + job + "/retry");
  BOOST_REQUIRE_MESSAGE(retried.status == 201u, retried.body);
  auto retry = final_job(*survivor, token, std::string(retried.json().at(0).at("_id").as_string()), 60);
  BOOST_TEST(text(retry, "status") == "completed", boost::json::serialize(retry));
  BOOST_TEST(number(retry, "numSuccess") == 3000);
  auto parent = final_job(*survivor, token, job);
  BOOST_TEST(number(parent, "numSuccess") == 300000);
  BOOST_TEST(number(parent, "numError") == 0);
  for (const auto& e : peer.sink("big"))
    seen.insert(e.record.at("id").as_int64());
  BOOST_TEST(seen.size() == 300000u);
}

BOOST_AUTO_TEST_CASE(nodes_stopped_with_sigterm_hand_their_running_job_on_twice_in_a_row) {
  std::vector<std::string> timeout{"--node-timeout", "2"};
  std::map<std::string, std::unique_ptr<server_process>> nodes;
  for (const char* name : {"n1", "n2", "n3"})
    nodes[name] = node(name, timeout);
  until_all_see({nodes["n1"].get(), nodes["n2"].get(), nodes["n3"].get()}, 3);
  auto token = nodes["n1"]->initial_token();
  test_http_server peer;
  peer.inject({.method = "POST", .path_prefix = "/sink/handover", .times = 1000000, .status = 200, .delay_ms = 2});
  auto flow = peer_flow(*nodes["n1"], token, peer, 3000, 100, "handover");
  auto job = run_flow(*nodes["n1"], token, flow);
  auto survivor = [&]() -> const server_process& {
    for (const auto& [name, n] : nodes)
      if (n)
        return *n;
    throw std::logic_error("no node left");
  };
  // Twice: stop the node running the job once it has made progress there.
  // A clean stop is not a crash: the job goes on where it was, and is not
  // counted interrupted (two interruptions in a row would disable the flow).
  for (int stop = 0; stop < 2; ++stop) {
    auto target = peer.sink("handover").size() + 300;
    for (int i = 0; i < 500 && peer.sink("handover").size() < target; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    BOOST_REQUIRE(peer.sink("handover").size() < 3000u);
    auto holder = lease_holder(survivor(), flow);
    BOOST_REQUIRE(!holder.empty());
    BOOST_REQUIRE(nodes.at(holder)->stop() == 0);
    nodes.at(holder).reset();
  }
  auto j = final_job(survivor(), token, job, 90);
  BOOST_TEST(text(j, "status") == "completed", boost::json::serialize(j));
  // Counts: each record once, those sent twice too (a checkpoint counts
  // only pages through the flow; the pages sent again are counted then).
  BOOST_TEST(number(j, "numSuccess") == 3000);
  BOOST_TEST(number(j, "numExport") == 3000);
  std::set<std::string> seen;
  for (const auto& e : peer.sink("handover"))
    seen.insert(boost::json::serialize(e.record.at("id")));
  BOOST_TEST(seen.size() == 3000u);
  auto f = call(survivor(), token, "GET", "/v1/flows/" + flow).json();
  BOOST_TEST(!(f.as_object().if_contains("disabled") && f.at("disabled").as_bool()));
}

BOOST_AUTO_TEST_CASE(an_accounts_calls_spread_over_the_nodes_share_one_bucket) {
  auto three = start_three(*this);  // (clang does not let lambdas capture structured bindings)
  auto &n1 = three[0], &n2 = three[1], &n3 = three[2];
  auto token = n1->initial_token();
  std::vector<const server_process*> nodes{n1.get(), n2.get(), n3.get()};
  std::vector<std::unique_ptr<http_client>> clients;
  for (const auto* n : nodes)
    clients.push_back(std::make_unique<http_client>(n->host(), n->port()));
  // 150 calls at once against a bucket of 100 that refills 30 a second:
  // one bucket admits 100 plus what refills meanwhile; one per node would
  // admit all 150.
  int admitted = 0, limited = 0;
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 150; ++i) {
    auto r = clients[i % 3]->request("GET", "/v1/tokenInfo", "", {{"Authorization", "Bearer " + token}});
    if (r.status == 200u)
      ++admitted;
    else if (r.status == 429u)
      ++limited;
  }
  auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  BOOST_TEST_MESSAGE(admitted << " admitted, " << limited << " limited in " << seconds << " s");
  BOOST_TEST(admitted + limited == 150);
  BOOST_TEST(admitted <= 100 + static_cast<int>(30 * seconds) + 1);
  BOOST_TEST(limited > 0);
}

BOOST_AUTO_TEST_CASE(every_201_is_in_the_store_after_a_node_is_killed_during_2000_concurrent_posts) {
  std::vector<std::string> roomy{"--rate-bucket-size", "100000", "--rate-fill-rate", "100000"};
  auto three = start_three(*this, roomy);  // (clang does not let lambdas capture structured bindings)
  auto &n1 = three[0], &n2 = three[1], &n3 = three[2];
  auto token = n1->initial_token();
  std::vector<const server_process*> nodes{n1.get(), n2.get(), n3.get()};
  std::mutex mutex;
  std::vector<std::string> created;
  std::atomic<int> answered{0};
  std::vector<std::thread> senders;
  for (int t = 0; t < 8; ++t)
    senders.emplace_back([&, t] {
      std::vector<std::unique_ptr<http_client>> clients(3);
      for (int k = 0; k < 250; ++k) {
        auto i = t * 250 + k;
        auto& c = clients[i % 3];
        try {
          if (!c)
            c = std::make_unique<http_client>(nodes[i % 3]->host(), nodes[i % 3]->port());
          auto r = c->request("POST", "/v1/connections",
                              R"({"type":"http","name":"c)" + std::to_string(i)
                                + R"(","http":{"baseURI":"http://127.0.0.1:1"}})",
                              {{"Authorization", "Bearer " + token}});
          if (r.status == 201u) {
            std::lock_guard<std::mutex> guard(mutex);
            created.emplace_back(r.json().at("_id").as_string());
          }
        } catch (const std::exception&) {
          c.reset();  // the killed node: no answer, so no promise
        }
        ++answered;
      }
    });
  while (answered < 600)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  n3->kill9();
  for (auto& s : senders)
    s.join();
  BOOST_TEST_MESSAGE(created.size() << " of 2000 POSTs answered 201");
  BOOST_TEST(created.size() >= 1300u);
  int missing = 0;
  http_client reader(n1->host(), n1->port());
  for (const auto& id : created)
    missing += reader.request("GET", "/v1/connections/" + id, "", {{"Authorization", "Bearer " + token}}).status != 200u;
  BOOST_TEST(missing == 0);
}

BOOST_AUTO_TEST_CASE(a_schedule_fires_once_per_slot_across_the_nodes_and_a_nodes_death) {
  std::vector<std::string> timeout{"--node-timeout", "2"};
  auto three = start_three(*this, timeout);  // (clang does not let lambdas capture structured bindings)
  auto &n1 = three[0], &n3 = three[2];
  auto token = n1->initial_token();
  test_http_server peer;
  auto flow = peer_flow(*n1, token, peer, 3, 10, "cron", R"(,"schedule":"? * * * * *")");
  auto jobs = [&] {
    auto listed = call(*n1, token, "GET", "/v1/jobs?_flowId=" + flow).json();
    std::vector<std::string> minutes;
    for (const auto& j : listed.as_array())
      minutes.push_back(text(j.as_object(), "createdAt").substr(0, 16));  // the slot: up to the minute
    return minutes;
  };
  auto wait_for = [&](std::size_t count, int seconds) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (jobs().size() < count && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    return jobs().size() >= count;
  };
  BOOST_REQUIRE_MESSAGE(wait_for(1, 75), "no scheduled run within 75 s");
  n3->kill9();  // whichever node would have fired the next slot, two are left
  BOOST_REQUIRE_MESSAGE(wait_for(2, 75), "the next slot did not fire after a node died");
  std::this_thread::sleep_for(std::chrono::seconds(5));  // a second firing of a slot would be in by now
  auto minutes = jobs();
  BOOST_TEST(minutes.size() == 2u);
  BOOST_TEST(std::set<std::string>(minutes.begin(), minutes.end()).size() == minutes.size());
  BOOST_TEST(peer.sink("cron").size() == 3u * minutes.size());
}

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
  // A node with the CA's certificate joins, and takes its share of flows:
  // of 12 flows run on n1, those that hash to n2 run there (all 12 hashing
  // to n1 has odds of 1 in 4,096).
  auto n2 = node("n2");
  BOOST_TEST(members(*n1).count("n2") == 1u);
  until_all_see({n1.get(), n2.get()}, 2);
  auto token = n1->initial_token();
  test_http_server peer;
  // Each page comes 300 ms late: a run takes 3 s.
  peer.inject({.method = "GET", .path_prefix = "/source/page", .times = 1000000, .status = 200, .delay_ms = 300});
  std::vector<std::string> flows;
  for (int i = 0; i < 12; ++i) {
    flows.push_back(peer_flow(*n1, token, peer, 100, 10, "share"));
    run_flow(*n1, token, flows.back());
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  std::map<std::string, int> running_on;
  for (const auto& f : flows)
    ++running_on[lease_holder(*n1, f)];
  BOOST_TEST(running_on["n2"] > 0);
  BOOST_TEST(running_on["n1"] + running_on["n2"] == 12);
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
  // A node's start and stop must neither end (as interrupted) the jobs it
  // finds running nor run a flow whose lease a live node holds.
  auto n1 = node("n1");
  auto token = n1->initial_token();
  test_http_server peer;
  peer.inject({.method = "POST", .path_prefix = "/sink/slow", .times = 100000, .status = 200, .delay_ms = 10});
  auto flow = peer_flow(*n1, token, peer, 200, 10, "slow");
  auto run = [&] { return run_flow(*n1, token, flow); };
  auto first = run();
  auto second = run();  // queued behind the first, on n1
  for (int i = 0; i < 200 && peer.sink("slow").size() < 5; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  BOOST_REQUIRE(peer.sink("slow").size() >= 5u);
  auto n2 = node("n2");  // joins while n1 runs one job and queues the other
  BOOST_REQUIRE(n2->stop() == 0);  // and stops while it still does
  auto final_status = [&](const std::string& job) { return text(final_job(*n1, token, job), "status"); };
  BOOST_TEST(final_status(first) == "completed");
  BOOST_TEST(final_status(second) == "completed");
  // Each run once: n2 neither ran the queued job nor ended the running one.
  BOOST_TEST(peer.sink("slow").size() == 400u);
}

BOOST_AUTO_TEST_CASE(imports_spread_to_other_nodes_get_every_record_once_and_mapped) {
  auto three = start_three(*this, {"--spread-imports", "true"});
  auto &n1 = three[0], &n2 = three[1], &n3 = three[2];
  auto token = n1->initial_token();
  test_http_server peer;
  auto make = [&](const std::string& collection, const std::string& body) {
    auto r = call(*n1, token, "POST", "/v1/" + collection, body);
    BOOST_REQUIRE_MESSAGE(r.status == 201u, r.body);
    return std::string(r.json().at("_id").as_string());
  };
  auto conn = make("connections", R"({"type":"http","name":"peer","http":{"baseURI":")" + peer.base_url() + R"("}})");
  auto exp = make("exports", R"({"name":"src","adaptorType":"HTTPExport","_connectionId":")" + conn
                               + R"(","http":{"relativeURI":"/source/page?total=2000&size=100&page={{export.http.paging.page}}",)"
                               + R"("response":{"resourcePath":"items"},"paging":{"method":"page"}}})");
  // Two imports, each mapping its own fields: pages cross from the export's
  // node to the first import's, from there to the second's, and back.
  auto a = make("imports", R"({"name":"a","adaptorType":"HTTPImport","_connectionId":")" + conn
                             + R"(","http":{"method":["POST"],"relativeURI":["/sink/spread-a"]},)"
                             + R"("mapping":{"fields":[{"extract":"id","generate":"key"},{"extract":"name","generate":"who"}]}})");
  auto b = make("imports", R"({"name":"b","adaptorType":"HTTPImport","_connectionId":")" + conn
                             + R"(","http":{"method":["POST"],"relativeURI":["/sink/spread-b"]},)"
                             + R"("mapping":{"fields":[{"extract":"id","generate":"key"},{"extract":"email","generate":"mail"}]}})");
  auto flow = make("flows", R"({"name":"spread","pageGenerators":[{"_exportId":")" + exp
                              + R"("}],"pageProcessors":[{"type":"import","_importId":")" + a
                              + R"("},{"type":"import","_importId":")" + b + R"("}]})");
  // Slow enough that the flow's lease names the node running it meanwhile.
  peer.inject({.method = "POST", .path_prefix = "/sink/spread-a", .times = 1000000, .status = 200, .delay_ms = 1});
  auto job = run_flow(*n2, token, flow);
  std::string holder;
  for (int i = 0; i < 200 && holder.empty(); ++i) {
    holder = lease_holder(*n1, flow);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  auto j = final_job(*n3, token, job, 60);
  BOOST_TEST(text(j, "status") == "completed", boost::json::serialize(j));
  BOOST_TEST(number(j, "numError") == 0);
  // Each record once at each sink, as its import mapped it.
  for (const auto* sink : {"spread-a", "spread-b"}) {
    std::map<std::int64_t, boost::json::object> got;
    for (const auto& e : peer.sink(sink)) {
      const auto& r = e.record.as_object();
      BOOST_TEST(r.size() == 2u, sink << ": " << boost::json::serialize(r));
      BOOST_TEST(got.emplace(r.at("key").as_int64(), r).second, sink << ": sent twice");
    }
    BOOST_TEST(got.size() == 2000u, sink);
    for (const auto& [key, r] : got) {
      if (std::string(sink) == "spread-a")
        BOOST_TEST(text(r, "who") == "name-" + std::to_string(key));
      else
        BOOST_TEST(text(r, "mail") == "user-" + std::to_string(key) + "@example.com");
    }
  }
  // Both imports ran on nodes other than the one running the job.
  std::map<std::string, const server_process*> by_name{{"n1", n1.get()}, {"n2", n2.get()}, {"n3", n3.get()}};
  BOOST_REQUIRE(by_name.count(holder));
  std::int64_t elsewhere = 0;
  for (const auto& [name, n] : by_name)
    if (name != holder)
      elsewhere += stages_hosted(*n);
  BOOST_TEST(stages_hosted(*by_name.at(holder)) == 0);
  BOOST_TEST(elsewhere == 2);
}

BOOST_AUTO_TEST_CASE(a_job_whose_import_ran_on_a_killed_node_resumes_from_its_last_committed_page) {
  auto three = start_three(*this, {"--spread-imports", "true", "--node-timeout", "2"});
  auto &n1 = three[0], &n2 = three[1], &n3 = three[2];
  auto token = n1->initial_token();
  test_http_server peer;
  peer.inject({.method = "POST", .path_prefix = "/sink/far", .times = 1000000, .status = 200, .delay_ms = 2});
  auto flow = peer_flow(*n1, token, peer, 3000, 100, "far");
  auto job = run_flow(*n1, token, flow);
  for (int i = 0; i < 500 && peer.sink("far").size() < 600; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  BOOST_REQUIRE(peer.sink("far").size() >= 600u);
  auto sent_before = static_cast<std::int64_t>(peer.sink("far").size());
  BOOST_REQUIRE(sent_before < 3000);
  // Kill the node running the job's import (not the job's own node).
  std::map<std::string, server_process*> by_name{{"n1", n1.get()}, {"n2", n2.get()}, {"n3", n3.get()}};
  auto holder = lease_holder(*n1, flow);
  std::string host;
  for (const auto& [name, n] : by_name)
    if (name != holder && stages_hosted(*n) > 0)
      host = name;
  BOOST_REQUIRE_MESSAGE(!host.empty(), "no node runs the import for " << holder);
  by_name.at(host)->kill9();
  auto j = final_job(*by_name.at(holder), token, job, 90);
  BOOST_TEST(text(j, "status") == "completed", boost::json::serialize(j));
  BOOST_TEST(number(j, "numSuccess") == 3000);
  BOOST_TEST(number(j, "numExport") == 3000);
  std::map<std::string, int> seen;
  for (const auto& e : peer.sink("far"))
    ++seen[boost::json::serialize(e.record.at("id"))];
  BOOST_TEST(seen.size() == 3000u);
  auto resent = static_cast<std::int64_t>(peer.sink("far").size()) - 3000;
  BOOST_TEST_MESSAGE(resent << " records sent twice; the job says up to " << number(j, "numPossiblyResent"));
  BOOST_TEST(resent <= number(j, "numPossiblyResent"));
  // Resumed, not run again from zero.
  BOOST_TEST(resent < sent_before);
}

BOOST_AUTO_TEST_SUITE_END()
