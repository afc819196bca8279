// An export's preSavePage hook stage, message by message, with the real
// script pool (Node.js workers, sandbox/) answering on the calling thread:
// what the script returns goes on in page order, and abort stops the export.
#include "actors/stages.hpp"

#include "sandbox/script_pool.hpp"
#include "tests/support/test_http_server.hpp"

#define CAF_SUITE hook_stage
#include <caf/test/dsl.hpp>

#include <future>

#include "tests/actors/dsl/engine_fixture.hpp"

using namespace integrator;
using namespace integrator::test;

namespace {

/// The real script pool, answering on the thread that submits.
class blocking_scripts final : public script_port {
public:
  void submit(script_call call, completion done) override {
    std::promise<user_code_answer> answer;
    auto got = answer.get_future();
    pool_.submit(std::move(call), [&answer](user_code_answer a) { answer.set_value(std::move(a)); });
    done(got.get());
  }

private:
  script_pool pool_{"/usr/bin/node", INTEGRATOR_SOURCE_DIR "/sandbox", script_limits{1, 30'000, 128}};
};

/// The next stage: keeps what it gets.
struct captured {
  std::vector<record_page> pages;
  int ends = 0;
};

page_sink_actor::behavior_type capturing_sink(page_sink_actor::pointer, std::shared_ptr<captured> into) {
  return {
    [into](page_atom, const record_page& p) { into->pages.push_back(p); },
    [into](end_atom) { ++into->ends; },
  };
}

job_report_actor::behavior_type counting_job(job_report_actor::pointer, std::shared_ptr<std::vector<stage_report>> into) {
  return {
    [into](report_atom, const stage_report& r) { into->push_back(r); },
    [](once_atom, std::uint64_t, const std::vector<once_call>&) {},
  };
}

std::shared_ptr<const flow_plan> hooked_plan(const std::string& script) {
  job_spec spec;
  spec.flow = R"({"_id":"f","pageGenerators":[{"_exportId":"e1"}]})";
  spec.connections = {{"c", R"({"_id":"c","type":"http","http":{"baseURI":"http://127.0.0.1:9"}})"}};
  spec.exports = {{"e1", R"({"_id":"e1","_connectionId":"c","adaptorType":"HTTPExport","http":{"relativeURI":"/x"},
                             "hooks":{"preSavePage":{"_scriptId":"s1","function":"pre"}}})"}};
  spec.scripts = {{"s1", boost::json::serialize(boost::json::object{{"_id", "s1"}, {"content", script}})}};
  auto plan = flow_plan::compile(spec);
  CAF_REQUIRE(plan.has_value());
  return std::make_shared<const flow_plan>(std::move(*plan));
}

record_page page_of(std::uint64_t number, std::size_t n) {
  page_builder b(n, max_page_bytes);
  for (std::size_t i = 0; i < n; ++i)
    b.append(R"({"id":)" + std::to_string(i) + "}");
  return b.take(page_origin(0, number));
}

struct hook_fixture : engine_fixture {
  std::shared_ptr<captured> got = std::make_shared<captured>();
  std::shared_ptr<std::vector<stage_report>> reports = std::make_shared<std::vector<stage_report>>();
  page_sink_actor sink = keep(sys.spawn(capturing_sink, got));
  job_report_actor job = keep(sys.spawn(counting_job, reports));

  hook_fixture() { services->scripts = std::make_shared<blocking_scripts>(); }

  hook_stage_actor hook(const std::string& script) {
    stage_links l;
    l.job = job;
    l.downstream = sink;
    l.step = 0;
    l.account = account;
    auto h = spawn_hook_stage(spawner(), hooked_plan(script), 0, l);
    run();
    return h;
  }
};

}  // namespace

CAF_TEST_FIXTURE_SCOPE(hook_stage_tests, hook_fixture)

CAF_TEST(what_the_script_returns_goes_on_in_page_order_and_abort_stops_the_export) {
  auto stage = hook("function pre({ data, pageIndex }) {\n"
                    "  return { data: data.filter((r) => r.id % 2 === 0).map((r) => ({ ...r, page: pageIndex })),\n"
                    "           abort: pageIndex === 1 }\n}\n");
  self->send(stage, page_atom::value, page_of(1, 4));
  self->send(stage, page_atom::value, page_of(2, 4));
  self->send(stage, page_atom::value, page_of(3, 4));  // after the abort
  run();
  // Two pages of credit (pages_in_flight): the third waits for one back.
  CAF_REQUIRE_EQUAL(got->pages.size(), 2u);
  caf::anon_send(stage, credit_atom::value, std::int32_t{1});
  run();
  CAF_REQUIRE_EQUAL(got->pages.size(), 3u);
  CAF_CHECK_EQUAL(got->pages[0].size(), 2u);  // ids 0 and 2
  CAF_CHECK_EQUAL(std::string(got->pages[1].record(1)), R"({"id":2,"page":1})");
  CAF_CHECK_EQUAL(got->pages[1].origin(), page_origin(0, 2));
  CAF_CHECK_EQUAL(got->pages[2].size(), 0u);  // the export's further page goes nowhere
  CAF_CHECK_EQUAL(got->pages[2].origin(), page_origin(0, 3));  // but is seen through
  // The export was told to stop, after credits for the pages that left.
  bool told_to_stop = false;
  int credits = 0;
  while (!self->mailbox().empty())
    self->receive([&](cancel_atom) { told_to_stop = true; }, [&](credit_atom, std::int32_t n) { credits += n; });
  CAF_CHECK(told_to_stop);
  CAF_CHECK_EQUAL(credits, 3);
  self->send(stage, end_atom::value);
  run();
  CAF_CHECK_EQUAL(got->ends, 1);
}

CAF_TEST(a_script_that_throws_fails_the_flow_and_keeps_the_records) {
  auto stage = hook("function pre() { throw new Error('nope') }\n");
  self->send(stage, page_atom::value, page_of(1, 3));
  run();
  CAF_REQUIRE_EQUAL(got->pages.size(), 1u);
  CAF_CHECK_EQUAL(got->pages[0].size(), 0u);
  CAF_REQUIRE_EQUAL(reports->size(), 1u);
  CAF_CHECK((*reports)[0].fatal.find("nope") != std::string::npos);
  CAF_CHECK_EQUAL((*reports)[0].errors.size(), 3u);
  CAF_CHECK(!(*reports)[0].errors[0].retry_data_key.empty());
}

CAF_TEST_FIXTURE_SCOPE_END()
