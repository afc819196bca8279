#include "core/lang/mapping.hpp"

#include "tests/support/why_not.hpp"
#include "core/json/record_fields.hpp"
#include "core/json/json_scan.hpp"
#include "core/json/member_scan.hpp"
#include "core/lang/raw_mapping.hpp"
#include "core/json/record_page.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <functional>

#include "tests/support/random_text.hpp"

using namespace integrator;
using integrator::test::why_not;
using integrator::test::random_text;
namespace json = boost::json;

namespace {

json::value map(const char* mapping, const char* record, const char* lookups = "null",
                std::vector<std::string>* errors = nullptr) {
  auto m = mapping_v1::compile(json::parse(mapping), json::parse(lookups));
  BOOST_REQUIRE_MESSAGE(m, why_not(m));
  std::vector<std::string> local;
  return m->apply(json::parse(record), errors ? *errors : local);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(mapping_test)

BOOST_AUTO_TEST_CASE(fields_extract_generate_hard_code_and_convert) {
  auto out = map(R"({"fields":[
      {"extract":"customer.name","generate":"name"},
      {"extract":"lines[0].sku","generate":"first.sku"},
      {"hardCodedValue":"web","generate":"source"},
      {"extract":"qty","generate":"qty","dataType":"number"},
      {"extract":"paid","generate":"paid","dataType":"boolean"},
      {"extract":"id","generate":"id","dataType":"string"},
      {"extract":"lines[*].sku","generate":"skus"},
      {"extract":"nope","generate":"missing"}]})",
                 R"({"customer":{"name":"Ann"},"qty":"12","paid":"true","id":7,
                     "lines":[{"sku":"A"},{"sku":"B"}]})");
  BOOST_TEST(out == json::parse(R"({"name":"Ann","first":{"sku":"A"},"source":"web","qty":12,
                                    "paid":true,"id":"7","skus":["A","B"],"missing":null})"));
}

BOOST_AUTO_TEST_CASE(static_lookups_with_default_and_failures) {
  const char* lookups = R"([{"name":"states","map":{"California":"CA","New York":"NY"}},
                            {"name":"soft","map":{},"allowFailures":true},
                            {"name":"dflt","map":{},"default":"??"}])";
  auto out = map(R"({"fields":[{"extract":"state","generate":"st","lookupName":"states"},
                                {"extract":"state","generate":"s2","lookupName":"soft"},
                                {"extract":"state","generate":"s3","lookupName":"dflt"}]})",
                 R"({"state":"New York"})", lookups);
  BOOST_TEST(out == json::parse(R"({"st":"NY","s2":"","s3":"??"})"));
  std::vector<std::string> errors;
  auto failed = map(R"({"fields":[{"extract":"state","generate":"st","lookupName":"states"}]})",
                    R"({"state":"Texas"})", lookups, &errors);
  BOOST_TEST(failed == json::parse("{}"));
  BOOST_TEST_REQUIRE(errors.size() == 1u);
  BOOST_TEST(errors[0].find("Texas") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(lists_build_one_row_per_element) {
  auto out = map(R"({"lists":[{"generate":"lineItems","fields":[
                      {"extract":"lines[*].sku","generate":"item"},
                      {"extract":"lines[*].qty","generate":"quantity","dataType":"number"},
                      {"extract":"warehouse","generate":"location"}]}]})",
                 R"({"warehouse":"W1","lines":[{"sku":"A","qty":"1"},{"sku":"B","qty":"2"}]})");
  BOOST_TEST(out == json::parse(R"({"lineItems":[{"item":"A","quantity":1,"location":"W1"},
                                                 {"item":"B","quantity":2,"location":"W1"}]})"));
}

BOOST_AUTO_TEST_CASE(bad_mappings_do_not_compile) {
  for (auto m : {R"({"fields":[{"extract":"a"}]})", R"({"fields":[{"generate":"a"}]})",
                 R"({"fields":[{"extract":"a","generate":"b","dataType":"colour"}]})",
                 R"({"fields":[{"extract":"a","generate":"b","lookupName":"nope"}]})",
                 R"({"fields":{}})", R"({"lists":[{"fields":[]}]})", "[]"}) {
    auto compiled = mapping_v1::compile(json::parse(m), json::parse("null"));
    BOOST_TEST(!compiled.has_value(), m);
    BOOST_TEST(why_not(compiled).find("Invalid mapping") == 0u, m);
  }
}

BOOST_AUTO_TEST_CASE(raw_mapping_gives_what_the_document_mapping_gives) {
  auto m = mapping_v1::compile(json::parse(R"({"fields":[
      {"extract":"id","generate":"externalId"},{"extract":"email","generate":"email"},
      {"extract":"name","generate":"who"},{"extract":"missing","generate":"gone"},
      {"hardCodedValue":{"k":[1,"x"]},"generate":"fixed"},{"extract":"id","generate":"again"}]})"),
                               {});
  BOOST_REQUIRE(m);
  auto raw = raw_mapping::from(*m);
  BOOST_REQUIRE(raw);
  for (const char* rec : {R"({"id":7,"email":"a@b.c","name":{"first":"A","list":[1,2]},"x":[{}]})",
                          R"( { "email" : "q\"uote" , "id" : -1.5e3 , "name" : null } )",
                          R"({"\u0069d":1,"na\u006de":"n"})",
                          R"({})"}) {
    std::string out = "prefix";
    BOOST_REQUIRE_MESSAGE(raw->apply(rec, out), rec);
    std::vector<std::string> errors;
    BOOST_TEST(json::parse(out.substr(6)) == m->apply(json::parse(rec), errors), rec);
  }
  std::string out;
  BOOST_TEST(!raw->apply("[1,2]", out));
  BOOST_TEST(out.empty());
  // Anything beyond copying stays with the document mapping.
  for (const char* spec : {R"({"fields":[{"extract":"a.b","generate":"x"}]})",
                           R"({"fields":[{"extract":"a","generate":"x.y"}]})",
                           R"({"fields":[{"extract":"a","generate":"x","dataType":"string"}]})",
                           R"({"fields":[{"extract":"a[*]","generate":"x"}]})",
                           R"({"lists":[{"generate":"l","fields":[]}]})"}) {
    auto other = mapping_v1::compile(json::parse(spec), {});
    BOOST_REQUIRE(other);
    BOOST_TEST(!raw_mapping::from(*other), spec);
  }
}

// a → x, b → y, as a raw mapping.
std::optional<raw_mapping> a_to_x_b_to_y() {
  auto m = mapping_v1::compile(json::parse(R"({"fields":[{"extract":"a","generate":"x"},
      {"extract":"b","generate":"y"}]})"), {});
  BOOST_REQUIRE(m);
  auto raw = raw_mapping::from(*m);
  BOOST_REQUIRE(raw);
  return raw;
}

BOOST_AUTO_TEST_CASE(records_of_a_page_are_read_in_place_beside_their_neighbours) {
  auto raw = a_to_x_b_to_y();
  // Neighbours that would confuse a parser reading past the record's end:
  // an unclosed string, a stray bracket, a number running on.
  page_builder b(10, 1 << 20);
  for (const char* rec : {R"({"a":1,"b":"x"})", R"({"a":"\"unclosed)", R"({"a":12)",
                          R"(345,"b":[1]})", R"({"b":{"c":2},"a":true})"})
    b.append(rec);
  auto page = b.take();
  BOOST_TEST(page.readable(page.size() - 1) >= page.record(page.size() - 1).size() + json_padding);
  std::vector<std::string> got;
  for (std::size_t i = 0; i < page.size(); ++i) {
    std::string out;
    got.push_back(raw->apply(page.record(i), out, page.readable(i)) ? out : "refused");
  }
  BOOST_TEST(json::parse(got[0]) == json::parse(R"({"x":1,"y":"x"})"));
  BOOST_TEST(got[1] == "refused");
  BOOST_TEST(got[2] == "refused");  // {"a":12 alone is cut short
  BOOST_TEST(got[3] == "refused");
  BOOST_TEST(json::parse(got[4]) == json::parse(R"({"x":true,"y":{"c":2}})"));
  // readable_within counts a buffer's spare capacity, and nothing outside it.
  std::string body = R"([{"a":1},{"a":2}])";
  body.reserve(body.size() + json_padding);
  std::string_view second(body.data() + 9, 7);
  BOOST_TEST(readable_within(second, body) == body.capacity() - 9);
  BOOST_TEST(readable_within(std::string_view("{}"), body) == 0u);
}

BOOST_AUTO_TEST_CASE(a_page_is_mapped_by_a_byte_scan_that_gives_up_where_it_should) {
  auto raw = a_to_x_b_to_y();
  page_builder b(10, 1 << 20);
  for (const char* rec : {R"({"a":1,"b":"x"})", R"({"a":"\"unclosed)", R"({"a":12)", R"(345,"b":[1]})",
                          R"({"b":{"c":"}\"]"},"a":true})", R"({"\u0061":5,"b":2})", R"( { "a" : [ ] } )",
                          R"({"a":1} trailing)", R"({"a":"\\","b":"x\\\"y"})"})
    b.append(rec);
  auto page = b.take();
  std::vector<std::string> got;
  for (std::size_t i = 0; i < page.size(); ++i) {
    std::string out = "kept";  // appended to, or left as it was
    bool mapped = raw->apply(page, i, out);
    BOOST_TEST(out.starts_with("kept"));
    BOOST_TEST(mapped == (out.size() > 4));
    got.emplace_back(out.substr(4));
  }
  BOOST_TEST(json::parse(got[0]) == json::parse(R"({"x":1,"y":"x"})"));
  BOOST_TEST(got[1].empty());
  BOOST_TEST(got[2].empty());
  BOOST_TEST(got[3].empty());
  BOOST_TEST(json::parse(got[4]) == json::parse(R"({"x":true,"y":{"c":"}\"]"}})"));
  BOOST_TEST(json::parse(got[5]) == json::parse(R"({"x":5,"y":2})"));  // an escaped key: parsed instead
  BOOST_TEST(json::parse(got[6]) == json::parse(R"({"x":[],"y":null})"));
  BOOST_TEST(got[7].empty());
  BOOST_TEST(json::parse(got[8]) == json::parse(R"({"x":"\\","y":"x\\\"y"})"));
}

// The byte scan against a parser, on objects of every shape: strings with
// quotes, backslashes and braces, nesting, numbers, odd spacing, and strings
// ending near the edge of what may be read (its 16-byte steps).
BOOST_AUTO_TEST_CASE(the_member_scan_finds_what_a_parser_finds) {
  random_text random(7, "b");
  auto pick = [&](int n) { return random.pick(n); };
  auto text = [&] { return random.text(40); };
  std::function<json::value(int)> value = [&](int depth) -> json::value {
    switch (depth > 2 ? pick(4) : pick(6)) {
      case 0: return json::value(text());
      case 1: return json::value(pick(100000) - 50000);
      case 2: return json::value(pick(1000) / 4.0);  // exact in binary: it survives the round trip
      case 3: return pick(2) ? json::value(true) : json::value(nullptr);
      case 4: {
        json::object o;
        for (int i = pick(4); i > 0; --i)
          o[text()] = value(depth + 1);
        return o;
      }
      default: {
        json::array a;
        for (int i = pick(4); i > 0; --i)
          a.push_back(value(depth + 1));
        return a;
      }
    }
  };
  auto space = [&] { return random.space(); };
  for (int round = 0; round < 2000; ++round) {
    json::object expected;
    std::string doc = space() + "{";
    for (int i = pick(6); i > 0; --i) {
      std::string key = "k" + std::to_string(i) + (pick(2) ? "x" : "");
      if (expected.contains(key))
        continue;
      auto v = value(0);
      doc += (expected.empty() ? "" : ",") + space() + json::serialize(json::value(key)) + space() + ":" +
             space() + json::serialize(v) + space();
      expected[key] = std::move(v);
    }
    doc += "}" + space();
    for (std::size_t padding : {std::size_t{0}, std::size_t{16}}) {
      std::string buffer = doc;
      buffer.reserve(doc.size() + padding);
      json::object found;
      bool ok = scan_members(std::string_view(buffer), buffer.size() + padding,
                             [&](std::string_view k, std::string_view v) {
                               boost::system::error_code ec;
                               found[k] = json::parse(v, ec);
                               BOOST_REQUIRE_MESSAGE(!ec, "value <" << v << "> of " << doc);
                             });
      BOOST_REQUIRE_MESSAGE(ok, doc);
      BOOST_REQUIRE_MESSAGE(found == expected, doc);
    }
    // Cut short anywhere, it gives up (or reads a shorter object whole).
    auto cut = static_cast<std::size_t>(pick(static_cast<int>(doc.size())));
    scan_members(std::string_view(doc).substr(0, cut), cut, [](std::string_view, std::string_view) {});
  }
}

// simdjson's on-demand kernel is fixed at compile time; an -march without
// PCLMUL once left it on the scalar kernel unnoticed.
BOOST_AUTO_TEST_CASE(records_are_parsed_with_the_simd_kernel_the_build_allows) {
#if defined(__AVX2__)
  BOOST_TEST(std::string(json_kernel_name()) == "haswell");
#elif defined(__SSE4_2__)
  BOOST_TEST(std::string(json_kernel_name()) == "westmere");
#else
  BOOST_TEST_MESSAGE("built without SSE4.2: " << json_kernel_name());
#endif
}

BOOST_AUTO_TEST_CASE(filter_fields_keep_their_json_types) {
  const char* rec = R"({"s":"a\"b","i":-3,"u":18446744073709551615,"d":1.5,"t":true,"n":null,
                       "o":{"k":[1]},"skip":1})";
  auto got = project_fields(rec, {"s", "i", "u", "d", "t", "n", "o"});
  BOOST_REQUIRE(got);
  BOOST_TEST(*got == json::parse(R"({"s":"a\"b","i":-3,"u":18446744073709551615,"d":1.5,"t":true,
                                     "n":null,"o":{"k":[1]}})"));
  BOOST_TEST((*got).at("i").is_int64());
  BOOST_TEST((*got).at("u").is_uint64());
  BOOST_TEST(!project_fields("[1]", {"a"}));
  // Keys are compared unescaped: written with escapes, they still match.
  auto escaped = project_fields(R"({"\u0073":"x","a\"b":1,"i\\":2})", {"s", "a\"b", "i\\"});
  BOOST_REQUIRE(escaped);
  BOOST_TEST(*escaped == json::parse(R"({"s":"x","a\"b":1,"i\\":2})"));
}

BOOST_AUTO_TEST_SUITE_END()
