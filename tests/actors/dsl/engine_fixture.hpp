#pragma once
// The engine's actors under CAF's deterministic test coordinator
// (caf/test/dsl.hpp): every actor runs on the test's thread, one message
// at a time, as the test says. The store is a real RocksDB in a temporary
// folder; outbound calls go through the real outbound client to the test
// HTTP peer, and complete on the calling thread (blocking_port), so their
// answers are in the caller's mailbox before the next message runs.
// Include after defining CAF_SUITE and including caf/test/dsl.hpp; include
// tests/support/test_http_server.hpp before dsl.hpp (whose `inject` macro
// would hit the server's inject()).

#include <boost/json.hpp>

#include <future>
#include <memory>

#include "actors/engine_store.hpp"
#include "actors/stages.hpp"
#include "cluster/node_config.hpp"
#include "core/api/operations.hpp"
#include "core/engine/job_store.hpp"
#include "core/engine/run_queue.hpp"
#include "core/resources/key_codec.hpp"
#include "http/client/outbound_client.hpp"
#include "tests/support/store_context.hpp"
#include "tests/support/test_http_server.hpp"

namespace integrator::test {

/// The real outbound client, answering on the thread that submits.
class blocking_port final : public outbound_port {
public:
  void submit(outbound_request req, std::string gate, int limit, retry_policy policy,
              completion done) override {
    std::promise<outbound_response> answer;
    auto got = answer.get_future();
    client_.submit(std::move(req), std::move(gate), limit, policy,
                   [&answer](outbound_response r) { answer.set_value(std::move(r)); });
    done(got.get());
  }

private:
  outbound_client client_{1};
};

struct engine_fixture : test_coordinator_fixture<node_config>, store_context {
  static constexpr const char* account = "5a0c3d0b8e4f2a1b3c4d5e6f";

  test_http_server peer;
  /// The node's services (node_config::services): a test may change them
  /// before it spawns what reads them.
  std::shared_ptr<node_services> services = install(make_services());
  engine_store_actor store = spawn_engine_store(sys);
  /// Spawns what the engine would (linked children); ignores their exits.
  caf::actor parent = sys.spawn(ignoring_parent, spawn_tag{});
  std::vector<caf::actor> spawned;  ///< stopped at the end

  ~engine_fixture() override {
    for (const auto& a : spawned)
      caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(parent, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(store, caf::exit_reason::user_shutdown);
    run();
  }

  static caf::behavior ignoring_parent(caf::event_based_actor* self, spawn_tag) {
    self->set_exit_handler([](caf::exit_msg&) {});
    return {[](int) {}};
  }

  std::shared_ptr<node_services> make_services() {
    auto s = std::make_shared<node_services>();
    s->store = std::shared_ptr<document_store>(std::shared_ptr<document_store>{}, ts.store.get());
    s->box = std::shared_ptr<const secret_box>(std::shared_ptr<const secret_box>{}, &box);
    s->outbound = std::make_shared<blocking_port>();
    s->pages_in_flight = 2;
    s->detach = false;
    s->test_hooks = true;
    return s;
  }

  std::shared_ptr<node_services> install(std::shared_ptr<node_services> s) {
    cfg.services = s;
    return s;
  }

  /// The actor that spawns, as the engine would.
  caf::local_actor* spawner() { return caf::actor_cast<caf::event_based_actor*>(parent); }

  template <class Handle>
  Handle keep(Handle h) {
    spawned.push_back(caf::actor_cast<caf::actor>(h));
    return h;
  }

  // -- documents ------------------------------------------------------------

  std::string create(resource_kind kind, const std::string& body) {
    api_call c;
    c.op = api_op::create;
    c.kind = kind;
    c.body = body;
    principal who;
    who.account_id = account;
    auto r = run_store_operation(ctx, who, c, wall_clock_ms());
    CAF_REQUIRE(r.status == api_status::created);
    return std::string(boost::json::parse(r.body).at("_id").as_string());
  }

  /// A flow from the peer's paged source (`total` records, pages of
  /// `size`) into its sink `sink`.
  std::string flow(int total, int size, const std::string& sink) {
    auto conn = create(resource_kind::connection,
                       R"({"type":"http","name":"Peer","http":{"baseURI":")" + peer.base_url() + "\"}}");
    auto exp = create(resource_kind::export_,
                      R"({"name":"E","adaptorType":"HTTPExport","_connectionId":")" + conn
                        + R"(","pageSize":)" + std::to_string(size)
                        + R"(,"http":{"relativeURI":"/source/page?total=)" + std::to_string(total)
                        + "&size=" + std::to_string(size) + R"(&page={{export.http.paging.page}}",
                        "response":{"resourcePath":"items"},"paging":{"method":"page"}}})");
    auto imp = create(resource_kind::import_,
                      R"({"name":"I","adaptorType":"HTTPImport","_connectionId":")" + conn
                        + R"(","http":{"method":["POST"],"relativeURI":["/sink/)" + sink
                        + R"("]}})");
    return create(resource_kind::flow, R"({"name":"F","pageGenerators":[{"_exportId":")" + exp
                                         + R"("}],"pageProcessors":[{"type":"import","_importId":")"
                                         + imp + "\"}]}");
  }

  std::string queue_run(const std::string& flow_id) {
    auto job_id = ids.next(static_cast<std::uint32_t>(wall_clock_ms() / 1000));
    auto job = enqueue_run(resources, account, flow_id, job_id, {}, wall_clock_ms());
    CAF_REQUIRE(job.has_value());
    return job_id;
  }

  job_doc stored_job(const std::string& id) {
    auto j = job_store(*ts.store).load(account, id);
    CAF_REQUIRE(j.has_value());
    return *j;
  }

  /// The codes of the job errors stored under flow job `id`.
  std::vector<std::string> error_codes(const std::string& id) {
    std::vector<std::string> out;
    ts.store->scan(keys::job_errors_space, keys::job_errors_prefix(account, id),
                   [&](std::string_view, std::string_view value) {
                     out.emplace_back(boost::json::parse(value).at("code").as_string());
                     return true;
                   });
    return out;
  }
};

}  // namespace integrator::test
