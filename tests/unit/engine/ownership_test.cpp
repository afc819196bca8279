#include "core/engine/ownership.hpp"

#include <boost/test/unit_test.hpp>

using namespace integrator;

BOOST_AUTO_TEST_SUITE(ownership_test)

namespace {
const std::int64_t now = 1'000'000;
std::vector<node_record> cluster() {
  // a and b beat a second ago; dead beat 11 s ago (timeout 10 s).
  return {{"a", "h:1", "", 0, now - 1000, false}, {"b", "h:2", "", 0, now - 1000, false},
          {"dead", "h:3", "", 0, now - 11'000, false}, {"leaver", "h:4", "", 0, now - 500, true}};
}
}  // namespace

BOOST_AUTO_TEST_CASE(lease_texts_round_trip) {
  auto l = parse_lease(lease_text(lease{42, "node-7"}));
  BOOST_TEST_REQUIRE(l.has_value());
  BOOST_TEST(l->epoch == 42);
  BOOST_TEST(l->owner == "node-7");
  auto freed = parse_lease("43|");
  BOOST_TEST((freed && freed->owner.empty() && freed->epoch == 43));
  BOOST_TEST(!parse_lease("x|a").has_value());
  BOOST_TEST(!parse_lease("12").has_value());
}

BOOST_AUTO_TEST_CASE(live_nodes_exclude_the_dead_and_the_leaving) {
  auto live = live_node_ids(cluster(), now);
  BOOST_TEST((live == std::vector<std::string>{"a", "b"}));
  BOOST_TEST(is_alive(cluster(), "leaver", now));  // still finishing its work
  BOOST_TEST(!is_alive(cluster(), "dead", now));
  BOOST_TEST(!is_alive(cluster(), "unknown", now));
}

BOOST_AUTO_TEST_CASE(taking_goes_one_epoch_up_and_expects_what_was_read) {
  auto b = take_lease("flow/acc|f1", lease{5, "dead"}, "a");
  BOOST_TEST_REQUIRE(b.expectations().size() == 1u);
  BOOST_TEST(b.expectations()[0].value == "5|dead");
  BOOST_TEST(b.ops()[0].value == "6|a");
  auto first = take_lease("flow/acc|f1", std::nullopt, "a");
  BOOST_TEST(first.expectations()[0].absent);
  BOOST_TEST(first.ops()[0].value == "1|a");
  auto given_up = release_lease("flow/acc|f1", lease{6, "a"});
  BOOST_TEST(given_up.expectations()[0].value == "6|a");
  BOOST_TEST(given_up.ops()[0].value == "6|");
}

BOOST_AUTO_TEST_SUITE_END()
