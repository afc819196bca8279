#include "core/engine/pre_save_page.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "core/engine/flow_plan.hpp"

using namespace integrator;
namespace json = boost::json;

BOOST_AUTO_TEST_SUITE(pre_save_page_test)

namespace {

struct hooked_export {
  flow_plan plan;
  export_step step;
  object_id_generator ids{make_test_ids()};

  static object_id_generator make_test_ids() { return object_id_generator({1, 2, 3, 4, 5}, 0); }

  hooked_export() {
    plan.flow_id = "f1";
    plan.integration_id = "i1";
    plan.settings = json::parse(R"({"region":"eu"})");
    step.export_id = "e1";
    step.connection_id = "c1";
    user_function fn;
    fn.function = "pre";
    fn.script_id = "s1";
    fn.configuration = json::parse(R"({"mark":"x"})");
    step.pre_save_page = std::make_shared<const user_function>(std::move(fn));
  }
};

record_page page_of(std::initializer_list<std::string_view> records, std::uint64_t number) {
  page_builder b(100, 1 << 20);
  for (auto r : records)
    b.append(r);
  return b.take(page_origin(0, number));
}

}  // namespace

BOOST_FIXTURE_TEST_CASE(the_hook_gets_the_page_and_its_context, hooked_export) {
  auto text = pre_save_page_options(plan, step, page_of({R"({"id":1})", R"({"id":2})"}, 3));
  BOOST_TEST(text.starts_with(R"({"data":[{"id":1},{"id":2}],)"));  // the records as they came
  auto o = json::parse(text).as_object();
  BOOST_TEST(o.at("data").as_array().size() == 2u);
  BOOST_TEST(o.at("data").as_array()[1].at("id").as_int64() == 2);
  BOOST_TEST(o.at("pageIndex").as_int64() == 2);  // the third page, from 0
  BOOST_TEST(o.at("_exportId").as_string() == "e1");
  BOOST_TEST(o.at("_connectionId").as_string() == "c1");
  BOOST_TEST(o.at("_flowId").as_string() == "f1");
  BOOST_TEST(o.at("_integrationId").as_string() == "i1");
  BOOST_TEST(o.at("settings").at("region").as_string() == "eu");
  BOOST_TEST(o.at("configuration").at("mark").as_string() == "x");
  BOOST_TEST(o.at("errors").as_array().empty());
  BOOST_TEST(!o.contains("bearerToken"));  // the caller's to add
}

BOOST_FIXTURE_TEST_CASE(what_the_hook_returns_replaces_the_page, hooked_export) {
  auto in = page_of({R"({"id":1})", R"({"id":2})", R"({"id":3})"}, 1);
  auto answer = returned_answer(R"({"data":[{"id":1,"t":true},{"id":3,"t":true}],"errors":[{"code":"c","message":"m"}],
                 "newErrorsAndRetryData":[{"retryData":{"id":2},"errors":[{"code":"bad","message":"no"}]}]})");
  auto out = apply_pre_save_page(answer, in, step, ids, 1000);
  BOOST_TEST(out.fatal.empty());
  BOOST_TEST(!out.abort);
  BOOST_TEST(out.page.origin() == in.origin());
  BOOST_REQUIRE_EQUAL(out.page.size(), 2u);
  BOOST_TEST(json::parse(out.page.record(1)).at("id").as_int64() == 3);
  BOOST_REQUIRE_EQUAL(out.errors.size(), 2u);
  BOOST_TEST(out.errors[0].source == "pre_save_page_hook");
  BOOST_TEST(out.errors[0].retry_data_key.empty());  // a plain error: nothing to retry
  BOOST_TEST(out.errors[1].code == "bad");
  BOOST_TEST(!out.errors[1].retry_data_key.empty());
  BOOST_TEST(json::parse(out.errors[1].retry_data).at("id").as_int64() == 2);
  auto abort_answer = returned_answer(R"({"data":[],"abort":true})");
  auto aborted = apply_pre_save_page(abort_answer, in, step, ids, 1000);
  BOOST_TEST(aborted.abort);
  BOOST_TEST(aborted.page.size() == 0u);
  BOOST_TEST(aborted.page.origin() == in.origin());  // still seen through
}

BOOST_FIXTURE_TEST_CASE(a_failed_hook_fails_the_flow_and_keeps_every_record, hooked_export) {
  auto in = page_of({R"({"id":1})", R"({"id":2})"}, 1);
  for (auto answer : {failed_answer("boom", "it threw"), returned_answer("{not json"), returned_answer(R"({"data":5})"),
                       returned_answer("")}) {
    auto out = apply_pre_save_page(answer, in, step, ids, 1000);
    BOOST_TEST(!out.fatal.empty());
    BOOST_TEST(out.fatal.find("script s1, function pre") != std::string::npos, out.fatal);
    BOOST_TEST(out.page.size() == 0u);
    BOOST_REQUIRE_EQUAL(out.errors.size(), 2u);
    BOOST_TEST(out.errors[1].retry_data == R"({"id":2})");
    BOOST_TEST(!out.errors[1].retry_data_key.empty());
  }
  auto later = unhooked_records(in, step, "earlier page failed", ids, 1000);
  BOOST_REQUIRE_EQUAL(later.size(), 2u);
  BOOST_TEST(later[0].code == "hook_not_run");
  BOOST_TEST(later[0].retry_data == R"({"id":1})");
}

BOOST_AUTO_TEST_SUITE_END()
