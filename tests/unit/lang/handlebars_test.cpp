#include "core/lang/handlebars.hpp"

#include "tests/support/why_not.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

using namespace integrator;
using integrator::test::why_not;
namespace json = boost::json;

namespace {

std::string render(const char* source, const char* data,
                   template_escape escape = template_escape::html) {
  auto t = handlebars_template::compile(source);
  BOOST_REQUIRE_MESSAGE(t, why_not(t));
  auto text = t->render(json::parse(data), escape);
  return text ? *text : "<" + text.error().message + ">";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(handlebars_test)

BOOST_AUTO_TEST_CASE(values_paths_and_escaping) {
  BOOST_TEST(render("Hi {{name}}!", R"({"name":"Ann"})") == "Hi Ann!");
  BOOST_TEST(render("{{a.b.c}}", R"({"a":{"b":{"c":42}}})") == "42");
  BOOST_TEST(render("{{a.[first name]}}", R"({"a":{"first name":"X"}})") == "X");
  BOOST_TEST(render("{{items.1}}", R"({"items":["x","y"]})") == "y");
  BOOST_TEST(render("{{missing}}|{{n}}|{{f}}|{{b}}", R"({"n":null,"f":1.5,"b":false})") == "||1.5|false");
  BOOST_TEST(render("{{s}}", R"({"s":"<a href=\"x\">&'`=</a>"})")
             == "&lt;a href&#x3D;&quot;x&quot;&gt;&amp;&#x27;&#x60;&#x3D;&lt;/a&gt;");
  BOOST_TEST(render("{{{s}}}{{& s}}", R"({"s":"<b>"})") == "<b><b>");
  BOOST_TEST(render("/q?name={{s}}", R"({"s":"a b&c/d"})", template_escape::url)
             == "/q?name=a%20b%26c%2Fd");
  BOOST_TEST(render("{{{s}}}", R"({"s":"a b"})", template_escape::url) == "a b");
  BOOST_TEST(render("{{arr}}", R"({"arr":[1,"a",true]})") == "1,a,true");
  BOOST_TEST(render("{{o}}", R"({"o":{"a":1}})") == "[object Object]");
}

BOOST_AUTO_TEST_CASE(if_unless_else) {
  const char* t = "{{#if ok}}yes{{else}}no{{/if}}";
  BOOST_TEST(render(t, R"({"ok":true})") == "yes");
  for (auto falsy : {R"({"ok":false})", R"({"ok":0})", R"({"ok":""})", R"({"ok":[]})", R"({})"})
    BOOST_TEST(render(t, falsy) == "no", falsy);
  BOOST_TEST(render(t, R"({"ok":{}})") == "yes");
  BOOST_TEST(render("{{#unless ok}}off{{/unless}}", R"({"ok":false})") == "off");
}

BOOST_AUTO_TEST_CASE(each_with_data_variables_and_parents) {
  BOOST_TEST(render("{{#each xs}}{{@index}}:{{this}}{{#unless @last}},{{/unless}}{{/each}}",
                    R"({"xs":["a","b","c"]})")
             == "0:a,1:b,2:c");
  BOOST_TEST(render("{{#each o}}{{@key}}={{this}};{{/each}}", R"({"o":{"x":1,"y":2}})") == "x=1;y=2;");
  BOOST_TEST(render("{{#each xs}}{{name}}-{{../sep}}{{/each}}", R"({"sep":"|","xs":[{"name":"a"},{"name":"b"}]})")
             == "a-|b-|");
  BOOST_TEST(render("{{#each xs}}x{{else}}empty{{/each}}", R"({"xs":[]})") == "empty");
  BOOST_TEST(render("{{#with a}}{{b}}{{/with}}", R"({"a":{"b":"in"}})") == "in");
  BOOST_TEST(render("{{#each xs}}{{@root.top}}{{/each}}", R"({"top":"T","xs":[1,2]})") == "TT");
}

BOOST_AUTO_TEST_CASE(helpers_and_subexpressions) {
  BOOST_TEST(render("{{lookup map key}}", R"({"map":{"k":"v"},"key":"k"})") == "v");
  BOOST_TEST(render("{{{jsonSerialize record}}}", R"({"record":{"a":[1,2]}})") == R"({"a":[1,2]})");
  BOOST_TEST(render("{{join tags \"; \"}}", R"({"tags":["a","b"]})") == "a; b");
  BOOST_TEST(render("{{encodeURIComponent q}}", R"({"q":"a b/c"})", template_escape::none) == "a%20b%2Fc");
  BOOST_TEST(render("{{encodeURI u}}", R"({"u":"http://x/a b?q=1"})", template_escape::none)
             == "http://x/a%20b?q=1");
  BOOST_TEST(render("{{#compare n \">\" 10}}big{{else}}small{{/compare}}", R"({"n":11})") == "big");
  BOOST_TEST(render("{{#compare s \"==\" \"x\"}}same{{/compare}}", R"({"s":"x"})") == "same");
  BOOST_TEST(render("{{#if (and a (or b c))}}y{{else}}n{{/if}}", R"({"a":1,"b":0,"c":"z"})") == "y");
  BOOST_TEST(render("{{#if (not a)}}y{{/if}}", R"({"a":0})") == "y");
}

BOOST_AUTO_TEST_CASE(comments_and_whitespace_control) {
  BOOST_TEST(render("a{{! note }}b{{!-- {{x}} --}}c", "{}") == "abc");
  BOOST_TEST(render("a  {{~x~}}  b", R"({"x":"-"})") == "a-b");
}

BOOST_AUTO_TEST_CASE(standalone_block_lines_disappear_as_in_handlebars_js) {
  const char* list = "<ul>\n  {{#each xs}}\n  <li>{{this}}</li>\n  {{/each}}\n</ul>\n";
  BOOST_TEST(render(list, R"({"xs":["a","b"]})") == "<ul>\n  <li>a</li>\n  <li>b</li>\n</ul>\n");
  const char* cond = "{{#if ok}}\nyes\n{{else}}\nno\n{{/if}}\n";
  BOOST_TEST(render(cond, R"({"ok":false})") == "no\n");
  BOOST_TEST(render("a\n{{! comment }}\nb", "{}") == "a\nb");
  // Not alone on its line: kept as is.
  BOOST_TEST(render("x {{#if ok}}y{{/if}}\n", R"({"ok":true})") == "x y\n");
}

BOOST_AUTO_TEST_CASE(bad_templates_do_not_compile) {
  for (auto source : {"{{#if x}}no end", "{{/if}}", "{{x", "{{#each xs}}{{/if}}", "{{frob a b}}",
                      "{{#frob a}}x{{/frob}}", "{{else}}", "{{(lookup a}}"}) {
    auto compiled = handlebars_template::compile(source);
    BOOST_TEST(!compiled.has_value(), source);
    BOOST_TEST(why_not(compiled).find("Invalid template") == 0u, source);
  }
}

BOOST_AUTO_TEST_SUITE(dates)

BOOST_AUTO_TEST_CASE(date_format_uses_moment_tokens_and_time_zones) {
  const char* data = R"({"d":"2024-03-10T06:30:05.123Z","ms":1710052205123,"s":"1710052205"})";
  BOOST_TEST(render(R"({{dateFormat "YYYY-MM-DD HH:mm:ss.SSS" d}})", data, template_escape::none)
             == "2024-03-10 06:30:05.123");
  // New York switched to daylight time at 07:00 UTC that day.
  BOOST_TEST(render(R"({{dateFormat "YYYY-MM-DDTHH:mm:ssZ" d "America/New_York"}})", data,
                    template_escape::none)
             == "2024-03-10T01:30:05-05:00");
  BOOST_TEST(render(R"({{dateFormat "HH:mm Z" "2024-03-10T08:00:00Z" "America/New_York"}})", data,
                    template_escape::none)
             == "04:00 -04:00");
  BOOST_TEST(render(R"({{dateFormat "dddd, MMMM Do YYYY, h:mm a" d}})", data, template_escape::none)
             == "Sunday, March 10th 2024, 6:30 am");
  BOOST_TEST(render(R"({{dateFormat "X x [at] MMM" ms}})", data, template_escape::none)
             == "1710052205 1710052205123 at Mar");
  BOOST_TEST(render(R"({{dateFormat "YYYY-MM-DD" s "X" "UTC"}})", data, template_escape::none)
             == "2024-03-10");
  BOOST_TEST(render(R"({{dateFormat "YYYY" "not a date"}})", data, template_escape::none)
             == "Invalid date");
}

// Found by the handlebars fuzz target: a number far beyond any date was
// converted to a 64-bit integer (undefined); it is no date now.
BOOST_AUTO_TEST_CASE(numbers_beyond_any_date_are_invalid_dates) {
  const char* data = R"({"huge":8.82804e86,"s":"9223372036854775807","d":"2024-02-28T12:00:00Z"})";
  BOOST_TEST(render(R"({{dateFormat "YYYY" huge}})", data, template_escape::none) == "Invalid date");
  BOOST_TEST(render(R"({{dateFormat "YYYY" s "X" "UTC"}})", data, template_escape::none) == "Invalid date");
  BOOST_TEST(render(R"({{dateAdd d 1e300}})", data, template_escape::none) == "Invalid date");
  BOOST_TEST(render(R"({{dateAdd huge 1}})", data, template_escape::none) == "Invalid date");
}

BOOST_AUTO_TEST_CASE(date_add_adds_milliseconds) {
  BOOST_TEST(render(R"({{dateAdd d 86400000}})", R"({"d":"2024-02-28T12:00:00Z"})", template_escape::none)
             == "2024-02-29T12:00:00.000Z");
  BOOST_TEST(render(R"({{dateAdd d "-3600000"}})", R"({"d":"2024-01-01T00:30:00.000Z"})",
                    template_escape::none)
             == "2023-12-31T23:30:00.000Z");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(limits)

std::string repeat(std::string_view s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i)
    out += s;
  return out;
}

// A template nested past the limit is refused when compiled: the parser
// and the renderer recurse, and 10,000 levels ran a thread out of stack.
BOOST_AUTO_TEST_CASE(deep_nesting_is_refused_at_compile_time) {
  for (std::string_view block : {"if", "unless", "each", "with"}) {
    auto nest = [&](int n) {
      return repeat("{{#" + std::string(block) + " a}}", n) + "x" + repeat("{{/" + std::string(block) + "}}", n);
    };
    BOOST_TEST(handlebars_template::compile(nest(max_template_nesting)).has_value());
    auto deep = handlebars_template::compile(nest(10'000));
    BOOST_REQUIRE(!deep);
    BOOST_TEST(deep.error().message.find("nest deeper than 100 levels") != std::string::npos);
  }
  auto chain = [](int n) { return "{{#if a}}a" + repeat("{{else if b}}b", n) + "{{/if}}"; };
  BOOST_TEST(handlebars_template::compile(chain(max_template_nesting - 1)).has_value());
  BOOST_TEST(!handlebars_template::compile(chain(10'000)));
  auto sub = [](int n) { return "{{not " + repeat("(not ", n) + "a" + repeat(")", n) + "}}"; };
  BOOST_TEST(handlebars_template::compile(sub(max_template_nesting)).has_value());
  auto deep_sub = handlebars_template::compile(sub(10'000));
  BOOST_REQUIRE(!deep_sub);
  BOOST_TEST(deep_sub.error().message.find("subexpressions nest deeper") != std::string::npos);
  BOOST_TEST(render(("{{#if a}}" + chain(50) + "{{/if}}").c_str(), R"({"a":0,"b":1})") == "");
  BOOST_TEST(render(chain(50).c_str(), R"({"a":0,"b":1})") == "b");
}

BOOST_AUTO_TEST_CASE(partials_and_unknown_helpers_are_refused_at_compile_time) {
  auto partial = handlebars_template::compile("a {{> p}} b");
  BOOST_REQUIRE(!partial);
  BOOST_TEST(partial.error().message.find("partials") != std::string::npos);
  BOOST_TEST(!handlebars_template::compile("{{#if a}}x"));
  BOOST_TEST(!handlebars_template::compile("{{#if a}}x{{/each}}"));
  BOOST_TEST(!handlebars_template::compile("{{shout a}}"));
  BOOST_TEST(!handlebars_template::compile("{{#shout a}}x{{/shout}}"));
}

// {{#each}} nested over large arrays is a billion iterations; the render
// stops at its step budget with template_limit instead.
BOOST_AUTO_TEST_CASE(rendering_stops_at_the_step_budget) {
  json::array big;
  for (int i = 0; i < 1000; ++i)
    big.push_back(i);
  json::object data{{"a", big}};
  auto t = handlebars_template::compile("{{#each a}}{{#each ../a}}{{#each ../../a}}.{{/each}}{{/each}}{{/each}}");
  BOOST_REQUIRE(t);
  auto text = t->render(data, template_escape::none);
  BOOST_REQUIRE(!text);
  BOOST_TEST(text.error().code == error_code::template_limit);
  BOOST_TEST(text.error().message.find("steps") != std::string::npos);
  // A helper over the whole array in every iteration is charged by what it
  // produces, so writing nothing does not escape the budget.
  auto quiet = handlebars_template::compile("{{#each a}}{{#each ../a}}{{#if (join ../../a)}}{{/if}}{{/each}}{{/each}}");
  BOOST_REQUIRE(quiet);
  render_limits small{100'000, 1u << 20};
  BOOST_TEST(!quiet->render(data, template_escape::none, small));
  // Within the budget, the same template renders.
  auto two = handlebars_template::compile("{{#each a}}{{#each ../a}}.{{/each}}{{/each}}");
  BOOST_REQUIRE(two);
  auto fine = two->render(data, template_escape::none);
  BOOST_REQUIRE(fine);
  BOOST_TEST(fine->size() == 1'000'000u);
}

BOOST_AUTO_TEST_CASE(rendering_stops_at_the_output_limit) {
  auto t = handlebars_template::compile("{{#each a}}{{../s}}{{/each}}");
  BOOST_REQUIRE(t);
  json::object data{{"a", json::array(100, json::value(0))}, {"s", std::string(1000, 'x')}};
  render_limits limits{1'000'000, 50'000};
  auto text = t->render(data, template_escape::none, limits);
  BOOST_REQUIRE(!text);
  BOOST_TEST(text.error().message.find("more than 50000 bytes") != std::string::npos);
  limits.max_output = 100'000;
  BOOST_TEST(t->render(data, template_escape::none, limits).has_value());
}

BOOST_AUTO_TEST_CASE(a_loop_block_is_found_in_any_spelling_and_nothing_else_counts) {
  BOOST_TEST(has_loop_block("{{#each a}}x{{/each}}"));
  BOOST_TEST(has_loop_block(R"({"body":"{{~# each  record.lines}}{{/each}}"})"));
  BOOST_TEST(has_loop_block("{{#each}}"));
  BOOST_TEST(!has_loop_block("{{#eachOther a}}{{/eachOther}}"));
  BOOST_TEST(!has_loop_block("{{#if a}}{{each}}{{/if}} #each {{ with }}"));
  BOOST_TEST(!has_loop_block("{{"));
  BOOST_TEST(!has_loop_block("{{#eac"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE_END()
