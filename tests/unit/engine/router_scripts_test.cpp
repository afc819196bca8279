#include "core/engine/router_scripts.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "core/engine/flow_plan.hpp"

using namespace integrator;
namespace json = boost::json;

BOOST_AUTO_TEST_SUITE(router_scripts_test)

namespace {

const document_texts scripts = {{"s1", R"({"_id":"s1","content":"function f() {}"})"}};

flow_routes routes_of(const char* flow) {
  auto r = flow_routes::of(json::parse(flow).as_object());
  BOOST_REQUIRE(r);
  return *r;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_router_script_answers_branch_indices_per_record) {
  const char* flow = R"({"routers":[{"id":"r","routeRecordsUsing":"script","script":{"_scriptId":"s1","function":"pick"},
                          "branches":[{"name":"a"},{"name":"b"}]}]})";
  auto routes = routes_of(flow);
  const auto& step = routes.routers[0];
  auto code = router_code::resolve(step, json::parse(flow).at("routers").at(0), scripts);
  BOOST_REQUIRE(code);
  BOOST_REQUIRE(code->script);
  BOOST_TEST(code->script->each_record);
  auto calls = router_calls(*code);
  BOOST_REQUIRE_EQUAL(calls.size(), 1u);
  BOOST_TEST(calls[0].branch == -1);
  route_decisions decided;
  std::string why, error_code;
  auto answer = returned_answer("[[1,0], 1, null, []]");
  BOOST_TEST(read_router_answer(calls[0], answer, step, 4, decided, why, error_code), why);
  std::vector<std::vector<std::uint32_t>> chosen{{1, 0}, {1}, {}, {}};
  BOOST_TEST(decided.chosen == chosen);
  auto bad = returned_answer(R"([["x"]])");
  BOOST_TEST(!read_router_answer(calls[0], bad, step, 1, decided, why, error_code));
  BOOST_TEST(why.find("branch indices") != std::string::npos, why);
  BOOST_TEST(error_code == "invalid_extension_response");
  auto wrong_count = returned_answer("[0]");
  BOOST_TEST(!read_router_answer(calls[0], wrong_count, step, 2, decided, why, error_code));
  // A script router naming no script, or a missing one, does not run.
  const char* none = R"({"routers":[{"id":"r","routeRecordsUsing":"script","branches":[{}]}]})";
  BOOST_TEST(!router_code::resolve(routes_of(none).routers[0], json::parse(none).at("routers").at(0), scripts));
  const char* gone = R"({"routers":[{"id":"r","routeRecordsUsing":"script","script":{"_scriptId":"s9","function":"f"},"branches":[{}]}]})";
  BOOST_TEST(!router_code::resolve(routes_of(gone).routers[0], json::parse(gone).at("routers").at(0), scripts));
}

BOOST_AUTO_TEST_CASE(scripted_branch_filters_answer_per_branch_and_failures_become_errors_with_retry_data) {
  const char* flow = R"({"routers":[{"id":"r","branches":[{"name":"x"},
                          {"name":"y","inputFilter":{"type":"script","script":{"_scriptId":"s1","function":"y"}}}]}]})";
  auto routes = routes_of(flow);
  const auto& step = routes.routers[0];
  auto code = router_code::resolve(step, json::parse(flow).at("routers").at(0), scripts);
  BOOST_REQUIRE(code);
  auto calls = router_calls(*code);
  BOOST_REQUIRE_EQUAL(calls.size(), 1u);
  BOOST_TEST(calls[0].branch == 1);
  route_decisions decided;
  std::string why, error_code;
  auto answer = returned_answer(R"([0, "y"])");
  BOOST_REQUIRE(read_router_answer(calls[0], answer, step, 2, decided, why, error_code));
  BOOST_REQUIRE_EQUAL(decided.takes.size(), 2u);
  BOOST_TEST(decided.takes[0].empty());
  BOOST_TEST((decided.takes[1] == std::vector<bool>{false, true}));
  auto thrown = failed_answer("TypeError", "boom");
  BOOST_TEST(!read_router_answer(calls[0], thrown, step, 2, decided, why, error_code));
  BOOST_TEST(error_code == "TypeError");
  page_builder b(4, 1 << 20);
  b.append(R"({"id":1})");
  b.append(R"({"id":2})");
  auto page = b.take();
  object_id_generator ids({1, 2, 3, 4, 5}, 0);
  auto errors = router_errors(step, page, error_code, why, ids, 1000);
  BOOST_REQUIRE_EQUAL(errors.size(), 2u);
  BOOST_TEST(errors[1].retry_data == R"({"id":2})");
  BOOST_TEST(errors[0].step_id == "r");
  BOOST_TEST(errors[0].source == "input_filter");
  BOOST_TEST(errors[0].message.find("boom") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
