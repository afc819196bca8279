#include "core/engine/flow_schedule.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "core/util/iso_time.hpp"

using namespace integrator;
namespace json = boost::json;

namespace {

std::int64_t at(const char* iso) {
  return *parse_iso_ms(iso);
}

std::vector<scheduled_run> due(const char* flow, const char* from, const char* to) {
  return due_runs(json::parse(flow).as_object(), at(from), at(to));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(flow_schedule_test)

BOOST_AUTO_TEST_CASE(a_flow_fires_once_per_span_however_many_slots_it_missed) {
  const char* hourly = R"({"schedule":"? 0 * * * *","pageGenerators":[{"_exportId":"e1"},{"_exportId":"e2"}]})";
  BOOST_TEST(due(hourly, "2026-11-28T10:00:00Z", "2026-11-28T10:59:00Z").empty());
  auto one = due(hourly, "2026-11-28T10:30:00Z", "2026-11-28T11:00:00Z");
  BOOST_REQUIRE_EQUAL(one.size(), 1u);
  BOOST_TEST(one[0].export_ids.empty());  // every generator
  // Ten hours down: one run, not ten.
  BOOST_TEST(due(hourly, "2026-11-28T00:30:00Z", "2026-11-28T10:30:00Z").size() == 1u);
  // In the flow's time zone: 02:00 in Tokyo is 17:00Z the day before.
  const char* tokyo = R"({"schedule":"? 0 2 * * *","timezone":"Asia/Tokyo","pageGenerators":[{"_exportId":"e1"}]})";
  BOOST_TEST(due(tokyo, "2026-11-28T16:30:00Z", "2026-11-28T17:00:00Z").size() == 1u);
  BOOST_TEST(due(tokyo, "2026-11-28T01:30:00Z", "2026-11-28T02:00:00Z").empty());
}

BOOST_AUTO_TEST_CASE(a_generator_schedule_overrides_the_flows_for_its_export) {
  const char* flow = R"({"schedule":"? 0 * * * *","pageGenerators":[
      {"_exportId":"e1","schedule":"? 30 * * * *"},{"_exportId":"e2"},{"_exportId":"e3"}]})";
  auto half = due(flow, "2026-11-28T10:15:00Z", "2026-11-28T10:30:00Z");
  BOOST_REQUIRE_EQUAL(half.size(), 1u);
  BOOST_TEST(half[0].export_ids == std::vector<std::string>{"e1"}, boost::test_tools::per_element());
  auto top = due(flow, "2026-11-28T10:45:00Z", "2026-11-28T11:00:00Z");
  BOOST_REQUIRE_EQUAL(top.size(), 1u);
  BOOST_TEST(top[0].export_ids == (std::vector<std::string>{"e2", "e3"}), boost::test_tools::per_element());
  BOOST_TEST(due(flow, "2026-11-28T10:00:00Z", "2026-11-28T11:00:00Z").size() == 2u);
}

BOOST_AUTO_TEST_CASE(disabled_or_unscheduled_flows_never_fire) {
  BOOST_TEST(due(R"({"schedule":"? * * * * *","disabled":true,"pageGenerators":[{"_exportId":"e"}]})",
                 "2026-11-28T10:00:00Z", "2026-11-28T11:00:00Z").empty());
  BOOST_TEST(due(R"({"pageGenerators":[{"_exportId":"e"}]})", "2026-11-28T10:00:00Z",
                 "2026-11-28T11:00:00Z").empty());
  BOOST_TEST(due(R"({"schedule":"not cron","pageGenerators":[{"_exportId":"e"}]})",
                 "2026-11-28T10:00:00Z", "2026-11-28T11:00:00Z").empty());
}

BOOST_AUTO_TEST_SUITE_END()
