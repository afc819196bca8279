#include "core/json/json_depth.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <string>

using namespace integrator;

namespace {

// {"a":[{"a":[…]}]} alternating objects and arrays, `depth` levels, with
// brackets inside strings on the way that must not count.
std::string nested(std::size_t depth) {
  std::string open, close;
  for (std::size_t i = 0; i < depth; ++i) {
    if (i % 2 == 0) {
      open += R"({"s\"[{":"[[{{\\","a":)";
      close = "}" + close;
    } else {
      open += "[";
      close = "]" + close;
    }
  }
  return open + "1" + close;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(json_depth_test)

// The scan and the parser draw the line at the same place: what one
// refuses, the other refuses.
BOOST_AUTO_TEST_CASE(the_scan_and_the_parser_agree_on_the_limit) {
  for (std::size_t depth : {1u, 2u, 33u, 255u, 256u, 257u, 300u, 5000u}) {
    auto text = nested(depth);
    boost::system::error_code ec;
    parse_json(text, ec);
    bool deep = depth > max_json_depth;
    BOOST_TEST(nests_deeper_than(text) == deep, depth);
    BOOST_TEST(static_cast<bool>(ec) == deep, depth << " " << ec.message());
    if (deep)
      BOOST_TEST(json_parse_failure(text) == "nested deeper than 256 levels");
  }
}

BOOST_AUTO_TEST_CASE(brackets_inside_strings_and_escapes_do_not_count) {
  std::string many_in_a_string = "{\"s\":\"" + std::string(1000, '[') + "\\\"" + std::string(1000, '{') + "\"}";
  BOOST_TEST(!nests_deeper_than(many_in_a_string));
  std::string wide(300 * 3, ' ');
  wide = "[";
  for (int i = 0; i < 600; ++i)
    wide += "[],";
  wide += "[]]";
  BOOST_TEST(!nests_deeper_than(wide));  // many brackets, depth 2
  BOOST_TEST(json_parse_failure("{") == "not valid JSON");
}

BOOST_AUTO_TEST_SUITE_END()
