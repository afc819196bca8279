#include "core/engine/flow_plan.hpp"

#include "tests/support/why_not.hpp"
#include "core/engine/import_plan.hpp"
#include "core/json/json_scan.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "tests/support/answers.hpp"

using namespace integrator;
using integrator::test::answered;
using integrator::test::why_not;
namespace json = boost::json;

namespace {

import_plan compile(const char* doc, const char* entry = "null") {
  auto p = import_plan::compile(json::parse(doc), json::parse(entry));
  BOOST_REQUIRE_MESSAGE(p, why_not(p));
  return std::move(*p);
}

std::vector<json::value> records(const char* array) {
  std::vector<json::value> out;
  auto parsed = json::parse(array);
  for (const auto& v : parsed.as_array())
    out.push_back(v);
  return out;
}


using kind = record_outcome::kind;

}  // namespace

BOOST_AUTO_TEST_SUITE(import_plan_test)

BOOST_AUTO_TEST_CASE(one_request_per_record_with_templates_before_mapping) {
  auto p = compile(R"({"http":{"method":["PUT"],"relativeURI":["/items/{{record.id}}?n={{name}}"]},
                       "mapping":{"fields":[{"extract":"name","generate":"title"}]}})");
  std::vector<record_outcome> out;
  auto reqs = p.stage(records(R"([{"id":1,"name":"a b"},{"id":2,"name":"c"}])"), {}, out);
  BOOST_REQUIRE_EQUAL(reqs.size(), 2u);
  BOOST_TEST(reqs[0].method == "PUT");
  BOOST_TEST(reqs[0].target == "/items/1?n=a%20b");
  BOOST_TEST(json::parse(reqs[0].body) == json::parse(R"({"title":"a b"})"));
  auto ok = answered(200, R"({"_id":"x9"})");
  p.settle(reqs[0], ok, out);
  BOOST_TEST((out[0].what == kind::succeeded));
  BOOST_TEST(out[0].id == "x9");
  BOOST_TEST((out[1].what == kind::pending));
}

BOOST_AUTO_TEST_CASE(existing_extract_picks_update_and_ignore_rules_apply) {
  auto p = compile(R"({"ignoreMissing":true,
                       "http":{"method":["POST","PUT"],"relativeURI":["/c","/c/{{record.ref}}"],
                               "requestType":["CREATE","UPDATE"],"existingExtract":"ref"}})");
  std::vector<record_outcome> out;
  auto reqs = p.stage(records(R"([{"ref":"r1"},{"ref":""},{}])"), {}, out);
  BOOST_REQUIRE_EQUAL(reqs.size(), 1u);
  BOOST_TEST(reqs[0].method == "PUT");
  BOOST_TEST(reqs[0].target == "/c/r1");
  BOOST_TEST((out[1].what == kind::ignored));
  BOOST_TEST((out[2].what == kind::ignored));
  auto q = compile(R"({"ignoreExisting":true,"http":{"method":["POST","PUT"],"relativeURI":["/c","/c/x"],
                                                    "existingExtract":"ref"}})");
  auto reqs2 = q.stage(records(R"([{"ref":"r1"},{"a":1}])"), {}, out);
  BOOST_REQUIRE_EQUAL(reqs2.size(), 1u);
  BOOST_TEST(reqs2[0].method == "POST");
  BOOST_TEST((out[0].what == kind::ignored));
}

BOOST_AUTO_TEST_CASE(batches_send_arrays_and_settle_per_element_when_answered_so) {
  auto p = compile(R"({"http":{"method":["POST"],"relativeURI":["/bulk"],"batchSize":2,
                               "response":{"failPath":["error"]}}})");
  std::vector<record_outcome> out;
  auto reqs = p.stage(records(R"([{"n":1},{"n":2},{"n":3}])"), {}, out);
  BOOST_REQUIRE_EQUAL(reqs.size(), 2u);
  BOOST_TEST(json::parse(reqs[0].body) == json::parse(R"([{"n":1},{"n":2}])"));
  auto each = answered(200, R"([{"id":"a"},{"error":"bad n"}])");
  p.settle(reqs[0], each, out);
  BOOST_TEST((out[0].what == kind::succeeded));
  BOOST_TEST(out[0].id == "a");
  BOOST_TEST((out[1].what == kind::failed));
  auto whole = answered(500, R"({"message":"down"})");
  p.settle(reqs[1], whole, out);
  BOOST_TEST((out[2].what == kind::failed));
  BOOST_TEST(out[2].code == "500");
}

BOOST_AUTO_TEST_CASE(input_filter_and_failed_lookups_decide_without_a_request) {
  auto p = compile(R"({"filter":{"type":"expression","expression":{"version":"1","rules":["equals",["extract","keep"],true]}},
                       "lookups":[{"name":"st","map":{"A":"Active"}}],
                       "mapping":{"fields":[{"extract":"s","generate":"status","lookupName":"st"}]},
                       "http":{"method":["POST"],"relativeURI":["/x"]}})");
  std::vector<record_outcome> out;
  auto reqs = p.stage(records(R"([{"keep":false,"s":"A"},{"keep":true,"s":"Z"},{"keep":true,"s":"A"}])"), {}, out);
  BOOST_TEST((out[0].what == kind::filtered));
  BOOST_TEST((out[1].what == kind::failed));
  BOOST_TEST(out[1].code == "mapping_failed");
  BOOST_REQUIRE_EQUAL(reqs.size(), 1u);
  BOOST_TEST(json::parse(reqs[0].body) == json::parse(R"({"status":"Active"})"));
}

BOOST_AUTO_TEST_CASE(response_mapping_writes_the_answer_into_the_record) {
  auto p = compile(R"({"http":{"method":["POST"],"relativeURI":["/x"]}})",
                   R"({"responseMapping":{"fields":[{"extract":"id","generate":"remoteId"},
                                                    {"extract":"_json.meta.v","generate":"info.version"}]}})");
  std::vector<record_outcome> out;
  auto reqs = p.stage(records(R"([{"a":1}])"), {}, out);
  auto r = answered(201, R"({"id":"77","meta":{"v":3}})");
  p.settle(reqs[0], r, out);
  json::value rec = json::parse(R"({"a":1})");
  p.map_response(rec, out[0]);
  BOOST_TEST(rec == json::parse(R"({"a":1,"remoteId":"77","info":{"version":3}})"));
}

BOOST_AUTO_TEST_CASE(pages_stage_from_text_unless_records_are_needed_and_bad_records_fail) {
  auto p = compile(R"({"http":{"method":["POST"],"relativeURI":["/x"],"batchSize":10},
                       "mapping":{"fields":[{"extract":"id","generate":"ref"}]}})");
  BOOST_TEST(p.raw_capable());
  page_builder b(10, 1 << 20);
  b.append(R"({"id":1})");
  b.append("{broken");
  b.append(R"([1])");
  b.append(R"({"id":4})");
  auto page = b.take();
  for (bool keep : {false, true}) {
    std::vector<json::value> recs;
    std::vector<record_outcome> out;
    auto reqs = p.stage_page(page, {}, keep, recs, out);
    BOOST_TEST(recs.size() == (keep ? 4u : 0u));
    BOOST_REQUIRE_EQUAL(reqs.size(), 1u);
    BOOST_TEST((reqs[0].records == std::vector<std::size_t>{0, 3}));
    BOOST_TEST(json::parse(reqs[0].body) == json::parse(R"([{"ref":1},{"ref":4}])"));
    BOOST_TEST((out[1].what == kind::failed && out[1].code == "invalid_record"));
    BOOST_TEST((out[2].what == kind::failed && out[2].code == "invalid_record"));
  }
}

BOOST_AUTO_TEST_CASE(exports_screen_records_with_their_filter_and_transform) {
  export_step step;
  step.output_filter = filter_expression::compile_filter(json::parse(
    R"({"type":"expression","expression":{"version":"1","rules":["greaterthan",["extract","n"],1]}})")).value();
  BOOST_REQUIRE(step.output_filter);
  step.filter_fields = step.output_filter->record_fields();
  std::string reshaped;
  std::string_view kept;
  BOOST_TEST((step.screen({R"({"n":2, "x":[1]})"}, {}, reshaped, kept) == record_verdict::keep));
  BOOST_TEST(kept == R"({"n":2, "x":[1]})");  // as it came
  BOOST_TEST((step.screen({R"({"n":1})"}, {}, reshaped, kept) == record_verdict::ignore));
  BOOST_TEST((step.screen({"{oops"}, {}, reshaped, kept) == record_verdict::broken));
  // Fields projected while the page was read are used as they are.
  std::string body = R"({"records":[{"n":2,"x":[1]}, {"n":1}, 7, {"m":{"n":5},"n":"3"},
                                      { "n" : 4 , "deep" : {"a":[{"b":"}"}]} , "t":"]}" } ]})";
  json_scan scan(body);
  std::vector<json::value> seen;  // what the judge was shown, record by record
  field_projection p{step.filter_fields, [&](const json::value& f) {
                       seen.push_back(f);
                       return step.judge(f, {});
                     }};
  std::vector<std::string_view> recs;
  BOOST_REQUIRE(scan.records({"records"}, recs, &p));
  BOOST_REQUIRE_EQUAL(recs.size(), 5u);
  BOOST_REQUIRE_EQUAL(p.verdicts.size(), 5u);
  // Reading stops at the last field the filter needs; the text is whole.
  BOOST_TEST(recs[4] == R"({ "n" : 4 , "deep" : {"a":[{"b":"}"}]} , "t":"]}" })");
  BOOST_TEST(recs[0] == R"({"n":2,"x":[1]})");
  BOOST_TEST(recs[3] == R"({"m":{"n":5},"n":"3"})");
  // One document is reused: each record shows its own fields only.
  BOOST_REQUIRE_EQUAL(seen.size(), 4u);  // not the 7
  BOOST_TEST(seen[0] == json::parse(R"({"n":2})"));
  BOOST_TEST(seen[2] == json::parse(R"({"n":"3"})"));
  BOOST_TEST(seen[3] == json::parse(R"({"n":4})"));
  std::vector<record_verdict> verdicts;
  for (std::size_t i = 0; i < recs.size(); ++i) {
    record_view view{recs[i], 0, p.verdicts[i]};
    verdicts.push_back(step.screen(view, {}, reshaped, kept));
  }
  BOOST_TEST((verdicts == std::vector<record_verdict>{record_verdict::keep, record_verdict::ignore,
                                                      record_verdict::broken, record_verdict::keep,
                                                      record_verdict::keep}));
  // A record without a field the one before had does not see that field.
  std::string gaps = R"([{"n":1,"m":2}, {"m":3}, {"n":"x"}])";
  json_scan gap_scan(gaps);
  seen.clear();
  field_projection two{{"n", "m"}, [&](const json::value& f) {
                         seen.push_back(f);
                         return std::uint8_t{0};
                       }};
  recs.clear();
  BOOST_REQUIRE(gap_scan.records({}, recs, &two));
  BOOST_REQUIRE_EQUAL(seen.size(), 3u);
  BOOST_TEST(seen[0] == json::parse(R"({"n":1,"m":2})"));
  BOOST_TEST(seen[1] == json::parse(R"({"m":3})"));
  BOOST_TEST(seen[2] == json::parse(R"({"n":"x"})"));
  step.transform = record_transform::compile(json::parse(
    R"({"type":"expression","expression":{"version":"1","rules":[[{"extract":"n","generate":"n"}]]}})")).value();
  BOOST_REQUIRE(step.transform);
  BOOST_TEST((step.screen({R"({"n":5,"drop":1})"}, {}, reshaped, kept) == record_verdict::keep));
  BOOST_TEST(json::parse(kept) == json::parse(R"({"n":5})"));
}

BOOST_AUTO_TEST_CASE(bad_templates_and_blocks_are_refused) {
  BOOST_TEST(!import_plan::compile(json::parse(R"({"http":{"relativeURI":["/x/{{#if}}"]}})"), {}));
  BOOST_TEST(!import_plan::compile(json::parse(R"({"name":"no block"})"), {}));
}

BOOST_AUTO_TEST_SUITE(lookups)

BOOST_AUTO_TEST_CASE(a_lookup_export_asks_per_record_and_maps_data_back) {
  auto p = import_plan::compile_lookup(
    json::parse(R"({"isLookup":true,"http":{"method":"GET","relativeURI":"/customers?email={{record.email}}",
                                            "response":{"resourcePath":"items"}}})"),
    json::parse(R"({"type":"export","responseMapping":{"fields":[{"extract":"data[0].id","generate":"customerId"}]}})"));
  BOOST_REQUIRE_MESSAGE(p, why_not(p));
  BOOST_TEST(p->is_lookup());
  std::vector<record_outcome> out;
  auto recs = records(R"([{"email":"a@x.io"}])");
  auto reqs = p->stage(recs, {}, out);
  BOOST_REQUIRE_EQUAL(reqs.size(), 1u);
  BOOST_TEST(reqs[0].method == "GET");
  BOOST_TEST(reqs[0].target == "/customers?email=a%40x.io");
  BOOST_TEST(reqs[0].body.empty());
  auto r = answered(200, R"({"items":[{"id":"c7"},{"id":"c8"}]})");
  p->settle(reqs[0], r, out);
  json::value rec = recs[0];
  p->map_response(rec, out[0]);
  BOOST_TEST(rec == json::parse(R"({"email":"a@x.io","customerId":"c7"})"));
}

BOOST_AUTO_TEST_CASE(a_lookup_filters_its_input_and_screens_what_it_found) {
  auto p = import_plan::compile_lookup(
    json::parse(R"({"isLookup":true,"http":{"method":"GET","relativeURI":"/customers?email={{record.email}}",
                                            "response":{"resourcePath":"items"}},
                    "inputFilter":{"type":"expression","expression":{"version":"1","rules":["notequals",["extract","email"],"skip"]}},
                    "filter":{"type":"expression","expression":{"version":"1","rules":["equals",["extract","active"],true]}}})"),
    json::parse(R"({"type":"export","responseMapping":{"fields":[{"extract":"data[0].id","generate":"customerId"}]}})"));
  BOOST_REQUIRE_MESSAGE(p, why_not(p));
  std::vector<record_outcome> out;
  auto recs = records(R"([{"email":"a@x.io"},{"email":"skip"}])");
  auto reqs = p->stage(recs, {}, out);
  BOOST_REQUIRE_EQUAL(reqs.size(), 1u);  // the input filter kept one
  BOOST_TEST((out[1].what == record_outcome::kind::filtered));
  auto r = answered(200, R"({"items":[{"id":"c7","active":false},{"id":"c8","active":true}]})");
  p->settle(reqs[0], r, out);
  json::value rec = recs[0];
  p->map_response(rec, out[0]);
  BOOST_TEST(rec == json::parse(R"({"email":"a@x.io","customerId":"c8"})"));  // the output filter dropped c7
}

BOOST_AUTO_TEST_CASE(dynamic_lookups_feed_the_relative_uri_by_name) {
  auto p = compile(R"({"http":{"method":["PUT"],"relativeURI":["/customers/{{idLookup}}/orders?via={{lookup.idLookup}}"]},
    "lookups":[{"name":"idLookup","relativeURI":"/customers?email={{record.email}}","extract":"0.id"},
               {"name":"static","map":{"a":"b"}}]})");
  BOOST_TEST(p.has_lookups());
  BOOST_TEST(!p.raw_capable());
  auto recs = records(R"([{"email":"a@x.io"},{"email":"b@x.io"},{"email":"c@x.io"}])");
  lookup_results found;
  auto calls = p.lookup_calls(recs, {}, found);
  BOOST_REQUIRE_EQUAL(calls.size(), 3u);  // the static lookup asks nothing
  BOOST_TEST(calls[1].method == "GET");
  BOOST_TEST(calls[1].target == "/customers?email=b%40x.io");
  p.settle_lookup(calls[0], answered(200, R"([{"id":"c7"}])"), found);
  p.settle_lookup(calls[1], answered(200, R"([])"), found);
  p.settle_lookup(calls[2], answered(200, R"([{"id":"c8"},{"id":"c9"}])"), found);
  std::vector<record_outcome> out;
  auto reqs = p.stage(recs, {}, out, &found);
  BOOST_REQUIRE_EQUAL(reqs.size(), 1u);
  BOOST_TEST(reqs[0].target == "/customers/c7/orders?via=c7");
  BOOST_TEST((out[1].what == kind::failed));
  BOOST_TEST(out[1].code == "lookup_failed");
  BOOST_TEST(out[1].message == "lookup idLookup found no match");
  BOOST_TEST(out[2].message == "lookup idLookup found 2 matches");
}

BOOST_AUTO_TEST_CASE(allow_failures_and_default_decide_what_no_match_gives) {
  auto resolve = [](const char* lookup, int status, const char* body) {
    auto parsed = dynamic_lookup::parse(json::parse(std::string("[") + lookup + "]"), false);
    BOOST_REQUIRE_MESSAGE(parsed && parsed->size() == 1u, why_not(parsed));
    std::string error;
    auto v = (*parsed)[0].resolve(answered(status, body), error);
    return v ? json::serialize(*v) : "error: " + error;
  };
  const char* plain = R"({"name":"l","relativeURI":"/x","extract":"items.0.id"})";
  const char* lenient = R"({"name":"l","relativeURI":"/x","extract":"items.0.id","allowFailures":true})";
  const char* fallback = R"({"name":"l","relativeURI":"/x","extract":"items.0.id","default":"none"})";
  const char* mapped = R"({"name":"l","relativeURI":"/x","extract":"items.0.id","map":{"7":"seven"},"allowFailures":true})";
  BOOST_TEST(resolve(plain, 200, R"({"items":[{"id":7}]})") == "7");
  BOOST_TEST(resolve(plain, 200, R"({"items":[]})") == "error: lookup l found no match");
  BOOST_TEST(resolve(plain, 500, "oops") == "error: lookup l failed with HTTP 500");
  BOOST_TEST(resolve(lenient, 200, R"({"items":[]})") == R"("")");
  BOOST_TEST(resolve(lenient, 404, "") == R"("")");
  BOOST_TEST(resolve(lenient, 200, R"({"items":[{"id":1},{"id":2}]})") == "1");  // the first
  BOOST_TEST(resolve(fallback, 200, R"({"items":[{"id":null}]})") == R"("none")");
  BOOST_TEST(resolve(fallback, 200, R"({"items":[{"id":1},{"id":2}]})") == "error: lookup l found 2 matches");
  BOOST_TEST(resolve(mapped, 200, R"({"items":[{"id":7}]})") == R"("seven")");
  BOOST_TEST(resolve(mapped, 200, R"({"items":[{"id":8}]})") == R"("")");
}

BOOST_AUTO_TEST_CASE(legacy_rest_templates_name_fields_in_single_braces) {
  BOOST_TEST(legacy_template("/customers/{idLookup}?q={a.b}") == "/customers/{{idLookup}}?q={{a.b}}");
  BOOST_TEST(legacy_template("/keep/{{already}}/{ spaced }/{}") == "/keep/{{already}}/{ spaced }/{}");
  auto p = compile(R"({"rest":{"method":["PUT"],"relativeURI":["/customers/{idLookup}"],
    "lookups":[{"name":"idLookup","relativeURI":"/customers?email={email}","extract":"0.id","method":"GET"}]}})");
  auto recs = records(R"([{"email":"a@x.io"}])");
  lookup_results found;
  auto calls = p.lookup_calls(recs, {}, found);
  BOOST_REQUIRE_EQUAL(calls.size(), 1u);
  BOOST_TEST(calls[0].target == "/customers?email=a%40x.io");
  p.settle_lookup(calls[0], answered(200, R"([{"id":42}])"), found);
  std::vector<record_outcome> out;
  auto reqs = p.stage(recs, {}, out, &found);
  BOOST_REQUIRE_EQUAL(reqs.size(), 1u);
  BOOST_TEST(reqs[0].target == "/customers/42");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE_END()
