#pragma once
// Flows end to end: a running integratord, the test HTTP server as both
// source and sink, and helpers to build connections, exports, imports and
// flows against it, run them and wait for their jobs.

#include <chrono>
#include <thread>

#include "tests/integration/fixture.hpp"
#include "tests/support/test_http_server.hpp"

namespace integrator::test {

struct flow_fixture : api_fixture {
  test_http_server peer;

  explicit flow_fixture(std::vector<std::string> extra = {}) : api_fixture(std::move(extra)) {}

  /// An http connection to the peer; `extra` is spliced into the http block.
  std::string peer_connection(const std::string& extra = {}) {
    return create("connections", R"({"type":"http","name":"Peer )" + std::to_string(++counter)
                                   + R"(","http":{"baseURI":")" + peer.base_url() + R"(")"
                                   + (extra.empty() ? "" : "," + extra) + "}}");
  }
  /// An HTTPExport on `connection` with the given http block.
  std::string http_export(const std::string& connection, const std::string& http_block,
                          const std::string& extra = {}) {
    return create("exports", R"({"name":"Export )" + std::to_string(++counter)
                               + R"(","adaptorType":"HTTPExport","_connectionId":")" + connection
                               + R"(","http":)" + http_block + (extra.empty() ? "" : "," + extra)
                               + "}");
  }
  std::string http_import(const std::string& connection, const std::string& http_block,
                          const std::string& extra = {}) {
    return create("imports", R"({"name":"Import )" + std::to_string(++counter)
                               + R"(","adaptorType":"HTTPImport","_connectionId":")" + connection
                               + R"(","http":)" + http_block + (extra.empty() ? "" : "," + extra)
                               + "}");
  }
  /// A flow from `export_id` through the imports, in order.
  std::string flow(const std::string& export_id, const std::vector<std::string>& imports,
                   const std::string& extra = {}) {
    std::string procs;
    for (const auto& i : imports)
      procs += (procs.empty() ? "" : ",") + std::string(R"({"type":"import","_importId":")") + i
               + "\"}";
    return create("flows", R"({"name":"Flow )" + std::to_string(++counter)
                             + R"(","pageGenerators":[{"_exportId":")" + export_id
                             + R"("}],"pageProcessors":[)" + procs + "]"
                             + (extra.empty() ? "" : "," + extra) + "}");
  }
  /// POST /flows/{id}/run; returns the job id.
  std::string run(const std::string& flow_id) {
    auto r = api("POST", "/v1/flows/" + flow_id + "/run");
    BOOST_REQUIRE_MESSAGE(r.status == 201, "run: " << r.status << " " << r.body);
    return std::string(r.json().at("_jobId").as_string());
  }
  boost::json::object job(const std::string& id) {
    auto r = api("GET", "/v1/jobs/" + id);
    BOOST_REQUIRE_MESSAGE(r.status == 200, "job: " << r.status << " " << r.body);
    return r.json().as_object();
  }
  /// Waits until the job is completed, failed or canceled (at most `seconds`).
  boost::json::object wait_job(const std::string& id, int seconds = 30) {
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    for (;;) {
      auto j = job(id);
      auto s = std::string(j.at("status").as_string());
      if (s == "completed" || s == "failed" || s == "canceled")
        return j;
      BOOST_REQUIRE_MESSAGE(std::chrono::steady_clock::now() < until,
                            "job " << id << " still " << s << " after " << seconds << " s");
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  /// Waits (at most ~4 s) until sink `name` holds `n` records: the job is
  /// really moving.
  void wait_for_sink(const std::string& name, std::size_t n) {
    for (int i = 0; i < 200 && peer.sink(name).size() < n; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  /// Waits (at most `seconds`) for flow `flow_id` to have a job it did not
  /// get from us (a schedule, a chain); its id, or "" when none came.
  std::string first_job_of(const std::string& flow_id, int seconds) {
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (std::chrono::steady_clock::now() < until) {
      auto latest = api("GET", "/v1/flows/" + flow_id + "/jobs/latest").json().as_array();
      if (!latest.empty())
        return std::string(latest[0].at("_id").as_string());
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return {};
  }
  static std::int64_t count(const boost::json::object& job, const char* field) {
    return job.at(field).as_int64();
  }
  int counter = 0;
};

/// The ids of the records a sink received, in order.
inline std::vector<std::int64_t> sink_ids(const test_http_server& peer, const std::string& name) {
  std::vector<std::int64_t> out;
  for (const auto& e : peer.sink(name)) {
    const auto& o = e.record.as_object();
    auto it = o.find("id");
    if (it == o.end())
      it = o.find("sourceId");
    if (it != o.end() && it->value().is_int64())
      out.push_back(it->value().as_int64());
    else if (it != o.end() && it->value().is_string())
      out.push_back(std::stoll(std::string(it->value().as_string())));
  }
  return out;
}

}  // namespace integrator::test
