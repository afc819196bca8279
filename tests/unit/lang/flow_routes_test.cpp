#include "core/lang/flow_routes.hpp"

#include "tests/support/why_not.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

using namespace integrator;
using integrator::test::why_not;
namespace json = boost::json;

namespace {

using action = router_step::lane_action;

flow_routes layout(const char* flow) {
  auto r = flow_routes::of(json::parse(flow).as_object());
  BOOST_REQUIRE_MESSAGE(r, why_not(r));
  return *r;
}

std::string refusal(const char* flow) {
  auto r = flow_routes::of(json::parse(flow).as_object());
  BOOST_TEST(!r);
  return why_not(r);
}

record_page page_of(const std::vector<std::pair<std::string, std::uint16_t>>& records) {
  page_builder b(100, 1 << 20);
  for (const auto& [text, lane] : records)
    b.append(text, lane);
  return b.take();
}

// (record id, lane) pairs of a page, for comparing.
std::vector<std::pair<std::int64_t, int>> ids_and_lanes(const record_page& p) {
  std::vector<std::pair<std::int64_t, int>> out;
  for (std::size_t i = 0; i < p.size(); ++i)
    out.emplace_back(json::parse(p.record(i)).at("id").as_int64(), p.lane(i));
  return out;
}

// R1 (first matching): big → [imp-big] → R2; everything else → [imp-rest].
// R2 (all matching): [imp-all]; gold → [imp-gold]; silver → nothing.
const char* two_routers = R"({"routers":[
  {"id":"r1","routeRecordsTo":"first_matching_branch","branches":[
    {"name":"big","inputFilter":{"version":"1","rules":["greaterthan",["extract","amount"],10]},
     "pageProcessors":[{"type":"import","_importId":"imp-big"}],"nextRouterId":"r2"},
    {"name":"rest","pageProcessors":[{"type":"import","_importId":"imp-rest"}]}]},
  {"id":"r2","routeRecordsTo":"all_matching_branches","branches":[
    {"name":"all","pageProcessors":[{"type":"import","_importId":"imp-all"}]},
    {"name":"gold","inputFilter":{"type":"expression","expression":{"version":"1","rules":["equals",["extract","tier"],"gold"]}},
     "pageProcessors":[{"type":"import","_importId":"imp-gold"}]},
    {"name":"silver","inputFilter":{"rules":["equals",["extract","tier"],"silver"]}}]}]})";

}  // namespace

BOOST_AUTO_TEST_SUITE(flow_routes_test)

BOOST_AUTO_TEST_CASE(a_linear_flow_is_its_processors_in_lane_zero) {
  auto r = layout(R"({"pageProcessors":[{"type":"import","_importId":"a"},{"type":"export","_exportId":"b"}]})");
  BOOST_TEST(r.routers.empty());
  BOOST_REQUIRE_EQUAL(r.stations.size(), 2u);
  BOOST_TEST(!r.stations[1].router);
  BOOST_TEST(r.stations[1].index == 1u);
  BOOST_TEST(r.stations[1].lane == 0);
  BOOST_TEST(r.processor_entries[1].at("_exportId") == "b");
}

BOOST_AUTO_TEST_CASE(routers_come_in_order_each_followed_by_its_branches) {
  auto r = layout(two_routers);
  BOOST_REQUIRE_EQUAL(r.stations.size(), 6u);
  std::vector<std::string> line;
  for (const auto& s : r.stations)
    line.push_back(s.router ? "router " + r.routers[s.index].id
                            : std::string(r.processor_entries[s.index].at("_importId").as_string())
                                + "@" + std::to_string(s.lane));
  std::vector<std::string> expected{"router r1", "imp-big@1", "imp-rest@2",
                                    "router r2", "imp-all@3", "imp-gold@4"};
  BOOST_TEST(line == expected, boost::test_tools::per_element());
  const auto& r1 = r.routers[0];
  const auto& r2 = r.routers[1];
  BOOST_TEST((r1.action(0) == action::route));
  BOOST_TEST((r2.action(1) == action::route));  // big continues into r2
  BOOST_TEST((r2.action(2) == action::drop));   // rest has ended
  BOOST_TEST((r2.action(0) == action::drop));
  BOOST_TEST(r2.branches[2].discards);
  BOOST_TEST(!r1.branches[1].discards);
}

BOOST_AUTO_TEST_CASE(first_matching_sends_a_record_into_one_branch) {
  auto r = layout(two_routers);
  auto routed = r.routers[0].route_page(
    page_of({{R"({"id":1,"amount":50})", 0}, {R"({"id":2,"amount":5})", 0}, {R"({"id":3})", 0}}), {});
  std::vector<std::pair<std::int64_t, int>> expected{{1, 1}, {2, 2}, {3, 2}};
  BOOST_TEST(ids_and_lanes(routed.page) == expected);
  BOOST_TEST(routed.ignored == 0u);
}

BOOST_AUTO_TEST_CASE(all_matching_copies_a_record_into_each_branch_and_drops_ended_lanes) {
  auto r = layout(two_routers);
  auto routed = r.routers[1].route_page(page_of({{R"({"id":1,"tier":"gold"})", 1},
                                                 {R"({"id":2,"tier":"silver"})", 1},
                                                 {R"({"id":3,"tier":"gold"})", 2}}),
                                        {});
  // id 2 enters "all" and the discarding "silver"; id 3's branch ended.
  std::vector<std::pair<std::int64_t, int>> expected{{1, 3}, {1, 4}, {2, 3}};
  BOOST_TEST(ids_and_lanes(routed.page) == expected);
  BOOST_TEST(routed.ignored == 0u);
}

BOOST_AUTO_TEST_CASE(records_entering_no_going_branch_are_ignored) {
  auto r = layout(R"({"routers":[{"id":"r","branches":[
    {"inputFilter":{"rules":["equals",["extract","tier"],"gold"]},"pageProcessors":[{"_importId":"i"}]},
    {"inputFilter":{"rules":["equals",["extract","tier"],"silver"]}}]}]})");
  auto routed = r.routers[0].route_page(
    page_of({{R"({"id":1,"tier":"gold"})", 0}, {R"({"id":2,"tier":"silver"})", 0},
             {R"({"id":3,"tier":"bronze"})", 0}, {"not json", 0}}),
    {});
  std::vector<std::pair<std::int64_t, int>> expected{{1, 1}};
  BOOST_TEST(ids_and_lanes(routed.page) == expected);
  BOOST_TEST(routed.ignored == 3u);
}

BOOST_AUTO_TEST_CASE(a_lane_headed_for_a_later_router_passes_the_ones_between) {
  // r1: a → r3, b → r2; r2: c → r3. Topologically r1, r2, r3.
  auto r = layout(R"({"routers":[
    {"id":"r1","branches":[{"inputFilter":{"rules":["equals",["extract","k"],"a"]},"nextRouterId":"r3"},
                           {"pageProcessors":[{"_importId":"b"}],"nextRouterId":"r2"}]},
    {"id":"r3","branches":[{"pageProcessors":[{"_importId":"end"}]}]},
    {"id":"r2","branches":[{"pageProcessors":[{"_importId":"c"}]}],"nextRouterId":"r3"}]})");
  std::vector<std::string> order;
  for (const auto& s : r.stations)
    if (s.router)
      order.push_back(r.routers[s.index].id);
  std::vector<std::string> expected{"r1", "r2", "r3"};
  BOOST_TEST(order == expected, boost::test_tools::per_element());
  const auto& r2 = r.routers[1];
  const auto& r3 = r.routers[2];
  BOOST_TEST((r2.action(1) == action::pass));   // a, on its way to r3
  BOOST_TEST((r2.action(2) == action::route));  // b
  BOOST_TEST((r3.action(1) == action::route));
  BOOST_TEST((r3.action(3) == action::route));  // c, by r2's router-level nextRouterId
  BOOST_TEST(!r.routers[0].branches[0].discards);  // no processors, but a next router
  auto routed = r2.route_page(page_of({{R"({"id":1})", 1}, {R"({"id":2})", 2}}), {});
  std::vector<std::pair<std::int64_t, int>> lanes{{1, 1}, {2, 3}};
  BOOST_TEST(ids_and_lanes(routed.page) == lanes);
}

BOOST_AUTO_TEST_CASE(bad_router_graphs_are_refused_with_a_reason) {
  BOOST_TEST(refusal(R"({"routers":[{"id":"r1","branches":[{"nextRouterId":"nope"}]}]})").find("nope")
             != std::string::npos);
  BOOST_TEST(refusal(R"({"routers":[{"id":"r1","branches":[{"nextRouterId":"r2"}]},
                                     {"id":"r2","branches":[{"nextRouterId":"r1"}]}]})")
               .find("cycle") != std::string::npos);
  BOOST_TEST(refusal(R"({"routers":[{"id":"r1","branches":[{"inputFilter":{"rules":["nosuchop",1]}}]}]})")
               .find("branch 0") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(user_code_decides_for_script_routers_and_scripted_branches) {
  auto by_script = layout(R"({"routers":[{"id":"r1","routeRecordsUsing":"script","routeRecordsTo":"all_matching_branches",
    "branches":[{"name":"a","pageProcessors":[{"_importId":"i1"}]},{"name":"b","pageProcessors":[{"_importId":"i2"}]},
                {"name":"drop"}]}]})");
  const auto& r = by_script.routers[0];
  BOOST_TEST(r.by_script);
  BOOST_TEST(r.runs_code());
  auto page = page_of({{R"({"id":1})", 0}, {R"({"id":2})", 0}, {R"({"id":3})", 0}});
  BOOST_TEST(r.routed_records(page).size() == 3u);
  route_decisions decided;
  decided.chosen = {{1, 0}, {2}, {}};  // both; the discarding branch; none
  auto routed = r.route_page(page, {}, &decided);
  std::vector<std::pair<std::int64_t, int>> lanes{{1, 2}, {1, 1}};
  BOOST_TEST(ids_and_lanes(routed.page) == lanes);
  BOOST_TEST(routed.ignored == 2u);
  route_decisions failed;
  failed.failed = true;  // the records fail (the stage records them): not ignored
  auto none = r.route_page(page, {}, &failed);
  BOOST_TEST(none.page.size() == 0u);
  BOOST_TEST(none.ignored == 0u);
  // A scripted branch filter beside an expression one, first match wins.
  auto mixed = layout(R"({"routers":[{"id":"r1","branches":[
    {"inputFilter":{"type":"script","script":{"_scriptId":"s1","function":"f"}},"pageProcessors":[{"_importId":"i1"}]},
    {"inputFilter":{"rules":["equals",["extract","id"],2]},"pageProcessors":[{"_importId":"i2"}]}]}]})");
  const auto& m = mixed.routers[0];
  BOOST_TEST(m.branches[0].scripted);
  BOOST_TEST(!m.by_script);
  route_decisions takes;
  takes.takes = {{true, true, false}, {}};
  std::vector<std::pair<std::int64_t, int>> first_match{{1, 1}, {2, 1}};
  BOOST_TEST(ids_and_lanes(m.route_page(page, {}, &takes).page) == first_match);
  // A router without an id is router-<n>, for its errors' step.
  BOOST_TEST(layout(R"({"routers":[{"branches":[{}]}]})").routers[0].id == "router-0");
}

BOOST_AUTO_TEST_CASE(each_processor_entry_reaches_branches_too) {
  std::vector<std::string> ids;
  flow_routes::each_processor_entry(json::parse(two_routers).as_object(), [&](const json::object& e) {
    ids.emplace_back(e.at("_importId").as_string());
  });
  BOOST_TEST(ids.size() == 4u);
}

BOOST_AUTO_TEST_CASE(a_processor_takes_out_the_records_of_its_lane) {
  page_builder b(10, 1 << 20);
  b.append(R"({"id":1})", 2);
  b.append(R"({"id":2})", 3);
  b.append(R"({"id":3})", 2);
  auto page = b.take(page_origin(0, 7));
  auto mine = pick_lane(page, 2);
  BOOST_REQUIRE(mine);
  std::vector<std::pair<std::int64_t, int>> expected{{1, 2}, {3, 2}};
  BOOST_TEST(ids_and_lanes(mine->page) == expected);
  BOOST_TEST(mine->picked == (std::vector<std::uint32_t>{0, 2}), boost::test_tools::per_element());
  BOOST_TEST(mine->page.origin() == page.origin());
  BOOST_REQUIRE(pick_lane(page, 9).has_value());
  BOOST_TEST(pick_lane(page, 9)->page.size() == 0u);
  // All in the lane, or a page without lanes at lane 0: the page as it is.
  BOOST_TEST(!pick_lane(page_of({{R"({"id":1})", 4}}), 4).has_value());
  BOOST_TEST(!pick_lane(page_of({{R"({"id":1})", 0}}), 0).has_value());
  BOOST_TEST(pick_lane(page_of({{R"({"id":1})", 0}}), 1).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
