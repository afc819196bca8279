#include "core/engine/user_function.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

using namespace integrator;
namespace json = boost::json;

BOOST_AUTO_TEST_SUITE(user_function_test)

namespace {

const document_texts stacks = {
  {"k1", R"({"_id":"k1","type":"server","server":{"hostURI":"http://127.0.0.1:7000","systemToken":"sys"}})"},
  {"k2", R"({"_id":"k2","type":"lambda","lambda":{"functionName":"f"}})"}};
const document_texts scripts = {{"s1", R"({"_id":"s1","content":"function f(o) { return o }"})"}};

}  // namespace

BOOST_AUTO_TEST_CASE(hooks_are_found_in_both_forms) {
  auto doc = json::parse(R"({"hooks":{"preSavePage":{"_stackId":"k1","function":"pre","configuration":{"a":1}},
                                      "_preMapId":"s1","postMap":{}}})");
  auto pre = hook_of(doc, "preSavePage");
  BOOST_REQUIRE(pre);
  BOOST_TEST(pre->stack_id == "k1");
  BOOST_TEST(pre->function == "pre");
  BOOST_TEST(pre->configuration.at("a").as_int64() == 1);
  auto old = hook_of(doc, "preMap");
  BOOST_REQUIRE(old);
  BOOST_TEST(old->script_id == "s1");
  BOOST_TEST(old->function == "preMap");  // the 2016 form names only the script
  BOOST_TEST(!hook_of(doc, "postMap"));   // an empty hook object configures nothing
  BOOST_TEST(!hook_of(json::parse("{}"), "preSavePage"));
  std::vector<std::string> script_ids, stack_ids;
  hook_code_ids(doc, script_ids, stack_ids);
  BOOST_TEST(script_ids == std::vector<std::string>{"s1"});
  BOOST_TEST(stack_ids == std::vector<std::string>{"k1"});
}

BOOST_AUTO_TEST_CASE(hooks_resolve_to_the_code_that_runs_them_or_say_why_not) {
  auto on_stack = resolve_hook(json::parse(R"({"hooks":{"preSavePage":{"_stackId":"k1","function":"pre"}}})"),
                               "preSavePage", stacks, scripts);
  BOOST_REQUIRE(on_stack);
  BOOST_REQUIRE(*on_stack);
  BOOST_TEST((*on_stack)->stack->host_uri == "http://127.0.0.1:7000");
  BOOST_TEST((*on_stack)->describe() == "stack k1, function pre");
  auto in_script = resolve_hook(json::parse(R"({"hooks":{"preSavePage":{"_scriptId":"s1","function":"f"}}})"),
                                "preSavePage", stacks, scripts);
  BOOST_REQUIRE(in_script);
  BOOST_TEST((*in_script)->script_code == "function f(o) { return o }");
  auto none = resolve_hook(json::parse("{}"), "preSavePage", stacks, scripts);
  BOOST_REQUIRE(none);
  BOOST_TEST(!*none);
  auto lambda = resolve_hook(json::parse(R"({"hooks":{"preSavePage":{"_stackId":"k2","function":"f"}}})"),
                             "preSavePage", stacks, scripts);
  BOOST_REQUIRE(!lambda);
  BOOST_TEST(lambda.error().code == error_code::user_code_unavailable);
  BOOST_TEST(lambda.error().message.find("hooks.preSavePage") != std::string::npos);
  auto missing = resolve_hook(json::parse(R"({"hooks":{"preSavePage":{"_scriptId":"gone","function":"f"}}})"),
                              "preSavePage", stacks, scripts);
  BOOST_REQUIRE(!missing);
  BOOST_TEST(missing.error().message.find("script gone not found") != std::string::npos);
  auto nameless = resolve_hook(json::parse(R"({"hooks":{"preSavePage":{"_scriptId":"s1"}}})"),
                               "preSavePage", stacks, scripts);
  BOOST_REQUIRE(!nameless);
  BOOST_TEST(nameless.error().message.find("no function") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
