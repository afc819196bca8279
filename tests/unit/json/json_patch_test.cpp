#include "core/json/json_patch.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

using namespace integrator;
namespace json = boost::json;

namespace {

json::value apply(const char* doc, const char* patch, api_error* err = nullptr) {
  auto d = json::parse(doc);
  auto e = apply_json_patch(d, json::parse(patch));
  if (err)
    *err = e;
  return d;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(json_patch_test)

BOOST_AUTO_TEST_CASE(parses_pointers_with_escapes) {
  auto t = parse_json_pointer("/a~1b/c~0d/0");
  BOOST_REQUIRE(t);
  BOOST_TEST(t->size() == 3u);
  BOOST_TEST((*t)[0] == "a/b");
  BOOST_TEST((*t)[1] == "c~d");
  BOOST_TEST(!parse_json_pointer("a/b"));
  BOOST_TEST(!parse_json_pointer("/a~2"));
}

BOOST_AUTO_TEST_CASE(applies_add_remove_replace_move_copy_test) {
  BOOST_TEST(apply(R"({"a":1})", R"([{"op":"replace","path":"/a","value":2}])")
             == json::parse(R"({"a":2})"));
  BOOST_TEST(apply(R"({"a":[1,3]})", R"([{"op":"add","path":"/a/1","value":2}])")
             == json::parse(R"({"a":[1,2,3]})"));
  BOOST_TEST(apply(R"({"a":[1]})", R"([{"op":"add","path":"/a/-","value":2}])")
             == json::parse(R"({"a":[1,2]})"));
  BOOST_TEST(apply(R"({"a":1,"b":2})", R"([{"op":"remove","path":"/b"}])")
             == json::parse(R"({"a":1})"));
  BOOST_TEST(apply(R"({"a":1})", R"([{"op":"move","from":"/a","path":"/b"}])")
             == json::parse(R"({"b":1})"));
  BOOST_TEST(apply(R"({"a":{"x":1}})", R"([{"op":"copy","from":"/a","path":"/b"}])")
             == json::parse(R"({"a":{"x":1},"b":{"x":1}})"));
  BOOST_TEST(apply(R"({"a":1})", R"([{"op":"test","path":"/a","value":1},{"op":"replace","path":"/a","value":5}])")
             == json::parse(R"({"a":5})"));
}

BOOST_AUTO_TEST_CASE(replace_of_an_absent_member_adds_it) {
  BOOST_TEST(apply(R"({"a":1})", R"([{"op":"replace","path":"/b","value":2}])")
             == json::parse(R"({"a":1,"b":2})"));
}

BOOST_AUTO_TEST_CASE(is_all_or_nothing) {
  api_error e;
  auto d = apply(R"({"a":1})",
                 R"([{"op":"replace","path":"/a","value":2},{"op":"test","path":"/a","value":9}])", &e);
  BOOST_TEST(bool(e));
  BOOST_TEST(d == json::parse(R"({"a":1})"));
}

BOOST_AUTO_TEST_CASE(rejects_bad_operations) {
  for (auto patch : {R"({"op":"add"})", R"([{"op":"explode","path":"/a"}])",
                     R"([{"op":"replace","path":"/missing/deeper","value":1}])",
                     R"([{"op":"remove","path":"/a/5"}])", R"([{"path":"/a"}])",
                     R"([{"op":"add","path":"/a"}])", R"([{"op":"move","from":"/a","path":"/a/b"}])"}) {
    api_error e;
    apply(R"({"a":[1]})", patch, &e);
    BOOST_TEST((e.kind() == errc::validation_failed), patch);
  }
}

BOOST_AUTO_TEST_CASE(collects_paths) {
  std::vector<std::string> paths;
  BOOST_TEST(!json_patch_paths(json::parse(R"([{"op":"move","from":"/a","path":"/b"}])"), paths));
  BOOST_TEST(paths.size() == 2u);
}

// Found by the json_patch fuzz target: copies double the document op after
// op, so a patch of a few KB grew it past 1.6 GB. A patch whose copies would
// pass max_patched_values is refused, and the document is left as it was.
BOOST_AUTO_TEST_CASE(copies_cannot_blow_a_document_up) {
  std::string ops;
  for (int i = 0; i < 40; ++i)
    ops += std::string(i ? "," : "") + R"({"op":"copy","from":"/s","path":"/s/c)" + std::to_string(i) + "\"}";
  auto doc = json::parse(R"({"s":{"a":[1,2,3]}})");
  auto before = doc;
  auto e = apply_json_patch(doc, json::parse("[" + ops + "]"));
  BOOST_TEST((e.kind() == errc::validation_failed));
  BOOST_TEST(e.message.find("larger than 2000000 values") != std::string::npos, e.message);
  BOOST_TEST(doc == before);
  // A few copies are fine.
  BOOST_TEST(!apply_json_patch(doc, json::parse(R"([{"op":"copy","from":"/s","path":"/t"}])")));
  BOOST_TEST(doc.at("t") == before.at("s"));
}

BOOST_AUTO_TEST_SUITE_END()
