#include "core/lang/transform.hpp"

#include "tests/support/why_not.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

using namespace integrator;
using integrator::test::why_not;
namespace json = boost::json;

namespace {

json::value run(const char* transform, const char* record) {
  auto t = record_transform::compile(json::parse(transform));
  BOOST_REQUIRE_MESSAGE(t, why_not(t));
  std::vector<std::string> errors;
  return t->apply(json::parse(record), errors);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(transform_test)

BOOST_AUTO_TEST_CASE(version_2_create_builds_a_new_record) {
  auto out = run(R"({"type":"expression","expression":{"version":"2","rulesTwoDotZero":{
                      "mode":"create","mappings":[{"generate":"id","dataType":"string","extract":"$.order.id"}]}}})",
                 R"({"order":{"id":5},"other":1})");
  BOOST_TEST(out == json::parse(R"({"id":"5"})"));
}

BOOST_AUTO_TEST_CASE(version_2_modify_keeps_unmapped_fields) {
  auto out = run(R"({"type":"expression","expression":{"version":"2","rulesTwoDotZero":{
                      "mode":"modify","lookups":[{"name":"s","map":{"A":"Active"}}],
                      "mappings":[{"generate":"status","dataType":"string","extract":"$.status","lookupName":"s"},
                                  {"generate":"meta","dataType":"object","mappings":[
                                    {"generate":"seen","dataType":"boolean","extract":"true"}]}]}}})",
                 R"({"status":"A","meta":{"src":"x"},"keep":1})");
  BOOST_TEST(out == json::parse(R"({"status":"Active","meta":{"src":"x","seen":true},"keep":1})"));
}

BOOST_AUTO_TEST_CASE(version_1_rules_and_pass_through) {
  auto out = run(R"({"type":"expression","expression":{"version":"1","rules":[[
                      {"extract":"a.b","generate":"x"},{"extract":"c","generate":"y.z"}]]}})",
                 R"({"a":{"b":1},"c":"q"})");
  BOOST_TEST(out == json::parse(R"({"x":1,"y":{"z":"q"}})"));
  BOOST_TEST(run("null", R"({"a":1})") == json::parse(R"({"a":1})"));
  BOOST_TEST(run(R"({"type":"script","script":{"function":"f"}})", R"({"a":1})")
             == json::parse(R"({"a":1})"));
}

BOOST_AUTO_TEST_CASE(bad_transforms_do_not_compile) {
  for (auto t : {R"([])", R"({"type":"expression","expression":{"rulesTwoDotZero":{"mode":"merge"}}})",
                 R"({"type":"expression","expression":{"rules":[{"extract":"a"}]}})",
                 R"({"type":"expression","expression":{"rulesTwoDotZero":{"mappings":[{"dataType":"date"}]}}})"}) {
    auto compiled = record_transform::compile(json::parse(t));
    BOOST_TEST(!compiled.has_value(), t);
    BOOST_TEST(why_not(compiled).find("Invalid transform") == 0u, t);
  }
}

BOOST_AUTO_TEST_SUITE_END()
