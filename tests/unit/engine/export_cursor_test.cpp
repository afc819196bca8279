#include "core/engine/export_cursor.hpp"

#include "tests/support/why_not.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <map>

#include <algorithm>
#include <functional>

#include "core/json/json_depth.hpp"

using namespace integrator;
using integrator::test::why_not;
namespace json = boost::json;

namespace {

using server_fn = std::function<outbound_response(const outbound_request&)>;

struct run_result {
  std::vector<std::string> kept;
  job_counts counts;
  std::vector<job_error_entry> errors;
  std::string fatal;
  std::size_t requests = 0;
};

export_step step_of(const std::string& export_fields) {
  auto endpoint = http_endpoint::from_connection(
    json::parse(R"({"type":"http","http":{"baseURI":"http://127.0.0.1:9"}})"));
  BOOST_REQUIRE_MESSAGE(endpoint, why_not(endpoint));
  auto doc = json::parse(R"({"_id":"e1","adaptorType":"HTTPExport",)" + export_fields + "}");
  auto step = export_step::compile(doc, std::make_shared<const http_endpoint>(std::move(*endpoint)),
                                   json::object());
  BOOST_REQUIRE_MESSAGE(step, why_not(step));
  return std::move(*step);
}

// Runs the cursor as the export stage does: the next request goes out
// once paging is settled, before the records are read.
run_result run(export_cursor& cursor, const server_fn& server) {
  run_result out;
  auto req = cursor.next();
  while (req) {
    BOOST_REQUIRE(++out.requests < 50);
    auto resp = server(*req);
    auto answer = cursor.settle(resp);
    req = cursor.next();
    auto r = cursor.read(answer, resp.body, [&](std::string_view kept) { out.kept.emplace_back(kept); });
    out.counts += r.counts;
    for (auto& e : r.errors)
      out.errors.push_back(std::move(e));
    if (!r.fatal.empty()) {
      out.fatal = r.fatal;
      break;
    }
  }
  return out;
}

// Pages of three records {"id":n,"active":bool} (every third inactive),
// then an empty page; `page` from the query.
outbound_response three_per_page(const outbound_request& req) {
  auto at = req.url.find("page=");
  int page = at == std::string::npos ? 1 : std::stoi(req.url.substr(at + 5));
  outbound_response r;
  r.status = 200;
  r.body = "[";
  if (page <= 3)
    for (int i = 0; i < 3; ++i) {
      int id = (page - 1) * 3 + i;
      r.body += (i ? "," : "") + std::string(R"({"id":)") + std::to_string(id)
                + R"(,"active":)" + (id % 3 == 2 ? "false" : "true") + "}";
    }
  r.body += "]";
  return r;
}

const char* paged = R"("http":{"relativeURI":"/items?page={{export.http.paging.page}}",
                               "paging":{"method":"page","page":1}})";

}  // namespace

BOOST_AUTO_TEST_SUITE(export_cursor_test)

BOOST_AUTO_TEST_CASE(pages_until_the_source_runs_dry_and_keeps_every_record) {
  auto step = step_of(paged);
  json::value settings = json::object();
  export_cursor cursor(step, settings);
  auto out = run(cursor, three_per_page);
  BOOST_TEST(out.kept.size() == 9u);
  BOOST_TEST(out.counts.num_export == 9);
  BOOST_TEST(out.requests == 4u);
  BOOST_TEST(!cursor.more());
  BOOST_TEST(!cursor.next());
}

BOOST_AUTO_TEST_CASE(the_output_filter_drops_records_as_ignored) {
  auto step = step_of(std::string(paged) + R"(,"filter":{"type":"expression","expression":{
    "version":"1","rules":["equals",["extract","active"],true]}})");
  json::value settings = json::object();
  export_cursor cursor(step, settings);
  auto out = run(cursor, three_per_page);
  BOOST_TEST(out.kept.size() == 6u);
  BOOST_TEST(out.counts.num_ignore == 3);
  BOOST_TEST(out.counts.num_export == 9);
}

BOOST_AUTO_TEST_CASE(counts_by_page_go_with_the_page_of_the_next_record_kept) {
  // Pages of two records: an ignored record counts with the page of the
  // next record kept, an answer's ignored tail with the next page.
  auto step = step_of(std::string(paged) + R"(,"filter":{"type":"expression","expression":{
    "version":"1","rules":["equals",["extract","active"],true]}})");
  json::value settings = json::object();
  export_cursor cursor(step, settings);
  std::uint64_t pages = 0, in_page = 0;
  counts_by_page by_page{[&] { return in_page == 0 ? pages : pages + 1; },
                                     [&] { return pages + 1; }, {}};
  job_counts total;
  auto req = cursor.next();
  while (req) {
    auto resp = three_per_page(*req);
    auto answer = cursor.settle(resp);
    req = cursor.next();
    auto r = cursor.read(answer, resp.body, [&](std::string_view) {
      if (++in_page == 2) {  // the page is complete with this record
        ++pages;
        in_page = 0;
      }
    }, &by_page);
    BOOST_TEST(r.counts.num_export == 0);  // all in the parts
  }
  std::map<std::uint64_t, job_counts> parts;
  for (const auto& p : by_page.parts) {
    parts[p.origin] += p.counts;
    total += p.counts;
  }
  BOOST_TEST(total.num_export == 9);
  BOOST_TEST(total.num_ignore == 3);
  // Answers 0-2, 3-5, 6-8; 2, 5 and 8 ignored; pages {0,1} {3,4} {6,7}.
  BOOST_TEST(parts[1].num_export == 2);  // 0, 1
  BOOST_TEST(parts[2].num_export == 3);  // 2 (ignored, the answer's tail), 3, 4
  BOOST_TEST(parts[2].num_ignore == 1);
  BOOST_TEST(parts[3].num_export == 3);  // 5 (ignored), 6, 7
  BOOST_TEST(parts[3].num_ignore == 1);
  BOOST_TEST(parts[4].num_export == 1);  // 8 (ignored): the page after the last
  BOOST_TEST(parts[4].num_ignore == 1);
}

BOOST_AUTO_TEST_CASE(the_transform_reshapes_what_goes_on) {
  auto step = step_of(std::string(paged) + R"(,"transform":{"type":"expression","expression":{
    "version":"2","rulesTwoDotZero":{"mode":"create","mappings":[
      {"generate":"key","dataType":"string","extract":"$.id"}]}}})");
  json::value settings = json::object();
  export_cursor cursor(step, settings);
  auto out = run(cursor, three_per_page);
  BOOST_REQUIRE(out.kept.size() == 9u);
  BOOST_TEST(json::parse(out.kept[4]) == json::parse(R"({"key":"4"})"));
}

BOOST_AUTO_TEST_CASE(a_test_export_stops_requesting_at_its_limit) {
  auto step = step_of(std::string(paged) + R"(,"type":"test","test":{"limit":4})");
  json::value settings = json::object();
  export_cursor cursor(step, settings);
  auto out = run(cursor, three_per_page);
  BOOST_TEST(out.kept.size() == 4u);
  // Page 2 holds the fourth record; page 3 was asked for ahead, before
  // page 2's records were read. Nothing after it.
  BOOST_TEST(out.requests == 3u);
  BOOST_TEST(!cursor.more());
}

BOOST_AUTO_TEST_CASE(a_failed_answer_stops_the_export_with_its_status_as_the_code) {
  auto step = step_of(paged);
  json::value settings = json::object();
  export_cursor cursor(step, settings);
  auto out = run(cursor, [](const outbound_request& req) {
    outbound_response r;
    r.status = req.url.find("page=2") != std::string::npos ? 500 : 200;
    r.body = r.status == 200 ? R"([{"id":1}])" : R"({"message":"down"})";
    return r;
  });
  BOOST_TEST(!out.fatal.empty());
  BOOST_TEST(out.kept.size() == 1u);
  BOOST_REQUIRE(out.errors.size() == 1u);
  BOOST_TEST(out.errors[0].code == "500");
  BOOST_TEST(out.errors[0].step_id == "e1");
  BOOST_TEST(cursor.stopped());
  BOOST_TEST(!cursor.next());
}

BOOST_AUTO_TEST_CASE(a_record_the_filter_cannot_read_is_an_error_and_goes_no_further) {
  auto step = step_of(R"("http":{"relativeURI":"/one"},"filter":{"type":"expression","expression":{
    "version":"1","rules":["equals",["extract","id"],1]}})");
  json::value settings = json::object();
  export_cursor cursor(step, settings);
  auto out = run(cursor, [](const outbound_request&) {
    outbound_response r;
    r.status = 200;
    r.body = R"([{"id":1},5,{"id":2}])";
    return r;
  });
  BOOST_TEST(out.kept.size() == 1u);
  BOOST_TEST(out.counts.num_ignore == 1);
  BOOST_TEST(out.counts.num_error == 1);
  BOOST_REQUIRE(out.errors.size() == 1u);
  BOOST_TEST(out.errors[0].code == "invalid_record");
  BOOST_TEST(out.errors[0].retry_data == "5");
  BOOST_TEST(out.fatal.empty());
  BOOST_TEST(!cursor.more());  // one request, no paging
}

BOOST_AUTO_TEST_CASE(a_stopped_cursor_sends_nothing_more) {
  auto step = step_of(paged);
  json::value settings = json::object();
  export_cursor cursor(step, settings);
  BOOST_TEST(cursor.next().has_value());
  cursor.stop();
  BOOST_TEST(!cursor.more());
  BOOST_TEST(!cursor.next());
}

BOOST_AUTO_TEST_CASE(a_cursor_resumes_where_another_left_off) {
  auto step = step_of(paged);
  json::value settings = json::object();
  export_cursor first(step, settings);
  auto req = first.next();
  auto resp = three_per_page(*req);
  auto answer = first.settle(resp);
  first.read(answer, resp.body, [](std::string_view) {});
  export_cursor second(step, settings);
  second.restore(first.position());
  auto next = second.next();
  BOOST_REQUIRE(next);
  BOOST_TEST(next->url.find("page=2") != std::string::npos);
}

// A resumed job's cursor: from the point recorded as the fourth kept record
// (the second of page 2; the filter passes two of each three) was about to
// start a new page, it asks for page 2 again and passes over what came
// before the point, uncounted: the two runs keep every record once.
BOOST_AUTO_TEST_CASE(a_cursor_resumes_from_a_point_without_keeping_or_counting_twice) {
  auto step = step_of(std::string(paged) + R"(,"filter":{"type":"expression","expression":{
    "version":"1","rules":["equals",["extract","active"],true]}})");
  json::value settings = json::object();
  export_cursor first(step, settings);
  std::vector<std::string> kept_first;
  std::optional<resume_point> point;
  for (auto req = first.next(); req && !point;) {
    auto resp = three_per_page(*req);
    auto answer = first.settle(resp);
    req = first.next();
    first.read(answer, resp.body, [&](std::string_view kept) {
      if (kept_first.size() == 3)  // a page of three ends before this record
        point = first.resume_here(false);
      if (!point)
        kept_first.emplace_back(kept);
    });
  }
  BOOST_REQUIRE(point);
  BOOST_TEST(point->skip == 1);  // page 2's first kept record is in the page
  BOOST_TEST(point->kept == 3);
  export_cursor second(step, settings);
  second.resume(*point);
  auto req = second.next();
  BOOST_REQUIRE(req);
  BOOST_TEST(req->url.find("page=2") != std::string::npos);
  export_cursor third(step, settings);
  third.resume(*point);
  auto rest = run(third, three_per_page);
  std::vector<std::string> all = kept_first;
  all.insert(all.end(), rest.kept.begin(), rest.kept.end());
  BOOST_REQUIRE(all.size() == 6u);
  for (int i = 0, k = 0; i < 9; ++i)
    if (i % 3 != 2)
      BOOST_TEST(json::parse(all[static_cast<std::size_t>(k++)]).at("id").as_int64() == i);
  // What came before the point (page 1, and page 2's first record) is not
  // counted again: page 2's other two and page 3's three are.
  BOOST_TEST(rest.counts.num_export == 5);
  BOOST_TEST(rest.counts.num_ignore == 2);
}

BOOST_AUTO_TEST_CASE(a_cursor_resumed_at_its_end_sends_nothing) {
  auto step = step_of(paged);
  json::value settings = json::object();
  export_cursor cursor(step, settings);
  resume_point end;
  end.done = true;
  cursor.resume(end);
  BOOST_TEST(!cursor.more());
  BOOST_TEST(!cursor.next());
}


// The nesting limit holds to the level, whether the page's full parse
// vouched for its records or a deeper part of the page left each record to
// be judged on its own.
BOOST_AUTO_TEST_CASE(records_past_the_nesting_limit_are_errors_and_the_rest_go_on) {
  auto nest = [](std::size_t depth) {  // a record of `depth` levels
    return R"({"id":)" + std::to_string(depth) + R"(,"deep":)" + std::string(depth - 1, '[') + "1"
           + std::string(depth - 1, ']') + "}";
  };
  for (const auto& [page_records, expect_kept] : std::vector<std::pair<std::string, std::size_t>>{
         {nest(max_json_depth - 1), 1},
         {nest(max_json_depth), 1},
         {nest(max_json_depth) + "," + nest(max_json_depth + 1), 1},
         {nest(3) + "," + nest(max_json_depth + 40), 1},
       }) {
    const std::string& records = page_records;  // a lambda cannot capture a binding (clang 14)
    auto step = step_of(R"("http":{"relativeURI":"/items","response":{"resourcePath":"items"}})");
    export_cursor cursor(step, json::object());
    auto out = run(cursor, [&](const outbound_request&) {
      outbound_response r;
      r.status = 200;
      r.body = R"({"items":[)" + records + "]}";
      return r;
    });
    BOOST_TEST(out.fatal.empty(), out.fatal);
    BOOST_TEST(out.kept.size() == expect_kept);
    BOOST_TEST(out.counts.num_export == static_cast<std::int64_t>(std::count(records.begin(), records.end(), '{')));
    BOOST_TEST(static_cast<std::int64_t>(out.errors.size())
               == out.counts.num_export - static_cast<std::int64_t>(expect_kept));
    for (const auto& e : out.errors)
      BOOST_TEST(e.message.find("deeper than") != std::string::npos, e.message);
  }
}

BOOST_AUTO_TEST_SUITE_END()
