#include "core/engine/page_scripts.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "core/engine/flow_plan.hpp"

using namespace integrator;
namespace json = boost::json;

BOOST_AUTO_TEST_SUITE(page_scripts_test)

namespace {

struct scripted_export {
  flow_plan plan;
  export_step step;
  object_id_generator ids{{1, 2, 3, 4, 5}, 0};

  scripted_export() {
    plan.flow_id = "f1";
    plan.settings = json::parse(R"({"limit":2})");
    step.export_id = "e1";
    user_function fn;
    fn.function = "f";
    fn.script_id = "s1";
    step.transform_script = std::make_shared<const user_function>(fn);
    step.filter_script = std::make_shared<const user_function>(fn);
  }
};

record_page page_of(std::initializer_list<std::string_view> records) {
  page_builder b(100, 1 << 20);
  for (auto r : records)
    b.append(r);
  return b.take(page_origin(0, 4));
}

}  // namespace

BOOST_FIXTURE_TEST_CASE(the_call_carries_the_page_records_as_they_are, scripted_export) {
  auto text = page_script_options(plan, step, page_of({R"({"id":1})", R"({"id":2})"}));
  BOOST_TEST(text.starts_with(R"({"records":[{"id":1},{"id":2}],)"));
  auto o = json::parse(text);
  BOOST_TEST(o.at("settings").at("limit").as_int64() == 2);
  BOOST_TEST(o.at("_exportId").as_string() == "e1");
}

BOOST_FIXTURE_TEST_CASE(a_transform_replaces_records_and_a_filter_drops_them, scripted_export) {
  auto in = page_of({R"({"id":1})", R"({"id":2})", R"({"id":3})"});
  auto t = returned_answer(R"([{"id":1,"t":true},null,{"id":3,"t":true}])");
  auto transformed = apply_page_script(page_script::transform, t, in, step, plan.settings, ids, 9);
  BOOST_REQUIRE_EQUAL(transformed.page.size(), 3u);
  BOOST_TEST(transformed.page.record(0) == R"({"id":1,"t":true})");
  BOOST_TEST(transformed.page.record(1) == R"({"id":2})");  // nothing returned: as it was
  BOOST_TEST(transformed.page.origin() == in.origin());
  auto f = returned_answer(R"([true,0,"yes"])");
  auto filtered = apply_page_script(page_script::filter, f, in, step, plan.settings, ids, 9);
  BOOST_REQUIRE_EQUAL(filtered.page.size(), 2u);
  BOOST_TEST(filtered.ignored == 1);
  BOOST_TEST(filtered.page.record(1) == R"({"id":3})");
}

BOOST_FIXTURE_TEST_CASE(an_expression_filter_judges_what_a_script_transform_made, scripted_export) {
  auto rules = json::parse(R"({"type":"expression","expression":{"version":"1","rules":["lessthan",["number",["extract","id"]],2]}})");
  auto filter = filter_expression::compile_filter(rules);
  BOOST_REQUIRE(filter);
  step.filter_after_script = std::move(*filter);
  auto in = page_of({R"({"id":5})", R"({"id":6})"});
  auto t = returned_answer(R"([{"id":1},{"id":9}])");
  auto out = apply_page_script(page_script::transform, t, in, step, plan.settings, ids, 9);
  BOOST_REQUIRE_EQUAL(out.page.size(), 1u);
  BOOST_TEST(out.page.record(0) == R"({"id":1})");
  BOOST_TEST(out.ignored == 1);
}

BOOST_FIXTURE_TEST_CASE(a_failed_call_keeps_every_record_for_a_retry, scripted_export) {
  auto in = page_of({R"({"id":1})", R"({"id":2})"});
  for (auto answer : {failed_answer("Error", "boom"), returned_answer(R"([true])"), returned_answer(R"({"a":1})"), returned_answer("")}) {
    auto out = apply_page_script(page_script::filter, answer, in, step, plan.settings, ids, 9);
    BOOST_TEST(out.page.size() == 0u);
    BOOST_REQUIRE_EQUAL(out.errors.size(), 2u);
    BOOST_TEST(out.errors[0].source == "output_filter");
    BOOST_TEST(out.errors[1].retry_data == R"({"id":2})");
    BOOST_TEST(!out.errors[1].retry_data_key.empty());
  }
}

BOOST_AUTO_TEST_SUITE_END()
