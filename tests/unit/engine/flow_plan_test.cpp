#include "core/engine/flow_plan.hpp"

#include "tests/support/why_not.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

using namespace integrator;
using integrator::test::why_not;

namespace {

// A flow of one HTTP export into two imports, on one connection.
job_spec two_import_flow() {
  job_spec spec;
  spec.flow = R"({"_id":"f","pageGenerators":[{"_exportId":"e1"}],
                  "pageProcessors":[{"type":"import","_importId":"i1"},{"type":"import","_importId":"i2"}]})";
  spec.connections = {{"c", R"({"_id":"c","type":"http","http":{"baseURI":"http://127.0.0.1:9"}})"}};
  spec.exports = {{"e1", R"({"_id":"e1","_connectionId":"c","adaptorType":"HTTPExport","http":{"relativeURI":"/x"}})"}};
  const char* import = R"({"_connectionId":"c","adaptorType":"HTTPImport","http":{"method":["POST"],"relativeURI":["/y"]}})";
  spec.imports = {{"i1", import}, {"i2", import}};
  return spec;
}

job_doc job_of(const std::string& type) {
  job_doc j;
  j.type = type;
  return j;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(flow_plan_test)

BOOST_AUTO_TEST_CASE(a_run_gets_its_plan_and_starts_at_the_first_station) {
  std::size_t first = 7;
  auto plan = flow_plan::for_job(two_import_flow(), job_of("flow"), 0, first);
  BOOST_TEST_REQUIRE(plan.has_value(), why_not(plan));
  BOOST_TEST(plan->generators.size() == 1u);
  BOOST_TEST(plan->stations.size() == 2u);
  BOOST_TEST(first == 0u);
}

BOOST_AUTO_TEST_CASE(a_retry_starts_at_its_step_or_cannot_run_without_it) {
  std::size_t first = 0;
  auto retry = job_of("retry");
  retry.retry_step_id = "i2";
  BOOST_TEST_REQUIRE(flow_plan::for_job(two_import_flow(), retry, 0, first).has_value());
  BOOST_TEST(first == 1u);
  retry.retry_step_id = "e1";  // an export's errors go back into the first import
  BOOST_TEST_REQUIRE(flow_plan::for_job(two_import_flow(), retry, 0, first).has_value());
  BOOST_TEST(first == 0u);
  retry.retry_step_id = "gone";
  auto gone = flow_plan::for_job(two_import_flow(), retry, 0, first);
  BOOST_TEST(!gone);
  BOOST_TEST(why_not(gone) == "step gone is no longer in the flow");
}

BOOST_AUTO_TEST_CASE(stages_are_isolated_only_when_a_document_loops) {
  std::size_t first = 0;
  auto spec = two_import_flow();
  auto plain = flow_plan::for_job(spec, job_of("flow"), 0, first);
  BOOST_TEST_REQUIRE(plain.has_value(), why_not(plain));
  BOOST_TEST(!plain->isolate_stages);
  spec.imports[1].second = R"({"_connectionId":"c","adaptorType":"HTTPImport",
      "http":{"method":["POST"],"relativeURI":["/y"],"body":["{{#each data}}{{id}}{{/each}}"]}})";
  auto looping = flow_plan::for_job(spec, job_of("flow"), 0, first);
  BOOST_TEST_REQUIRE(looping.has_value(), why_not(looping));
  BOOST_TEST(looping->isolate_stages);
}

BOOST_AUTO_TEST_CASE(a_run_of_an_export_the_flow_lacks_cannot_run) {
  std::size_t first = 0;
  auto run = job_of("flow");
  run.export_ids = {"nope"};
  auto plan = flow_plan::for_job(two_import_flow(), run, 0, first);
  BOOST_TEST(!plan);
  BOOST_TEST(!why_not(plan).empty());
}

BOOST_AUTO_TEST_SUITE_END()
