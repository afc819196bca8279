#include "core/lang/filter_expression.hpp"

#include "tests/support/why_not.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

using namespace integrator;
using integrator::test::why_not;
namespace json = boost::json;

namespace {

bool passes(const char* rules, const char* record, const char* settings = "{}") {
  auto f = integrator::filter_expression::compile(json::parse(rules));
  BOOST_REQUIRE_MESSAGE(f, why_not(f));
  return f->matches(json::parse(record), json::parse(settings));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(filter_expression_test)

BOOST_AUTO_TEST_CASE(the_reference_example) {
  const char* rules = R"(["and",["isnotempty",["extract","email"]],
                               ["greaterthan",["number",["extract","amt"]],100]])";
  BOOST_TEST(passes(rules, R"({"email":"a@b.c","amt":"150.5"})"));
  BOOST_TEST(!passes(rules, R"({"email":"","amt":150})"));
  BOOST_TEST(!passes(rules, R"({"email":"a@b.c","amt":99})"));
  BOOST_TEST(!passes(rules, R"({"amt":500})"));
}

BOOST_AUTO_TEST_CASE(comparisons_numbers_numerically_text_as_text) {
  BOOST_TEST(passes(R"(["equals",["extract","n"],5])", R"({"n":5.0})"));
  BOOST_TEST(passes(R"(["equals",["extract","n"],"5"])", R"({"n":5})"));
  BOOST_TEST(passes(R"(["lessthan",["extract","n"],10])", R"({"n":9})"));
  BOOST_TEST(!passes(R"(["lessthan",["extract","n"],10])", R"({"n":10})"));
  BOOST_TEST(passes(R"(["lessthanequals",["extract","n"],10])", R"({"n":10})"));
  BOOST_TEST(passes(R"(["greaterthanequals",["extract","s"],"b"])", R"({"s":"c"})"));
  BOOST_TEST(passes(R"(["notequals",["extract","s"],"x"])", R"({"s":"y"})"));
}

BOOST_AUTO_TEST_CASE(string_operators_and_regex) {
  BOOST_TEST(passes(R"(["startswith",["extract","s"],"ab"])", R"({"s":"abc"})"));
  BOOST_TEST(passes(R"(["endswith",["extract","s"],"bc"])", R"({"s":"abc"})"));
  BOOST_TEST(!passes(R"(["endswith",["extract","s"],"abcd"])", R"({"s":"abc"})"));
  BOOST_TEST(passes(R"(["contains",["lowercase",["extract","s"]],"hello"])", R"({"s":"Say HELLO"})"));
  BOOST_TEST(passes(R"(["doesnotcontain",["extract","s"],"x"])", R"({"s":"abc"})"));
  BOOST_TEST(passes(R"(["matches",["extract","sku"],"^[A-Z]{3}-\\d+$"])", R"({"sku":"ABC-12"})"));
  BOOST_TEST(!passes(R"(["matches",["extract","sku"],"^[A-Z]{3}-\\d+$"])", R"({"sku":"abc-12"})"));
  BOOST_TEST(passes(R"(["equals",["uppercase",["extract","s"]],"ABC"])", R"({"s":"abc"})"));
}

// Patterns run on RE2: compiled once with the filter when they are
// literal, once per thread when they are computed; linear time whatever
// the pattern (a backtracking engine takes minutes on the one below).
BOOST_AUTO_TEST_CASE(regular_expressions_are_compiled_once_and_cannot_stall) {
  const char* from_settings = R"(["matches",["extract","sku"],["settings","pattern"]])";
  BOOST_TEST(passes(from_settings, R"({"sku":"ABC-1"})", R"({"pattern":"^[A-Z]+-\\d$"})"));
  BOOST_TEST(!passes(from_settings, R"({"sku":"abc-1"})", R"({"pattern":"^[A-Z]+-\\d$"})"));
  BOOST_TEST(!passes(from_settings, R"({"sku":"x"})", R"({"pattern":"(a)\\1"})"));  // no backreferences
  std::string evil = R"({"s":")" + std::string(40, 'a') + R"(!"})";
  BOOST_TEST(!passes(R"(["matches",["extract","s"],"^(a+)+$"])", evil.c_str()));
  auto lookahead = integrator::filter_expression::compile(json::parse(R"X(["matches",["extract","s"],"a(?=b)"])X"));
  BOOST_TEST(!lookahead.has_value());
}

BOOST_AUTO_TEST_CASE(emptiness_lists_logic_and_paths) {
  BOOST_TEST(passes(R"(["isempty",["extract","missing"]])", R"({})"));
  BOOST_TEST(passes(R"(["isempty",["extract","a"]])", R"({"a":[]})"));
  BOOST_TEST(passes(R"(["anyof",["extract","state"],["CA","NY"]])", R"({"state":"NY"})"));
  BOOST_TEST(passes(R"(["anyof",["extract","tags"],["x","y"]])", R"({"tags":["a","y"]})"));
  BOOST_TEST(!passes(R"(["anyof",["extract","state"],["CA","NY"]])", R"({"state":"TX"})"));
  BOOST_TEST(passes(R"(["or",["equals",1,2],["not",["equals",1,2]]])", "{}"));
  BOOST_TEST(passes(R"(["equals",["extract","lines[1].sku"],"B"])", R"({"lines":[{"sku":"A"},{"sku":"B"}]})"));
  BOOST_TEST(passes(R"(["equals",["settings","flow.region"],"eu"])", "{}", R"({"flow":{"region":"eu"}})"));
}

BOOST_AUTO_TEST_CASE(casts_and_functions) {
  BOOST_TEST(passes(R"(["greaterthan",["epochtime",["extract","d"]],["epochtime","2020-01-01"]])",
                    R"({"d":"2021-06-01T00:00:00Z"})"));
  BOOST_TEST(passes(R"(["equals",["ceiling",["extract","n"]],3])", R"({"n":2.1})"));
  BOOST_TEST(passes(R"(["equals",["floor",["extract","n"]],2])", R"({"n":2.9})"));
  BOOST_TEST(passes(R"(["equals",["abs",["extract","n"]],4])", R"({"n":-4})"));
  BOOST_TEST(passes(R"(["boolean",["extract","b"]])", R"({"b":"true"})"));
  BOOST_TEST(!passes(R"(["boolean",["extract","b"]])", R"({"b":"false"})"));
  BOOST_TEST(passes(R"(["equals",["string",["extract","n"]],"42"])", R"({"n":42})"));
}

BOOST_AUTO_TEST_CASE(bad_rules_do_not_compile) {
  for (auto rules : {R"(["frobnicate",1])", R"(["equals",1])", R"(["extract",5])", R"({"a":1})",
                     R"(["matches",["extract","s"],"(unclosed"])", R"([1,2])"}) {
    auto compiled = integrator::filter_expression::compile(json::parse(rules));
    BOOST_TEST(!compiled.has_value(), rules);
    BOOST_TEST(!compiled.error().message.empty(), rules);
  }
}

BOOST_AUTO_TEST_CASE(filter_blocks_and_empty_rules) {
  auto f = integrator::filter_expression::compile_filter(json::parse(
    R"({"type":"expression","expression":{"version":"1","rules":["equals",["extract","a"],1]}})"));
  BOOST_REQUIRE(f);
  BOOST_TEST(f->matches(json::parse(R"({"a":1})")));
  BOOST_TEST(!f->matches(json::parse(R"({"a":2})")));
  auto empty = integrator::filter_expression::compile_filter(json::parse(R"({"type":"expression","expression":{"rules":[]}})"));
  BOOST_REQUIRE(empty);
  BOOST_TEST(empty->matches(json::parse("{}")));
  BOOST_TEST(!integrator::filter_expression::compile_filter(
    json::parse(R"({"type":"expression","expression":{"version":"2","rules":[]}})")));
}

BOOST_AUTO_TEST_SUITE_END()
