// The engine's operations as the shard prepares them, over a real store:
// what is answered at once, what is asked of the engine, and what the
// answers become.
#include "core/api/engine_operations.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "core/engine/job_store.hpp"
#include "tests/storage/account_fixture.hpp"

using namespace integrator;
using namespace integrator::test;
namespace json = boost::json;

namespace {

struct engine_fixture : account_fixture {
  std::string conn = connection();
  std::string exp = create(resource_kind::export_,
                           R"({"name":"E","adaptorType":"HTTPExport","_connectionId":")" + conn
                             + R"(","http":{"relativeURI":"/items"}})");
  std::string flow = create(resource_kind::flow,
                            R"({"name":"F","pageGenerators":[{"_exportId":")" + exp + "\"}]}");

  api_call call_of(api_op op, std::string id, std::string body = {}) {
    api_call c;
    c.op = op;
    c.id = std::move(id);
    c.body = std::move(body);
    return c;
  }

  job_doc job(job_status status, const std::string& parent = "") {
    job_doc j;
    j.id = ids.next(static_cast<std::uint32_t>(now / 1000));
    j.flow_id = flow;
    j.flow_job_id = parent;
    j.type = parent.empty() ? "flow" : "import";
    j.status = status;
    write_batch b;
    job_store::put(b, acc_a, j);
    ts.store->write(b);
    return j;
  }
};

principal custom_scope() {
  auto who = account_fixture::caller();
  who.scope.full = false;
  return who;
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(engine_operations_test, engine_fixture)

BOOST_AUTO_TEST_CASE(a_run_is_queued_and_handed_to_the_engine) {
  auto step = run_flow(ctx, caller(), call_of(api_op::flow_run, flow), now);
  BOOST_TEST((step.reply.status == api_status::created));
  BOOST_TEST(std::holds_alternative<std::monostate>(step.request));
  BOOST_REQUIRE(step.runs.size() == 1u);
  BOOST_TEST(step.runs[0].flow_id == flow);
  auto job_id = std::string(body_of(step.reply).at("_jobId").as_string());
  BOOST_TEST(step.runs[0].job_id == job_id);
  BOOST_TEST((job_store(*ts.store).load(acc_a, job_id)->status == job_status::queued));
}

BOOST_AUTO_TEST_CASE(a_run_is_refused_with_the_reason) {
  BOOST_TEST((run_flow(ctx, custom_scope(), call_of(api_op::flow_run, flow), now).reply.error.kind()
              == errc::forbidden));
  auto bad_ids = run_flow(ctx, caller(), call_of(api_op::flow_run, flow, R"({"_exportIds":["nope"]})"), now);
  BOOST_TEST(bad_ids.reply.error.field == "_exportIds");
  BOOST_TEST(bad_ids.runs.empty());
  auto bad_dates = run_flow(ctx, caller(),
                            call_of(api_op::flow_run, flow,
                                    R"({"startDate":"2024-02-01T00:00:00Z","endDate":"2024-01-01T00:00:00Z"})"),
                            now);
  BOOST_TEST(code_name(bad_dates.reply.error.code) == "invalid_date");
  auto missing = run_flow(ctx, caller(), call_of(api_op::flow_run, other), now);
  BOOST_TEST((missing.reply.error.kind() == errc::not_found));
}

BOOST_AUTO_TEST_CASE(only_a_flow_job_not_yet_over_goes_to_the_engine_to_cancel) {
  auto done = job(job_status::completed);
  auto running = job(job_status::running);
  auto child = job(job_status::running, running.id);
  auto over = cancel_job(ctx, caller(), call_of(api_op::job_cancel, done.id), now);
  BOOST_TEST((over.reply.error.kind() == errc::conflict));
  BOOST_TEST(code_name(over.reply.error.code) == "job_finished");
  auto part = cancel_job(ctx, caller(), call_of(api_op::job_cancel, child.id), now);
  BOOST_TEST(code_name(part.reply.error.code) == "not_a_flow_job");
  BOOST_TEST((cancel_job(ctx, custom_scope(), call_of(api_op::job_cancel, running.id), now)
                .reply.error.kind() == errc::forbidden));
  auto go = cancel_job(ctx, caller(), call_of(api_op::job_cancel, running.id), now);
  const auto* request = std::get_if<cancel_request>(&go.request);
  BOOST_REQUIRE(request);
  BOOST_TEST(request->job_id == running.id);
  BOOST_TEST(request->flow_id == flow);
}

BOOST_AUTO_TEST_CASE(a_proxied_call_needs_its_target_and_carries_the_opened_connection) {
  auto c = call_of(api_op::connection_proxy, conn, "{}");
  BOOST_TEST(code_name(proxy_call(ctx, caller(), c, now).reply.error.code) == "missing_header");
  c.headers = {{"integrator-relative-uri", "/v2/things"}, {"integrator-method", "patch"}};
  auto step = proxy_call(ctx, caller(), c, now);
  const auto* request = std::get_if<proxy_request>(&step.request);
  BOOST_REQUIRE(request);
  BOOST_TEST(request->method == "PATCH");
  BOOST_TEST(request->relative_uri == "/v2/things");
  BOOST_TEST(request->connection.find("hunter2") != std::string::npos);
  c.id = other;
  BOOST_TEST((proxy_call(ctx, caller(), c, now).reply.error.kind() == errc::not_found));
}

BOOST_AUTO_TEST_CASE(a_paged_export_state_is_signed_and_only_taken_back_unaltered) {
  auto body = R"({"export":{"adaptorType":"HTTPExport","http":{"relativeURI":"/items"}}})";
  auto first = export_on_connection(ctx, caller(), call_of(api_op::connection_export_pages, conn, body), now);
  const auto* call = std::get_if<export_call>(&first.request);
  BOOST_REQUIRE(call);
  BOOST_TEST(call->request.one_page);
  BOOST_TEST(call->request.position.empty());
  export_page page;
  page.data = R"([{"id":1}])";
  page.count = 1;
  page.position = R"({"page":2})";
  auto answer = body_of(answer_export(box, *call, page, now));
  BOOST_TEST(answer.at("data").as_array().size() == 1u);
  auto state = answer.at("pagedExportState");
  BOOST_TEST(state.at("pageSize").as_int64() == 1);
  // Sent back as it came: the next page starts where the first ended.
  auto again = json::serialize(json::object{{"export", json::parse(body).at("export")}, {"pagedExportState", state}});
  auto second = export_on_connection(ctx, caller(), call_of(api_op::connection_export_pages, conn, again), now);
  const auto* next = std::get_if<export_call>(&second.request);
  BOOST_REQUIRE(next);
  BOOST_TEST(next->request.position == R"({"page":2})");
  BOOST_TEST(next->paged->page_index == 1);
  // Altered: refused.
  state.as_object()["pageIndex"] = 7;
  auto altered = json::serialize(json::object{{"export", json::parse(body).at("export")}, {"pagedExportState", state}});
  auto refused = export_on_connection(ctx, caller(), call_of(api_op::connection_export_pages, conn, altered), now);
  BOOST_TEST(code_name(refused.reply.error.code) == "invalid_paged_export_state");
}

BOOST_AUTO_TEST_CASE(a_saved_connections_ping_sets_and_clears_its_offline_flag) {
  auto step = ping_connection(ctx, caller(), call_of(api_op::connection_ping, conn), now);
  const auto* ping = std::get_if<ping_call>(&step.request);
  BOOST_REQUIRE(ping);
  auto offline = [&] {
    return body_of(call(api_op::get, resource_kind::connection, conn)).at("offline") == true;
  };
  answer_ping(resources, caller(), *ping,
              api_reply::fail(make_api_error(error_code::ping_failed, "401")), now);
  BOOST_TEST(offline());
  answer_ping(resources, caller(), *ping, api_reply::json(api_status::ok, R"({"code":200})"), now);
  BOOST_TEST(!offline());
}

BOOST_AUTO_TEST_CASE(a_step_retry_takes_only_arrays_of_strings) {
  auto c = call_of(api_op::step_retry, flow, R"({"errorIds":"e1"})");
  c.sub_id = exp;
  BOOST_TEST(code_name(retry_step_errors(ctx, caller(), c, now).reply.error.code) == "invalid_request");
  c.body = R"({"errorFileId":"x"})";
  BOOST_TEST(code_name(retry_step_errors(ctx, caller(), c, now).reply.error.code) == "invalid_request");
  c.body = R"({"errorIds":["e1"]})";
  BOOST_TEST(code_name(retry_step_errors(ctx, caller(), c, now).reply.error.code) == "nothing_to_retry");
}

BOOST_AUTO_TEST_SUITE_END()
