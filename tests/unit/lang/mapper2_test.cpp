#include "core/lang/mapper2.hpp"

#include "tests/support/why_not.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

using namespace integrator;
using integrator::test::why_not;
namespace json = boost::json;

namespace {

json::value map(const char* mappings, const char* record, const char* lookups = "null",
                std::vector<std::string>* errors = nullptr) {
  auto m = mapper_v2::compile(json::parse(mappings), json::parse(lookups));
  BOOST_REQUIRE_MESSAGE(m, why_not(m));
  std::vector<std::string> local;
  return m->apply(json::parse(record), errors ? *errors : local);
}

const char* order = R"({"customer":{"name":"John Doe","orders":[
    {"id":"O-001","items":[{"sku":"ABC","qty":2},{"sku":"XYZ","qty":1}]},
    {"id":"O-002","items":[{"sku":"DEF","qty":3}]}]}})";

}  // namespace

BOOST_AUTO_TEST_SUITE(mapper2_test)

BOOST_AUTO_TEST_CASE(paths_templates_literals_types_and_objects) {
  auto out = map(R"([
      {"generate":"name","dataType":"string","extract":"$.customer.name"},
      {"generate":"greeting","dataType":"string","extract":"Hi {{record.customer.name}}"},
      {"generate":"kind","dataType":"string","extract":"primary"},
      {"generate":"firstQty","dataType":"string","extract":"$.customer.orders[0].items[0].qty"},
      {"generate":"missing","dataType":"string","extract":"$.nope","default":"N/A"},
      {"generate":"gone","dataType":"string","extract":"$.nope","conditional":{"when":"extract_not_empty"}},
      {"generate":"contact","dataType":"object","mappings":[
        {"generate":"who","dataType":"string","extract":"$.customer.name"}]}])",
                 order);
  BOOST_TEST(out == json::parse(R"({"name":"John Doe","greeting":"Hi John Doe","kind":"primary",
                                    "firstQty":"2","missing":"N/A","contact":{"who":"John Doe"}})"));
}

BOOST_AUTO_TEST_CASE(simple_arrays_from_wildcards) {
  auto out = map(R"([{"generate":"ids","dataType":"stringarray",
                      "buildArrayHelper":[{"extract":"$.customer.orders[*].id"}]},
                     {"generate":"qtys","dataType":"numberarray",
                      "buildArrayHelper":[{"extract":"$.customer.orders[0].items[*].qty"}]}])",
                 order);
  BOOST_TEST(out == json::parse(R"({"ids":["O-001","O-002"],"qtys":[2,1]})"));
}

BOOST_AUTO_TEST_CASE(object_arrays_iterate_composite_records) {
  auto out = map(R"([{"generate":"lines","dataType":"objectarray","buildArrayHelper":[
      {"extract":"$.customer.orders[*].items[*]","mappings":[
        {"generate":"sku","dataType":"string","extract":"$.customer.orders.items.sku"},
        {"generate":"qty","dataType":"number","extract":"$.customer.orders.items.qty"},
        {"generate":"order","dataType":"string","extract":"$.customer.orders.id"},
        {"generate":"customer","dataType":"string","extract":"$.customer.name"}]}]}])",
                 order);
  BOOST_TEST(out == json::parse(R"({"lines":[
      {"sku":"ABC","qty":2,"order":"O-001","customer":"John Doe"},
      {"sku":"XYZ","qty":1,"order":"O-001","customer":"John Doe"},
      {"sku":"DEF","qty":3,"order":"O-002","customer":"John Doe"}]})"));
}

// $.a[*].b[*] over 2,000 x 2,000 elements is four million copies of a
// record of four million values: the fan-out stops at its copy budget with
// an error on the record instead of running for hours.
BOOST_AUTO_TEST_CASE(object_array_fan_out_is_bounded) {
  json::array inner;
  for (int i = 0; i < 2000; ++i)
    inner.push_back(i);
  json::array outer;
  for (int i = 0; i < 2000; ++i)
    outer.push_back(json::object{{"b", inner}});
  auto m = mapper_v2::compile(json::parse(R"([{"generate":"lines","dataType":"objectarray",
      "buildArrayHelper":[{"extract":"$.a[*].b[*]","mappings":[
        {"generate":"v","dataType":"number","extract":"$.a.b"}]}]}])"),
                              nullptr);
  BOOST_REQUIRE_MESSAGE(m, why_not(m));
  std::vector<std::string> errors;
  m->apply(json::object{{"a", outer}}, errors);
  BOOST_REQUIRE_EQUAL(errors.size(), 1u);
  BOOST_TEST(errors[0].find("would copy more than") != std::string::npos);
  // A fan-out within the budget is whole.
  errors.clear();
  json::array hundred(inner.begin(), inner.begin() + 100);
  json::array small(3, json::object{{"b", hundred}});
  auto out = m->apply(json::object{{"a", small}}, errors);
  BOOST_TEST(errors.empty());
  BOOST_TEST(out.at("lines").as_array().size() == 300u);
}

BOOST_AUTO_TEST_CASE(object_arrays_from_constructed_objects_and_extracts) {
  auto out = map(R"([{"generate":"contacts","dataType":"objectarray","buildArrayHelper":[
      {"mappings":[{"generate":"type","dataType":"string","extract":"primary"},
                   {"generate":"email","dataType":"string","extract":"$.primaryEmail"}]},
      {"extract":"$.others[*]"}]}])",
                 R"({"primaryEmail":"a@x.io","others":[{"type":"x"}]})");
  BOOST_TEST(out == json::parse(R"({"contacts":[{"type":"primary","email":"a@x.io"},{"type":"x"}]})"));
}

BOOST_AUTO_TEST_CASE(lookups) {
  std::vector<std::string> errors;
  auto out = map(R"([{"generate":"c","dataType":"string","extract":"$.code","lookupName":"countries"}])",
                 R"({"code":"US"})", R"([{"name":"countries","map":{"US":"United States"}}])");
  BOOST_TEST(out == json::parse(R"({"c":"United States"})"));
  auto failed = map(R"([{"generate":"c","dataType":"string","extract":"$.code","lookupName":"countries"}])",
                    R"({"code":"FR"})", R"([{"name":"countries","map":{}}])", &errors);
  BOOST_TEST(failed == json::parse("{}"));
  BOOST_TEST(errors.size() == 1u);
}

BOOST_AUTO_TEST_CASE(bad_mappings_do_not_compile) {
  for (auto m : {R"({})", R"([{"generate":"a","dataType":"date"}])", R"([{"dataType":"string"}])",
                 R"([{"generate":"a","extract":"{{#if x}}"}])",
                 R"([{"generate":"a","lookupName":"none"}])",
                 R"([{"generate":"a","dataType":"objectarray","buildArrayHelper":{}}])"}) {
    auto compiled = mapper_v2::compile(json::parse(m), json::parse("null"));
    BOOST_TEST(!compiled.has_value(), m);
    BOOST_TEST(why_not(compiled).find("Invalid mappings") == 0u, m);
  }
}

BOOST_AUTO_TEST_SUITE_END()
