#include "core/connect/export_pager.hpp"

#include "tests/support/why_not.hpp"
#include "core/json/json_scan.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <functional>
#include <set>

#include "tests/support/random_text.hpp"

using namespace integrator;
using integrator::test::why_not;
using integrator::test::random_text;
namespace json = boost::json;

namespace {

using server_fn = std::function<outbound_response(const export_request&)>;

struct run_result {
  std::vector<std::string> targets;
  std::vector<std::string> bodies;
  std::vector<std::string> records;
  std::optional<std::string> error;
};

// Pages through `export_json` against `server` (at most 50 requests).
run_result run(const char* export_json, const server_fn& server,
               json::value context = json::object()) {
  auto plan = http_export_plan::compile(json::parse(export_json));
  BOOST_REQUIRE_MESSAGE(plan, why_not(plan));
  export_pager pager(std::make_shared<const http_export_plan>(std::move(*plan)), context);
  run_result out;
  auto req = pager.next();
  while (req) {
    BOOST_REQUIRE(out.targets.size() < 50);
    out.targets.push_back(req->target);
    out.bodies.push_back(req->body);
    auto resp = server(*req);
    // As the export stage does it: the next request is made once paging is
    // settled, before this answer's records are read.
    auto answer = pager.read_paging(resp);
    req = pager.next();
    auto got = pager.read_records(answer);
    for (auto r : got.records)
      out.records.emplace_back(r);
    if (got.error) {
      out.error = got.error;
      break;
    }
  }
  return out;
}

outbound_response answer(int status, std::string body, header_list headers = {}) {
  outbound_response r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

// Records 1..total, `size` per page, as {"id":n}.
std::string items(int from, int to) {
  std::string s = "[";
  for (int i = from; i < to; ++i)
    s += (i > from ? "," : "") + std::string("{\"id\":") + std::to_string(i) + "}";
  return s + "]";
}

std::string query_value(const std::string& target, const std::string& name) {
  auto at = target.find(name + "=");
  if (at == std::string::npos)
    return {};
  auto v = target.substr(at + name.size() + 1);
  return v.substr(0, v.find('&'));
}

int number_in(const std::string& target, const std::string& name) {
  auto v = query_value(target, name);
  return v.empty() ? 0 : std::stoi(v);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(export_pager_test)

BOOST_AUTO_TEST_CASE(records_are_counted_unread_as_records_finds_them) {
  auto both = [](std::string body, const std::vector<std::string>& path) {
    json_scan counting(body);
    auto n = counting.count_records(path);
    std::string copy = body;
    json_scan reading(copy);
    std::vector<std::string_view> recs;
    if (!reading.records(path, recs))
      return std::optional<std::size_t>();
    BOOST_TEST(n.has_value());
    if (n)
      BOOST_TEST(*n == recs.size());
    return n;
  };
  BOOST_TEST(*both(R"({"a":1,"records":[{"x":[1,{"y":"]"}]},2,"s",{}],"next":3})", {"records"}) == 4u);
  BOOST_TEST(*both(R"({"records":{"x":1}})", {"records"}) == 1u);
  BOOST_TEST(*both(R"({"records":7})", {"records"}) == 0u);
  BOOST_TEST(*both(R"({"other":[1]})", {"records"}) == 0u);
  BOOST_TEST(*both(R"({"d":{"e":[{},{},{}]}})", {"d", "e"}) == 3u);
  BOOST_TEST(*both(R"([{},{}])", {}) == 2u);
  BOOST_TEST(*both(R"({"x":1})", {}) == 1u);
  // A path into a scalar body is a wrong path (the page_scan fuzz target).
  BOOST_TEST(*both("22", {"x"}) == 0u);
  BOOST_TEST(*both(R"("s")", {"a", "b"}) == 0u);
  BOOST_TEST(*both(R"({"data":true})", {"data", "rows"}) == 0u);
  // Skipped records are not checked: a bad one inside is records()' to find.
  BOOST_TEST(!both(R"({"records":[{"x":}]})", {"records"}));
  BOOST_TEST(!both(R"({"records":[1,2)", {"records"}));
  // A scan that met bad JSON answers nothing more (simdjson's document is
  // not to be walked again after an error).
  std::string truncated = R"({"items":[{"id":1},{"id":)";
  json_scan failed(truncated);
  BOOST_TEST(!failed.count_records({"items"}));
  std::vector<std::string_view> none;
  BOOST_TEST(!failed.records({"items"}, none));
  BOOST_TEST(!failed.text_at({"items"}));
  // Siblings read on the way answer text_at() as after records().
  std::string body = R"({"records":[{"id":1}],"nextPage":"p2"})";
  json_scan scan(body);
  BOOST_TEST(*scan.count_records({"records"}) == 1u);
  BOOST_TEST(*scan.text_at({"nextPage"}) == "p2");
}

// Found by the page_scan fuzz target: the on-demand scan skipped over a
// record without checking what was inside it and handed out a slice that is
// not JSON. A page whose body is not JSON anywhere gives no records now.
BOOST_AUTO_TEST_CASE(a_body_malformed_inside_a_record_gives_no_records) {
  for (std::string body : {std::string("[{\"id\":1},{\"id\":2\0\0\0\0:\"\\u00e9\\\"q\"}]", 35),
                           std::string(R"({"items":[{"id":1},{"id":2 :"x"}]})"),
                           std::string(R"({"items":[{"id":1}],"next":tru})")}) {
    auto path = body[0] == '[' ? std::vector<std::string>{} : std::vector<std::string>{"items"};
    json_scan scan(body);
    std::vector<std::string_view> recs;
    BOOST_TEST(!scan.records(path, recs), body);
    BOOST_TEST(recs.empty());
  }
}

BOOST_AUTO_TEST_CASE(no_paging_is_one_request_and_resource_path_picks_records) {
  auto r = run(R"({"http":{"relativeURI":"/items","response":{"resourcePath":"data.items"}}})",
               [](const export_request&) {
                 return answer(200, R"({"data":{"items":[{"a":1}, {"a":[2,3]} ]}})");
               });
  BOOST_TEST(r.targets.size() == 1u);
  BOOST_TEST(r.records.size() == 2u);
  BOOST_TEST(r.records[1] == R"({"a":[2,3]})");
}

BOOST_AUTO_TEST_CASE(without_resource_path_an_object_body_is_one_record_and_a_wrong_path_none) {
  auto one = run(R"({"http":{"relativeURI":"/x"}})",
                 [](const export_request&) { return answer(200, R"({"a":1})"); });
  BOOST_TEST(one.records.size() == 1u);
  auto none = run(R"({"http":{"relativeURI":"/x","response":{"resourcePath":"nope"}}})",
                  [](const export_request&) { return answer(200, R"({"a":1})"); });
  BOOST_TEST(none.records.empty());
  BOOST_TEST(!none.error);
}

BOOST_AUTO_TEST_CASE(page_method_counts_from_page_and_stops_on_an_empty_page) {
  auto r = run(R"({"http":{"relativeURI":"/items?page={{export.http.paging.page}}",
                           "paging":{"method":"page","page":1}}})",
               [](const export_request& q) {
                 int page = number_in(q.target, "page");
                 return answer(200, page <= 3 ? items(page * 10, page * 10 + 2) : "[]");
               });
  BOOST_TEST(r.targets.size() == 4u);
  BOOST_TEST(r.targets[0] == "/items?page=1");
  BOOST_TEST(r.records.size() == 6u);
}

BOOST_AUTO_TEST_CASE(page_method_stops_at_max_page_path_without_an_extra_request) {
  auto r = run(R"({"http":{"relativeURI":"/items?page={{export.http.paging.page}}",
                           "response":{"resourcePath":"items"},
                           "paging":{"method":"page","maxPagePath":"pages"}}})",
               [](const export_request& q) {
                 int page = number_in(q.target, "page");
                 return answer(200, R"({"pages":3,"items":)" + items(page, page + 1) + "}");
               });
  BOOST_TEST(r.targets.size() == 3u);
  BOOST_TEST(r.records.size() == 3u);
}

// A source that ignores the paging parameters answers the same page
// forever: more than 5 identical answers stop the export with an error.
BOOST_AUTO_TEST_CASE(a_source_that_repeats_its_page_is_stopped) {
  auto r = run(R"({"http":{"relativeURI":"/items?offset={{export.http.paging.skip}}",
                           "paging":{"method":"skip"}}})",
               [](const export_request&) { return answer(200, items(0, 100)); });
  BOOST_REQUIRE(r.error);
  BOOST_TEST(r.error->find("same page") != std::string::npos, *r.error);
  BOOST_TEST(r.targets.size() == 7u);
  BOOST_TEST(r.records.size() == 600u);  // the repeats before the loop was certain
  // Pages alike in size, start and end but different inside are not a loop.
  auto alike = run(R"({"http":{"relativeURI":"/items?page={{export.http.paging.page}}",
                               "paging":{"method":"page"}}})",
                   [](const export_request& q) {
                     int page = number_in(q.target, "page");
                     if (page >= 10)
                       return answer(200, "[]");
                     std::string filler(200, 'x');
                     filler[100] = static_cast<char>('a' + page);
                     return answer(200, R"([{"id":1,"f":")" + filler + R"("}])");
                   });
  BOOST_TEST(!alike.error);
  BOOST_TEST(alike.records.size() == 10u);
}

BOOST_AUTO_TEST_CASE(max_pages_stops_a_source_with_more) {
  auto r = run(R"({"http":{"relativeURI":"/items?offset={{export.http.paging.skip}}",
                           "paging":{"method":"skip","maxPages":3}}})",
               [](const export_request& q) {
                 int skip = number_in(q.target, "offset");
                 return answer(200, items(skip, skip + 2));
               });
  BOOST_REQUIRE(r.error);
  BOOST_TEST(r.error->find("maxPages (3)") != std::string::npos, *r.error);
  BOOST_TEST(r.records.size() == 6u);
  BOOST_TEST(r.targets.size() == 3u);
}

BOOST_AUTO_TEST_CASE(skip_method_grows_by_records_received_and_stops_at_max_count) {
  auto r = run(R"({"http":{"relativeURI":"/items?offset={{export.http.paging.skip}}",
                           "response":{"resourcePath":"items"},
                           "paging":{"method":"skip","maxCountPath":"total"}}})",
               [](const export_request& q) {
                 int skip = number_in(q.target, "offset");
                 return answer(200, R"({"total":7,"items":)" + items(skip, std::min(skip + 3, 7)) + "}");
               });
  BOOST_TEST(r.targets.size() == 3u);
  BOOST_TEST(r.targets[2] == "/items?offset=6");
  BOOST_TEST(r.records.size() == 7u);
}

BOOST_AUTO_TEST_CASE(token_method_reads_the_token_from_the_body_then_from_path_after_first) {
  auto r = run(R"({"http":{"relativeURI":"/items?cursor={{export.http.paging.token}}",
                           "response":{"resourcePath":"items"},
                           "paging":{"method":"token","path":"first.next",
                                     "pathAfterFirstRequest":"meta.next"}}})",
               [](const export_request& q) {
                 auto c = query_value(q.target, "cursor");
                 if (c.empty())
                   return answer(200, R"({"first":{"next":"b"},"items":[{"n":1}]})");
                 if (c == "b")
                   return answer(200, R"({"meta":{"next":"c"},"items":[{"n":2}]})");
                 return answer(200, R"({"meta":{"next":null},"items":[{"n":3}]})");
               });
  BOOST_TEST(r.targets.size() == 3u);
  BOOST_TEST(r.targets[0] == "/items?cursor=");
  BOOST_TEST(r.targets[2] == "/items?cursor=c");
  BOOST_TEST(r.records.size() == 3u);
}

BOOST_AUTO_TEST_CASE(token_method_reads_a_header_token) {
  auto r = run(R"({"http":{"relativeURI":"/items","headers":[{"name":"X-Cursor","value":"{{export.http.paging.token}}"}],
                           "paging":{"method":"token","path":"X-Next","pathLocation":"header"}}})",
               [](const export_request& q) {
                 auto c = std::string(find_header(q.headers, "X-Cursor"));
                 if (c.empty())
                   return answer(200, items(0, 2), {{"x-next", "t2"}});
                 return answer(200, items(2, 3));
               });
  BOOST_TEST(r.targets.size() == 2u);
  BOOST_TEST(r.records.size() == 3u);
}

BOOST_AUTO_TEST_CASE(linkheader_follows_rel_next_until_absent) {
  auto r = run(R"({"http":{"relativeURI":"/items","paging":{"method":"linkheader"}}})",
               [](const export_request& q) {
                 if (q.target == "/items")
                   return answer(200, items(0, 2),
                                 {{"Link", R"(<http://h/items?p=2>; rel="next", <http://h/items?p=9>; rel="last")"}});
                 if (q.target == "http://h/items?p=2")
                   return answer(200, items(2, 4), {{"Link", R"(<http://h/items?p=3>; rel="prev next")"}});
                 return answer(200, items(4, 5), {{"Link", R"(<http://h/items?p=1>; rel="first")"}});
               });
  BOOST_TEST(r.targets.size() == 3u);
  BOOST_TEST(r.targets[2] == "http://h/items?p=3");
  BOOST_TEST(r.records.size() == 5u);
}

BOOST_AUTO_TEST_CASE(url_method_follows_the_next_url_in_the_body) {
  auto r = run(R"({"http":{"relativeURI":"/items","response":{"resourcePath":"items"},
                           "paging":{"method":"url","path":"next"}}})",
               [](const export_request& q) {
                 if (q.target == "/items")
                   return answer(200, R"({"next":"/items/2","items":[{"a":1}]})");
                 return answer(200, R"({"items":[{"a":2}]})");
               });
  BOOST_TEST(r.targets.size() == 2u);
  BOOST_TEST(r.targets[1] == "/items/2");
}

BOOST_AUTO_TEST_CASE(relativeuri_method_renders_from_the_previous_page) {
  auto r = run(R"({"http":{"relativeURI":"/items",
                           "paging":{"method":"relativeuri",
                                     "relativeURI":"/items?after={{previous_page.last_record.id}}",
                                     "lastPagePath":"done","lastPageValues":["true"]}}})",
               [](const export_request& q) {
                 int after = q.target == "/items" ? 0 : number_in(q.target, "after") + 1;
                 return answer(200, items(after, std::min(after + 2, 5)));
               });
  BOOST_TEST(r.targets.size() == 4u);
  BOOST_TEST(r.targets[1] == "/items?after=1");
  BOOST_TEST(r.records.size() == 5u);
}

BOOST_AUTO_TEST_CASE(body_method_renders_the_next_body_from_the_previous_page) {
  auto r = run(R"({"http":{"method":"POST","relativeURI":"/search","body":"{\"from\":0}",
                           "response":{"resourcePath":"hits"},
                           "paging":{"method":"body","body":"{\"from\":{{previous_page.full_response.next}}}",
                                     "lastPagePath":"more","lastPageValues":["false"]}}})",
               [](const export_request& q) {
                 auto from = json::parse(q.body).at("from").as_int64();
                 bool more = from < 4;
                 return answer(200, R"({"more":)" + std::string(more ? "true" : "false")
                                      + R"(,"next":)" + std::to_string(from + 2)
                                      + R"(,"hits":)" + items(from, from + 2) + "}");
               });
  BOOST_TEST(r.bodies.size() == 3u);
  BOOST_TEST(r.bodies[2] == R"({"from":4})");
  BOOST_TEST(r.records.size() == 6u);
}

BOOST_AUTO_TEST_CASE(last_page_status_ends_paging_and_404_is_the_default_after_the_first) {
  auto r = run(R"({"http":{"relativeURI":"/items?page={{export.http.paging.page}}",
                           "paging":{"method":"page"}}})",
               [](const export_request& q) {
                 int page = number_in(q.target, "page");
                 return page < 2 ? answer(200, items(page, page + 1)) : answer(404, "{}");
               });
  BOOST_TEST(!r.error);
  BOOST_TEST(r.records.size() == 2u);
  auto first = run(R"({"http":{"relativeURI":"/items"}})",
                   [](const export_request&) { return answer(404, R"({"message":"gone"})"); });
  BOOST_REQUIRE(first.error);
  BOOST_TEST(first.error->find("404") != std::string::npos);
  auto custom = run(R"({"http":{"relativeURI":"/items?page={{export.http.paging.page}}",
                                "paging":{"method":"page","lastPageStatusCode":204}}})",
                    [](const export_request& q) {
                      return number_in(q.target, "page") == 0 ? answer(200, items(0, 1))
                                                              : answer(204, "");
                    });
  BOOST_TEST(custom.records.size() == 1u);
  BOOST_TEST(!custom.error);
}

BOOST_AUTO_TEST_CASE(fail_path_success_path_and_malformed_json_are_errors) {
  auto failed = run(R"({"http":{"relativeURI":"/x","response":{"failPath":"status","failValues":["error"],
                                                              "errorPath":"message"}}})",
                    [](const export_request&) {
                      return answer(200, R"({"status":"error","message":"quota exceeded"})");
                    });
  BOOST_REQUIRE(failed.error);
  BOOST_TEST(failed.error->find("quota exceeded") != std::string::npos);
  auto unsuccessful = run(R"({"http":{"relativeURI":"/x","response":{"successPath":"ok","successValues":["yes"]}}})",
                          [](const export_request&) { return answer(200, R"({"ok":"no"})"); });
  BOOST_TEST(unsuccessful.error.has_value());
  auto garbage = run(R"({"http":{"relativeURI":"/x"}})", [](const export_request&) {
    return answer(200, "<html>oops</html>", {{"Content-Type", "text/html"}});
  });
  BOOST_REQUIRE(garbage.error);
  BOOST_TEST(garbage.error->find("text/html") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(legacy_rest_paging_names_map_onto_the_same_methods) {
  auto arg = run(R"({"rest":{"relativeURI":"/items","pagingMethod":"pageargument","pageArgument":"p",
                             "resourcePath":"items"}})",
                 [](const export_request& q) {
                   int p = number_in(q.target, "p");
                   return answer(200, R"({"items":)" + (p <= 2 ? items(p, p + 1) : "[]") + "}");
                 });
  BOOST_TEST(arg.targets.size() == 3u);
  BOOST_TEST(arg.targets[0] == "/items?p=1");
  BOOST_TEST(arg.records.size() == 2u);
  auto next = run(R"({"rest":{"relativeURI":"/items","pagingMethod":"nextpageurl","nextPagePath":"next",
                              "resourcePath":"items"}})",
                  [](const export_request& q) {
                    if (q.target == "/items")
                      return answer(200, R"({"next":"http://h/p2","items":[{"a":1}]})");
                    return answer(200, R"({"items":[{"a":2}]})");
                  });
  BOOST_TEST(next.targets.size() == 2u);
  BOOST_TEST(next.records.size() == 2u);
  BOOST_TEST(!http_export_plan::compile(json::parse(R"({"rest":{"pagingMethod":"psychic"}})")));
  BOOST_TEST(!http_export_plan::compile(json::parse(R"({"http":{"paging":{"method":"relativeuri"}}})")));
}

BOOST_AUTO_TEST_CASE(templates_see_the_context_and_url_escape_values) {
  json::object ctx;
  ctx["lastExportDateTime"] = "2026-01-01T00:00:00 +00:00";
  auto r = run(R"({"http":{"relativeURI":"/items?since={{lastExportDateTime}}"}})",
               [](const export_request&) { return answer(200, "[]"); }, ctx);
  BOOST_TEST(r.targets[0] == "/items?since=2026-01-01T00%3A00%3A00%20%2B00%3A00");
}

BOOST_AUTO_TEST_CASE(link_header_parsing) {
  BOOST_TEST(link_target(R"(<a>; rel="prev", <b>; rel="next")", "next") == "b");
  BOOST_TEST(link_target(R"(<a>; rel=next)", "next") == "a");
  BOOST_TEST(link_target(R"(<a>; rel="nextish")", "next") == "");
  BOOST_TEST(link_target("", "next") == "");
}

BOOST_AUTO_TEST_CASE(members_beside_the_records_are_read_in_the_same_pass) {
  std::string body = R"({"page":1,"next":"a\"b","records":[{"id":1},{"id":2}],"none":null,
                         "deep":{"x":[1,2]},"n":2.50,"page":9})";
  json_scan scan(body);
  std::vector<std::string_view> recs;
  BOOST_REQUIRE(scan.records({"records"}, recs));
  BOOST_TEST(recs.size() == 2u);
  BOOST_TEST(*scan.text_at({"next"}) == "a\"b");
  BOOST_TEST(*scan.text_at({"none"}) == "");
  BOOST_TEST(*scan.text_at({"n"}) == "2.50");  // as written
  BOOST_TEST(*scan.text_at({"deep"}) == R"({"x":[1,2]})");
  BOOST_TEST(*scan.text_at({"page"}) == "1");  // the first of a repeated key
  BOOST_TEST(!scan.text_at({"missing"}));
  BOOST_TEST(*scan.text_at({"deep", "x", "1"}) == "2");  // deeper paths read the document again
  BOOST_TEST(*scan.text_at({"records", "1", "id"}) == "2");
  // A resource path that is not there: no records, the members still read.
  json_scan other(body);
  recs.clear();
  BOOST_REQUIRE(other.records({"items"}, recs));
  BOOST_TEST(recs.empty());
  BOOST_TEST(*other.text_at({"next"}) == "a\"b");
}

// The page read against a parser, on pages of every shape: records of any
// type beside siblings, members with quotes, escapes and nesting in keys and
// values, numbers of every form, odd spacing; then the same pages cut short
// or with a byte changed. Wherever both accept a page they must agree: the
// count, each record, the filter's fields of each, the siblings.
BOOST_AUTO_TEST_CASE(the_page_scan_gives_what_a_parser_gives) {
  random_text random(11, "id");
  auto pick = [&](int n) { return random.pick(n); };
  auto text = [&] { return random.text(6); };
  auto space = [&] { return random.space(); };
  // An object of `n` members with distinct keys, values from `value`.
  auto object = [&](int n, const std::function<std::string()>& key, const std::function<std::string()>& value) {
    std::string o = "{";
    std::set<std::string> used;
    for (int i = 0; i < n; ++i) {
      auto k = key();
      if (!used.insert(k).second)
        continue;
      o += (used.size() > 1 ? "," : "") + space() + json::serialize(json::value(k)) + space() + ":" + space()
           + value() + space();
    }
    return o + "}";
  };
  std::function<std::string(int)> value = [&](int depth) -> std::string {
    switch (depth > 2 ? pick(5) : pick(7)) {
      case 0: return json::serialize(json::value(text()));
      case 1: return std::to_string(pick(2000000) - 1000000);
      case 2: return std::vector<std::string>{"0", "-0", "1.5", "-2.25e3", "1E-2", "18446744073709551615",
                                              "9223372036854775808", "0.1e+2"}[static_cast<std::size_t>(pick(8))];
      case 3: return std::vector<std::string>{"true", "false", "null"}[static_cast<std::size_t>(pick(3))];
      case 4: return "\"plain\"";
      case 5:
        return object(pick(5), [&] { return pick(3) ? std::string(1, "abe"[pick(3)]) : text(); },
                      [&] { return value(depth + 1); });
      default: {
        std::string a = "[";
        for (int i = pick(4); i > 0; --i)
          a += (a.size() > 1 ? "," : "") + space() + value(depth + 1) + space();
        return a + "]";
      }
    }
  };
  const std::vector<std::string> keys = {"a", "b"};
  int read = 0, changed_read = 0;
  for (int round = 0; round < 3000; ++round) {
    auto records = [&] {
      if (pick(4) == 0)
        return value(pick(3));  // an object (one record) or anything else (none)
      std::string a = "[";
      for (int r = pick(6); r > 0; --r)
        a += (a.size() > 1 ? "," : "") + space() + value(pick(5) ? 5 : 2) + space();
      return a + "]";
    };
    auto page = space()
                + object(pick(5), [&] { return pick(2) ? "records" : std::string(1, "xyz"[pick(3)]); },
                         [&] { return pick(2) ? records() : value(1); })
                + space();
    for (int variant = 0; variant < 3; ++variant) {
      std::string body = page;
      if (variant == 1)
        body.resize(static_cast<std::size_t>(pick(static_cast<int>(body.size()))));
      if (variant == 2)
        body[static_cast<std::size_t>(pick(static_cast<int>(body.size())))] = "{}[]\":, 0a"[pick(10)];
      std::string copy = body;
      json_scan scan(copy);
      auto n = scan.count_records({"records"});
      std::vector<std::string_view> recs;
      std::vector<json::value> fields;
      field_projection projection{keys, [&](const json::value& f) {
                                    fields.push_back(f);
                                    return std::uint8_t{1};
                                  }, {}};
      bool ok = n && scan.records({"records"}, recs, &projection);
      boost::system::error_code ec;
      auto parsed = json::parse(body, ec);
      if (ec || !parsed.is_object() || !ok)
        continue;  // refused by the parser or the scan: nothing to compare
      ++(variant == 0 ? read : changed_read);
      const auto& top = parsed.as_object();
      json::array expected;
      if (auto* r = top.if_contains("records"); r && r->is_array())
        expected = r->as_array();
      else if (r && r->is_object())
        expected.push_back(*r);
      BOOST_REQUIRE_MESSAGE(*n == expected.size(), body);
      BOOST_REQUIRE_MESSAGE(recs.size() == expected.size(), body);
      BOOST_REQUIRE_EQUAL(projection.verdicts.size(), recs.size());
      std::size_t judged = 0;
      for (std::size_t i = 0; i < recs.size(); ++i) {
        BOOST_REQUIRE_MESSAGE(json::parse(recs[i]) == expected[i], body << " record " << i);
        if (!expected[i].is_object()) {
          BOOST_TEST(projection.verdicts[i] == field_projection::not_an_object, body);
          continue;
        }
        json::object want;
        for (const auto& k : keys)
          if (auto* v = expected[i].as_object().if_contains(k))
            want[k] = *v;
        BOOST_TEST(fields.at(judged++) == json::value(want), body << " record " << i);
      }
      for (const auto& kv : top) {
        if (kv.key() == "records")
          continue;
        auto t = scan.text_at({std::string(kv.key())});
        BOOST_REQUIRE_MESSAGE(t, body);
        if (kv.value().is_string())
          BOOST_TEST(*t == std::string(kv.value().as_string()), body);
        else if (kv.value().is_null())
          BOOST_TEST(t->empty(), body);
        else
          BOOST_TEST(json::parse(*t) == kv.value(), body);
      }
    }
  }
  BOOST_TEST_MESSAGE(read << " pages read, " << changed_read << " changed ones");
  BOOST_TEST(read > 2500);
}

BOOST_AUTO_TEST_SUITE_END()
