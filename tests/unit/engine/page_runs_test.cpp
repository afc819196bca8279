// The order in which a page meets its step's user code and requests:
// export_page_code (script transform, script filter, preSavePage) and
// import_page_run (input filter, preMap, mapping, postMap, requests,
// postSubmit), driven here by hand as the stages and standalone calls do.
#include "core/engine/export_page_code.hpp"
#include "core/engine/import_page_run.hpp"

#include "tests/support/answers.hpp"
#include "tests/support/why_not.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "core/engine/flow_plan.hpp"

using namespace integrator;
using integrator::test::answered;
using integrator::test::why_not;
namespace json = boost::json;

namespace {

record_page page_of(std::initializer_list<std::string_view> records) {
  page_builder b(100, 1 << 20);
  for (auto r : records)
    b.append(r);
  return b.take(page_origin(0, 2));
}

std::shared_ptr<const user_function> script_function(const char* name) {
  user_function fn;
  fn.function = name;
  fn.script_id = "s1";
  return std::make_shared<const user_function>(fn);
}

// A flow of import i1 alone, as standalone_spec() makes one, with `hooks`.
job_spec import_alone(const std::string& hooks) {
  job_spec spec;
  spec.flow = R"({"pageProcessors":[{"type":"import","_importId":"i1"}]})";
  spec.connections = {{"c", R"({"_id":"c","type":"http","http":{"baseURI":"http://127.0.0.1:9"}})"}};
  spec.imports = {{"i1", R"({"_id":"i1","_connectionId":"c","adaptorType":"HTTPImport",)"
                           R"("http":{"method":["POST"],"relativeURI":["/y"]},"hooks":)" + hooks + "}"}};
  spec.scripts = {{"s1", R"({"_id":"s1","content":"function f() {}"})"}};
  return spec;
}


// A flow of lookup l1 (on /people/{{record.id}}, its items found; `extra`:
// members of the lookup export, `entry`: of its flow entry), then import i1.
job_spec lookup_then_import(const std::string& extra, const std::string& entry = "") {
  job_spec spec;
  spec.flow = R"({"pageProcessors":[{"type":"export","_exportId":"l1")" + entry
              + R"(},{"type":"import","_importId":"i1"}]})";
  spec.connections = {{"c", R"({"_id":"c","type":"http","http":{"baseURI":"http://127.0.0.1:9"}})"}};
  spec.exports = {{"l1", R"({"_id":"l1","_connectionId":"c","isLookup":true,"http":{"method":"GET",
                     "relativeURI":"/people/{{record.id}}","response":{"resourcePath":"items"}},)" + extra + "}"}};
  spec.imports = import_alone("{}").imports;
  spec.scripts = {{"s1", R"({"_id":"s1","content":"function f() {}"})"}};
  return spec;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(page_runs_test)

BOOST_AUTO_TEST_CASE(export_code_runs_transform_then_filter_then_pre_save_page) {
  flow_plan plan;
  export_step step;
  step.transform_script = script_function("shape");
  step.filter_script = script_function("keep");
  step.pre_save_page = script_function("preSavePage");
  object_id_generator ids{{1, 2, 3, 4, 5}, 0};
  export_page_code code(plan, step, page_of({R"({"id":1})", R"({"id":2})"}));
  using op = export_page_code::op;
  BOOST_TEST((code.due() == op::transform));
  BOOST_TEST(code.function().function == "shape");
  BOOST_TEST(code.options().starts_with(R"({"records":[{"id":1},{"id":2}])"));
  auto shaped = returned_answer(R"([{"id":1,"s":1},{"id":2,"s":1}])");
  code.take(shaped, ids, 5);
  BOOST_TEST((code.due() == op::filter));
  auto kept = returned_answer("[false,true]");
  code.take(kept, ids, 5);
  BOOST_TEST((code.due() == op::pre_save_page));
  BOOST_TEST(code.options().find(R"("data":[{"id":2,"s":1}])") != std::string::npos, code.options());
  auto hooked = returned_answer(R"({"data":[{"id":2,"hooked":true}],"abort":true})");
  code.take(hooked, ids, 5);
  BOOST_TEST((code.due() == op::done));
  auto out = code.finish();
  BOOST_REQUIRE_EQUAL(out.page.size(), 1u);
  BOOST_TEST(out.page.record(0) == R"({"id":2,"hooked":true})");
  BOOST_TEST(out.ignored == 1);  // the filter's
  BOOST_TEST(out.abort);
}

BOOST_AUTO_TEST_CASE(a_failed_script_ends_the_export_code_and_none_is_done_at_once) {
  flow_plan plan;
  export_step step;
  step.transform_script = script_function("shape");
  step.pre_save_page = script_function("preSavePage");
  object_id_generator ids{{1, 2, 3, 4, 5}, 0};
  export_page_code code(plan, step, page_of({R"({"id":1})"}));
  auto failed = failed_answer("script_failed", "boom");
  code.take(failed, ids, 5);
  BOOST_TEST((code.due() == export_page_code::op::done));  // preSavePage never sees the page
  auto out = code.finish();
  BOOST_TEST(out.page.size() == 0u);
  BOOST_REQUIRE_EQUAL(out.errors.size(), 1u);
  BOOST_TEST(out.errors[0].retry_data == R"({"id":1})");
  export_step plain;
  export_page_code none(plan, plain, page_of({R"({"id":1})"}));
  BOOST_TEST((none.due() == export_page_code::op::done));
  BOOST_TEST(none.finish().page.size() == 1u);
}

BOOST_AUTO_TEST_CASE(an_import_page_meets_pre_map_then_its_requests_then_post_submit) {
  auto plan = flow_plan::compile(import_alone(R"({"preMap":{"_scriptId":"s1","function":"pre"},)"
                                              R"("postSubmit":{"_scriptId":"s1","function":"post"}})"));
  BOOST_TEST_REQUIRE(plan.has_value(), why_not(plan));
  BOOST_TEST(plan->generators.empty());  // compiles; for_job would not run it
  import_page_run run(*plan, plan->processors.front(), false, true);
  object_id_generator ids{{1, 2, 3, 4, 5}, 0};
  using need = import_page_run::need;
  BOOST_TEST((run.start(page_of({R"({"id":1})", R"({"id":2})", R"({"id":3})"})) == need::hook));
  BOOST_TEST((run.hook() == import_hook::pre_map));
  BOOST_TEST(run.hook_options().find(R"("data":[{"id":1},{"id":2},{"id":3}])") != std::string::npos,
             run.hook_options());
  auto pre = returned_answer(R"([{"data":{"id":1,"pre":true}},{},{"data":{"id":3,"pre":true}}])");
  BOOST_TEST((run.take_hook(pre, ids, 5) == need::requests));
  BOOST_REQUIRE_EQUAL(run.requests().size(), 2u);  // record 2 was ignored
  BOOST_TEST(run.requests()[0].body.find(R"("pre":true)") != std::string::npos);
  for (std::size_t q = 0; q < run.requests().size(); ++q) {
    auto r = answered(201, R"({"ok":true})");
    run.take_response(q, r);
  }
  BOOST_TEST((run.requests_answered() == need::hook));
  BOOST_TEST((run.hook() == import_hook::post_submit));
  auto post = returned_answer(R"([{"statusCode":200,"id":"a"},{"statusCode":422,"errors":[{"code":"no","message":"late"}]}])");
  BOOST_TEST((run.take_hook(post, ids, 5) == need::finished));
  using k = record_outcome::kind;
  const auto& out = run.outcomes();
  BOOST_TEST((out[0].what == k::succeeded));
  BOOST_TEST((out[1].what == k::ignored));
  BOOST_TEST((out[2].what == k::failed));
  BOOST_TEST(out[2].code == "no");
}

BOOST_AUTO_TEST_CASE(an_import_page_without_hooks_goes_from_its_text_to_its_requests) {
  auto plan = flow_plan::compile(import_alone("{}"));
  BOOST_TEST_REQUIRE(plan.has_value(), why_not(plan));
  import_page_run run(*plan, plan->processors.front(), false, false);
  using need = import_page_run::need;
  BOOST_TEST((run.start(page_of({R"({"id":1})"})) == need::requests));
  BOOST_TEST(run.records().empty());  // not parsed
  auto r = answered(500, "down");
  run.take_response(0, r);
  BOOST_TEST((run.requests_answered() == need::finished));
  BOOST_TEST((run.outcomes()[0].what == record_outcome::kind::failed));
  import_page_run empty(*plan, plan->processors.front(), false, false);
  BOOST_TEST((empty.start(page_of({})) == need::finished));
}

// A lookup's own code (here preSavePage) runs on what it found for each
// record, as a page of its own, before responseMapping reads it.
BOOST_AUTO_TEST_CASE(a_lookups_own_pre_save_page_reshapes_what_it_found_record_by_record) {
  auto plan = flow_plan::compile(lookup_then_import(R"("hooks":{"preSavePage":{"_scriptId":"s1","function":"shout"}})",
                                                    R"(,"responseMapping":{"fields":[{"extract":"data[0].name","generate":"found"}]})"));
  BOOST_TEST_REQUIRE(plan.has_value(), why_not(plan));
  const auto& lookup = plan->processors.front();
  BOOST_REQUIRE(lookup.lookup);
  import_page_run run(*plan, lookup, true, false);
  object_id_generator ids{{1, 2, 3, 4, 5}, 0};
  using need = import_page_run::need;
  BOOST_TEST((run.start(page_of({R"({"id":1})", R"({"id":2})"})) == need::requests));
  BOOST_REQUIRE_EQUAL(run.requests().size(), 2u);
  auto found = answered(200, R"({"items":[{"name":"ann"}]})");
  run.take_response(0, found);
  auto missing = answered(404, "{}");
  run.take_response(1, missing);
  BOOST_TEST((run.requests_answered() == need::hook));  // once: the second lookup failed
  BOOST_TEST(run.on_found_code());
  BOOST_TEST(run.hook_options().find(R"("data":[{"name":"ann"}])") != std::string::npos, run.hook_options());
  auto shouted = returned_answer(R"({"data":[{"name":"ANN"}],"errors":[{"code":"note","message":"shouted"}]})");
  BOOST_TEST((run.take_hook(shouted, ids, 5) == need::finished));
  BOOST_REQUIRE_EQUAL(run.logged().size(), 1u);
  BOOST_TEST(run.logged()[0].source == "pre_save_page_hook");
  json::value record = run.records()[0];
  lookup.plan->map_response(record, run.outcomes()[0]);
  BOOST_TEST(record.at("found").as_string() == "ANN");
}

// A lookup's script transform, then its expression filter on what the
// script made; a record whose result its code fails on fails.
BOOST_AUTO_TEST_CASE(a_lookups_script_transform_and_filter_run_on_each_result_and_can_fail_a_record) {
  auto plan = flow_plan::compile(lookup_then_import(
    R"("transform":{"type":"script","script":{"_scriptId":"s1","function":"shape"}},
       "filter":{"type":"expression","expression":{"version":"1","rules":["equals",["extract","keep"],true]}})"));
  BOOST_TEST_REQUIRE(plan.has_value(), why_not(plan));
  const auto& lookup = plan->processors.front();
  BOOST_REQUIRE(lookup.found_code);
  BOOST_TEST(lookup.found_code->filter_after_script.has_value());
  import_page_run run(*plan, lookup, true, false);
  object_id_generator ids{{1, 2, 3, 4, 5}, 0};
  using need = import_page_run::need;
  BOOST_TEST((run.start(page_of({R"({"id":1})", R"({"id":2})"})) == need::requests));
  for (std::size_t q = 0; q < 2; ++q) {
    auto r = answered(200, R"({"items":[{"n":"a"},{"n":"b"}]})");
    run.take_response(q, r);
  }
  BOOST_TEST((run.requests_answered() == need::hook));
  BOOST_TEST(run.on_found_code());
  BOOST_TEST(run.call_function().function == "shape");
  auto shaped = returned_answer(R"([{"n":"a","keep":false},{"n":"b","keep":true}])");
  BOOST_TEST((run.take_hook(shaped, ids, 5) == need::hook));  // the second record's result
  auto failed = failed_answer("TypeError", "cannot shape");
  BOOST_TEST((run.take_hook(failed, ids, 5) == need::finished));
  using k = record_outcome::kind;
  const auto& out = run.outcomes();
  BOOST_TEST((out[0].what == k::succeeded));
  BOOST_TEST(json::serialize(*out[0].response) == R"([{"n":"b","keep":true}])");
  BOOST_TEST((out[1].what == k::failed));
  BOOST_TEST(std::string(out[1].source) == "transformation");
  BOOST_TEST(out[1].message.find("cannot shape") != std::string::npos, out[1].message);
  BOOST_TEST(run.logged().empty());  // the failure is the record's, not a logged error
}

BOOST_AUTO_TEST_SUITE_END()
