#include "core/json/json_scan.hpp"

#include "core/json/json_depth.hpp"

#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

using namespace integrator;

namespace {

// A record nesting `depth` levels: an object, then arrays inside it.
std::string record_of_depth(std::size_t depth) {
  return R"({"id":1,"deep":)" + std::string(depth - 1, '[') + "1" + std::string(depth - 1, ']') + "}";
}

struct scanned {
  bool ok = false;
  std::size_t records = 0;
  bool within = false;
};

scanned scan(std::string body, const std::vector<std::string>& path) {
  json_scan s(body);
  std::vector<std::string_view> out;
  scanned r;
  r.ok = s.records(path, out);
  r.records = out.size();
  r.within = s.records_nest_within_limit();
  return r;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(json_scan_test)

// The page's full parse answers for the nesting limit of its records, so
// the export need not scan each record: it may say "within" only when no
// record can be deeper than the limit, wherever the records sit.
BOOST_AUTO_TEST_CASE(the_full_parse_vouches_for_the_nesting_limit_only_when_it_holds) {
  struct place {
    std::vector<std::string> path;
    std::string before, after;
  };
  std::vector<place> places = {
    {{}, "[", "]"},                                   // the body is the array of records
    {{"items"}, R"({"items":[)", "]}"},               // top-level records
    {{"data", "items"}, R"({"data":{"items":[)", "]}}"},  // records further down
    {{"data", "item"}, R"({"data":{"item":)", "}}"},  // one object as the record
  };
  for (const auto& at : places) {
    for (std::size_t depth : {std::size_t{2}, max_json_depth - 2, max_json_depth, max_json_depth + 1}) {
      auto r = scan(at.before + record_of_depth(depth) + at.after, at.path);
      BOOST_TEST(r.ok, depth);
      BOOST_TEST(r.records == 1u, depth);
      // "within" may err only towards false (each record is judged then).
      if (depth > max_json_depth)
        BOOST_TEST(!r.within, "path of " << at.path.size() << ", depth " << depth);
      if (depth <= max_json_depth - 2)
        BOOST_TEST(r.within, "path of " << at.path.size() << ", depth " << depth);
    }
  }
}

BOOST_AUTO_TEST_CASE(a_deep_sibling_leaves_each_record_to_be_judged) {
  auto r = scan(R"({"meta":)" + record_of_depth(max_json_depth + 10) + R"(,"items":[{"id":1}]})",
                {"items"});
  BOOST_TEST(r.ok);
  BOOST_TEST(r.records == 1u);
  BOOST_TEST(!r.within);
}

BOOST_AUTO_TEST_CASE(a_malformed_or_too_deep_body_gives_no_records_whatever_its_depth) {
  BOOST_TEST(!scan(R"({"items":[{"id":2 :"x"}]})", {"items"}).ok);
  BOOST_TEST(!scan(R"({"items":[)" + record_of_depth(max_json_depth + 10) + R"(,{"id":2 :"x"}]})",
                   {"items"}).ok);
  // Past simdjson's own limit (1024) the body is refused whole, as before.
  BOOST_TEST(!scan(R"({"items":[)" + record_of_depth(2000) + "]}", {"items"}).ok);
}

BOOST_AUTO_TEST_SUITE_END()
