#include "core/engine/export_window.hpp"

#include "tests/support/why_not.hpp"
#include "core/connect/once_marking.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "core/util/iso_time.hpp"

using namespace integrator;
using integrator::test::why_not;
namespace json = boost::json;

namespace {

export_selection selection_of(const char* doc) {
  auto s = export_selection::from(json::parse(doc).as_object());
  BOOST_REQUIRE_MESSAGE(s, why_not(s));
  return *s;
}

bool refused(const char* doc) {
  auto selection = export_selection::from(json::parse(doc).as_object());
  return !selection && !selection.error().message.empty();
}

constexpr std::int64_t t = 1800000000000;

}  // namespace

BOOST_AUTO_TEST_SUITE(export_window_test)

BOOST_AUTO_TEST_CASE(delta_windows_start_at_the_mark_less_the_lag) {
  auto plain = selection_of(R"({"type":"delta"})");
  BOOST_TEST(plain.delta);
  auto first = export_window::of(plain, std::nullopt, t);
  BOOST_TEST(!first.last);  // a full first run
  BOOST_TEST(first.current == t);
  BOOST_TEST(first.moves_mark);
  auto lagged = selection_of(R"({"type":"delta","delta":{"lagOffset":5000,"startDate":"2026-01-01T00:00:00Z"}})");
  BOOST_TEST(*export_window::of(lagged, t - 60000, t).last == t - 65000);
  BOOST_TEST(*export_window::of(lagged, std::nullopt, t).last == *parse_iso_ms("2026-01-01T00:00:00Z"));
  // Run body dates: a backfill that leaves the mark alone.
  auto backfill = export_window::of(lagged, t - 60000, t, t - 10, t - 5);
  BOOST_TEST(*backfill.last == t - 10);
  BOOST_TEST(backfill.current == t - 5);
  BOOST_TEST(!backfill.moves_mark);
  json::object ctx;
  backfill.expose(ctx);
  BOOST_TEST(ctx.at("lastExportDateTime").as_string() == format_iso_ms(t - 10));
  BOOST_TEST(ctx.at("currentExportDateTime").as_string() == format_iso_ms(t - 5));
}

BOOST_AUTO_TEST_CASE(test_exports_have_a_limit_and_bad_blocks_are_refused) {
  BOOST_TEST(selection_of(R"({"type":"test"})").record_limit == 1u);
  BOOST_TEST(selection_of(R"({"type":"test","test":{"limit":100}})").record_limit == 100u);
  BOOST_TEST(selection_of(R"({})").record_limit == 0u);
  BOOST_TEST(!selection_of(R"({"type":"once"})").delta);
  BOOST_TEST(refused(R"({"type":"test","test":{"limit":0}})"));
  BOOST_TEST(refused(R"({"type":"test","test":{"limit":101}})"));
  BOOST_TEST(refused(R"({"type":"delta","delta":{"startDate":"soon"}})"));
  BOOST_TEST(refused(R"({"type":"delta","delta":{"lagOffset":-1}})"));
}

BOOST_AUTO_TEST_CASE(a_once_export_flags_each_record_with_its_own_request) {
  auto m = once_marking::compile(json::parse(R"({"http":{"once":{"relativeURI":"/orders/{{record.id}}",
    "body":"{\"exported\":true,\"by\":\"{{settings.flow.who}}\"}"}}})").as_object());
  BOOST_REQUIRE_MESSAGE(m, why_not(m));
  json::value settings = {{"flow", {{"who", "sync"}}}};
  auto call = m->call_for(R"({"id":"a b","n":1})", settings);
  BOOST_REQUIRE(call);
  BOOST_TEST(call->method == "PUT");
  BOOST_TEST(call->target == "/orders/a%20b");
  BOOST_TEST(call->body == R"({"exported":true,"by":"sync"})");
  BOOST_TEST(!m->call_for("[1,2]", settings));
  BOOST_TEST(!once_marking::failure(204, ""));
  BOOST_TEST(once_marking::failure(404, "gone")->find("404: gone") != std::string::npos);
  BOOST_TEST(once_marking::failure(0, "")->find("no answer") != std::string::npos);
  auto no_uri = once_marking::compile(json::parse(R"({"http":{}})").as_object());
  BOOST_TEST(!no_uri);
  BOOST_TEST(no_uri.error().message.find("http.once.relativeURI") != std::string::npos);
  BOOST_TEST(!once_marking::compile(json::parse(R"({"http":{"once":{"relativeURI":"/x/{{#if}}"}}})").as_object()));
}

BOOST_AUTO_TEST_SUITE_END()
