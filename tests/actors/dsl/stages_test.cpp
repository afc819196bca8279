// The stages of a job, message by message: credit bounds what a stage has
// out to the next one, and a stage ends only after everything before it.
#include "actors/stages.hpp"

#include "tests/support/test_http_server.hpp"

#define CAF_SUITE stages
#include <caf/test/dsl.hpp>

#include "tests/actors/dsl/engine_fixture.hpp"

using namespace integrator;
using namespace integrator::test;

namespace {

// A page of `n` small records.
record_page page_of(std::size_t n) {
  page_builder b(n, max_page_bytes);
  for (std::size_t i = 0; i < n; ++i)
    b.append(R"({"id":)" + std::to_string(i) + "}");
  return b.take();
}

// A plan whose first station is a router that sends every record on.
std::shared_ptr<const flow_plan> router_plan() {
  job_spec spec;
  spec.flow = R"({"_id":"f","pageGenerators":[{"_exportId":"e1"}],"routers":[{"id":"r1",
                  "routeRecordsTo":"first_matching_branch","branches":[{"name":"all",
                  "pageProcessors":[{"type":"import","_importId":"i1"}]}]}]})";
  spec.connections = {{"c", R"({"_id":"c","type":"http","http":{"baseURI":"http://127.0.0.1:9"}})"}};
  spec.exports = {{"e1", R"({"_id":"e1","_connectionId":"c","adaptorType":"HTTPExport","http":{"relativeURI":"/x"}})"}};
  spec.imports = {{"i1", R"({"_connectionId":"c","adaptorType":"HTTPImport","http":{"method":["POST"],"relativeURI":["/y"]}})"}};
  auto plan = flow_plan::compile(spec);
  CAF_REQUIRE(plan.has_value());
  return std::make_shared<const flow_plan>(std::move(*plan));
}

// The next stage, which keeps the pages and gives no credit back.
page_sink_actor::behavior_type holding_sink(page_sink_actor::pointer, spawn_tag) {
  return {
    [](page_atom, const record_page&) {},
    [](end_atom) {},
  };
}

// A job that only listens.
job_report_actor::behavior_type quiet_job(job_report_actor::pointer, spawn_tag) {
  return {
    [](report_atom, const stage_report&) {},
    [](once_atom, std::uint64_t, const std::vector<once_call>&) {},
  };
}

struct stage_fixture : engine_fixture {
  page_sink_actor sink = keep(sys.spawn(holding_sink, spawn_tag{}));
  job_report_actor job = keep(sys.spawn(quiet_job, spawn_tag{}));

  stage_links links(std::int32_t upstreams = 1) {
    stage_links l;
    l.job = job;
    l.downstream = sink;
    l.step = -1;
    l.upstreams = upstreams;
    return l;
  }
};

}  // namespace

CAF_TEST_FIXTURE_SCOPE(stages_tests, stage_fixture)

CAF_TEST(a_stage_has_at_most_its_credit_out_and_returns_credit_as_pages_leave) {
  auto router = spawn_router_stage(spawner(), router_plan(), 0, links());
  run();
  for (int i = 0; i < 3; ++i)
    self->send(router, page_atom::value, page_of(2));
  // Two pages of credit (pages_in_flight): two go on, each giving one
  // credit back to whoever sent it.
  expect((page_atom, record_page), from(self).to(router));
  expect((page_atom, record_page), from(router).to(sink));
  expect((credit_atom, std::int32_t), from(router).to(self).with(_, 1));
  expect((page_atom, record_page), from(self).to(router));
  expect((page_atom, record_page), from(router).to(sink));
  expect((credit_atom, std::int32_t), from(router).to(self).with(_, 1));
  // The third waits: no credit comes back for it yet.
  expect((page_atom, record_page), from(self).to(router));
  CAF_CHECK(!sched.has_job());
  CAF_CHECK(!received<credit_atom, std::int32_t>(self));
  // One credit from the next stage lets it go.
  caf::anon_send(router, credit_atom::value, std::int32_t{1});
  expect((credit_atom, std::int32_t), from(_).to(router).with(_, 1));
  expect((page_atom, record_page), from(router).to(sink));
  expect((credit_atom, std::int32_t), from(router).to(self).with(_, 1));
}

CAF_TEST(the_first_stage_ends_only_after_every_generator_has) {
  auto router = spawn_router_stage(spawner(), router_plan(), 0, links(2));
  run();
  self->send(router, end_atom::value);
  expect((end_atom), from(self).to(router));
  CAF_CHECK(!sched.has_job());  // one generator is still going
  self->send(router, page_atom::value, page_of(1));
  expect((page_atom, record_page), from(self).to(router));
  expect((page_atom, record_page), from(router).to(sink));
  expect((credit_atom, std::int32_t), from(router).to(self).with(_, 1));
  self->send(router, end_atom::value);
  expect((end_atom), from(self).to(router));
  expect((end_atom), from(router).to(sink));
}

CAF_TEST(an_export_stage_asks_for_no_more_than_its_credit_allows) {
  job_spec spec;
  spec.flow = R"({"_id":"f","pageGenerators":[{"_exportId":"e1"}]})";
  spec.connections = {{"c", R"({"_id":"c","type":"http","http":{"baseURI":")" + peer.base_url() + "\"}}"}};
  spec.exports = {{"e1", R"({"_id":"e1","_connectionId":"c","adaptorType":"HTTPExport","pageSize":5,
                             "http":{"relativeURI":"/source/page?total=100&size=5&page={{export.http.paging.page}}",
                             "response":{"resourcePath":"items"},"paging":{"method":"page"}}})"}};
  auto plan = flow_plan::compile(spec);
  CAF_REQUIRE(plan.has_value());
  auto shared = std::make_shared<const flow_plan>(std::move(*plan));
  auto l = links();
  l.step = 0;
  auto generator = spawn_export_stage(spawner(), shared, 0, l);
  run();
  // Two pages out and none given back: it stops asking the source (one
  // page ahead at most), far from the 20 pages it has.
  CAF_CHECK_LESS_OR_EQUAL(peer.hits("/source/page"), 3);
  CAF_CHECK(!sched.has_job());
  caf::anon_send(generator, credit_atom::value, std::int32_t{1});
  run();
  CAF_CHECK_LESS_OR_EQUAL(peer.hits("/source/page"), 4);
  caf::anon_send(generator, credit_atom::value, std::int32_t{100});
  run();
  CAF_CHECK_EQUAL(peer.hits("/source/page"), 21);  // 20 pages and the empty one
}

CAF_TEST_FIXTURE_SCOPE_END()
