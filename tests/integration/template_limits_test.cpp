// Issue 14 §2: one tenant's template can neither crash nor stall the
// server. Templates nested 10,000 deep killed integratord with SIGSEGV when
// rendered; {{#each}} nested over large arrays rendered for minutes on the
// thread that answers every account's calls. Now the first is a 422 when
// saved and the second fails its records with template_limit, while
// another account's calls are answered as usual.
#include "tests/integration/flow_fixture.hpp"

#include <atomic>

using namespace integrator::test;
namespace json = boost::json;

namespace {

std::string repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i)
    out += s;
  return out;
}

// Three {{#each}} over `list` (a 1,000-element array): 10^9 iterations.
std::string runaway(const std::string& list) {
  return "{{#each " + list + "}}{{#each ../" + list + "}}{{#each ../../" + list
         + "}}.{{/each}}{{/each}}{{/each}}";
}

std::string thousand() {
  json::array a;
  for (int i = 0; i < 1000; ++i)
    a.push_back(i);
  return json::serialize(a);
}

// Another account's calls, timed in a thread of their own until stop().
struct bystander {
  std::string token;
  std::atomic<bool> done{false};
  std::atomic<long> slowest_ms{0};
  std::atomic<int> answered{0};
  std::thread watcher;

  explicit bystander(flow_fixture& f) : token(f.new_account("bystander")) {
    watcher = std::thread([this, host = f.server.host(), port = f.server.port()] {
      http_client own{host, port};
      while (!done) {
        auto start = std::chrono::steady_clock::now();
        auto r = own.request("GET", "/v1/connections", "", {{"Authorization", "Bearer " + token}});
        long ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start)
                    .count();
        if (r.status == 200u)
          ++answered;
        slowest_ms = std::max(slowest_ms.load(), ms);
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    });
  }
  ~bystander() { stop(); }

  void stop() {
    done = true;
    if (watcher.joinable())
      watcher.join();
  }

  /// Answered throughout, none slower than a second.
  void check() const {
    BOOST_TEST_MESSAGE("the bystander's slowest call " << slowest_ms << " ms of " << answered << " answered");
    BOOST_TEST(answered > 0);
    BOOST_TEST(slowest_ms < 1000);
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(template_limits)

BOOST_FIXTURE_TEST_CASE(templates_that_cannot_run_are_refused_on_save, flow_fixture) {
  auto conn = peer_connection();
  auto post = [&](const std::string& collection, const std::string& adaptor, const std::string& http) {
    return api("POST", "/v1/" + collection, R"({"name":"x","adaptorType":")" + adaptor
                                                + R"(","_connectionId":")" + conn + R"(","http":)" + http + "}");
  };
  auto deep = repeat("{{#each a}}", 10'000) + "x" + repeat("{{/each}}", 10'000);
  auto deep_sub = "{{not " + repeat("(not ", 10'000) + "a" + repeat(")", 10'000) + "}}";
  struct refused {
    std::string collection, adaptor, http, why;
  };
  for (const auto& c : std::vector<refused>{
         {"imports", "HTTPImport", R"({"method":["POST"],"relativeURI":["/sink/x"],"body":[")" + deep + "\"]}",
          "nest deeper"},
         {"exports", "HTTPExport", R"({"relativeURI":"/source/page?q=)" + deep_sub + "\"}", "nest deeper"},
         {"exports", "HTTPExport", R"({"relativeURI":"/source/{{#if a}}page"})", "missing {{/if}}"},
         {"imports", "HTTPImport", R"({"method":["POST"],"relativeURI":["/sink/{{#if a}}x{{/each}}"]})",
          "unexpected {{/each}}"},
         {"imports", "HTTPImport", R"({"method":["POST"],"relativeURI":["/sink/x"],"body":["{{> p}}"]})",
          "partials"},
         {"imports", "HTTPImport", R"({"method":["POST"],"relativeURI":["/sink/{{shout id}}"]})",
          "unknown helper"}}) {
    auto r = post(c.collection, c.adaptor, c.http);
    BOOST_TEST(r.status == 422u, c.why << ": " << r.status << " " << r.body.substr(0, 300));
    BOOST_TEST(r.body.find(c.why) != std::string::npos, c.why << ": " << r.body.substr(0, 300));
  }
  // Previews and standalone calls compile what they are sent the same way.
  auto preview = api("POST", "/v1/exports/preview",
                     R"({"name":"p","adaptorType":"HTTPExport","_connectionId":")" + conn
                       + R"(","http":{"relativeURI":"/source/page?q=)" + deep_sub + "\"}}");
  BOOST_TEST(preview.status == 422u, preview.body.substr(0, 300));
  auto standalone = api("POST", "/v1/connections/" + conn + "/import",
                        R"({"import":{"http":{"method":["POST"],"relativeURI":["/sink/x"],"body":[")" + deep
                          + R"("]}},"data":[{"id":1}]})");
  BOOST_TEST(standalone.status == 422u, standalone.body.substr(0, 300));
  BOOST_TEST(api("GET", "/v1/tokenInfo").status == 200u);
  BOOST_TEST(peer.sink("x").empty());
}

BOOST_FIXTURE_TEST_CASE(a_runaway_render_fails_its_records_and_stalls_no_one, flow_fixture) {
  auto conn = peer_connection();
  auto imp = http_import(conn, R"({"method":["POST"],"relativeURI":["/sink/runaway"],"body":[")"
                                 + runaway("items") + "\"]}");
  bystander watch{*this};
  std::string records;
  for (int i = 0; i < 12; ++i)
    records += std::string(i ? "," : "") + R"({"id":)" + std::to_string(i) + R"(,"items":)" + thousand() + "}";
  auto started = std::chrono::steady_clock::now();
  auto r = api("POST", "/v1/imports/" + imp + "/invoke", R"({"data":[)" + records + "]}");
  auto took = std::chrono::steady_clock::now() - started;
  watch.stop();
  BOOST_REQUIRE_MESSAGE(r.status == 200u, r.status << " " << r.body.substr(0, 300));
  auto results = r.json().as_array();
  BOOST_REQUIRE_EQUAL(results.size(), 12u);
  for (const auto& one : results) {
    BOOST_TEST(one.at("statusCode").as_int64() == 422);
    BOOST_TEST(one.at("errors").at(0).at("code").as_string() == "template_limit");
  }
  BOOST_TEST(peer.sink("runaway").empty());
  // Every record went to its step budget, so the call took a while; the
  // bystander's calls were answered throughout.
  auto took_ms = std::chrono::duration_cast<std::chrono::milliseconds>(took).count();
  BOOST_TEST_MESSAGE("invoke took " << took_ms << " ms");
  watch.check();
}

// Two flows at once, so their runaway stages could hold every thread of a
// two-core scheduler: the bystander is answered throughout all the same.
BOOST_FIXTURE_TEST_CASE(a_runaway_render_in_a_run_is_a_job_error_and_stalls_no_one, flow_fixture) {
  auto conn = peer_connection();
  auto exp = http_export(conn, R"({"relativeURI":"/source/page?total=6&size=6","response":{"resourcePath":"items"}})");
  auto imp = http_import(conn, R"({"method":["POST"],"relativeURI":["/sink/run"],"body":[")"
                                 + runaway("settings.flow.big") + "\"]}");
  auto settings = R"("settings":{"big":)" + thousand() + "}";
  auto f1 = flow(exp, {imp}, settings);
  auto f2 = flow(exp, {imp}, settings);
  bystander watch{*this};
  auto j1 = run(f1);
  auto j2 = run(f2);
  for (const auto& id : {j1, j2}) {
    auto j = wait_job(id, 60);
    BOOST_TEST(j.at("numError").as_int64() == 6);  // each record over its budget
    auto errors = api("GET", "/v1/jobs/" + id + "/joberrors").json().as_array();
    BOOST_REQUIRE(!errors.empty());
    BOOST_TEST(errors[0].at("code").as_string() == "template_limit");
  }
  watch.stop();
  BOOST_TEST(peer.sink("run").empty());
  watch.check();
}

BOOST_AUTO_TEST_SUITE_END()
