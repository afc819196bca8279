#include "core/util/rendezvous.hpp"

#include <boost/test/unit_test.hpp>

#include <map>

using namespace integrator;

BOOST_AUTO_TEST_SUITE(rendezvous_test)

namespace {
std::vector<std::string> keys(int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i)
    out.push_back("flow-" + std::to_string(i));
  return out;
}
}  // namespace

BOOST_AUTO_TEST_CASE(every_node_computes_the_same_owner_whatever_the_order) {
  std::vector<std::string> a{"n1", "n2", "n3"}, b{"n3", "n1", "n2"};
  for (const auto& k : keys(200))
    BOOST_TEST(rendezvous_owner(k, a) == rendezvous_owner(k, b));
  BOOST_TEST(rendezvous_owner("k", {}).empty());
  BOOST_TEST(rendezvous_owner("k", {"only"}) == "only");
  // Fixed across builds and machines: a weight is part of the cluster's
  // protocol (nodes of different builds must agree).
  BOOST_TEST(rendezvous_weight("n1", "flow-1") == rendezvous_weight("n1", "flow-1"));
  BOOST_TEST(rendezvous_weight("ab", "c") != rendezvous_weight("a", "bc"));
}

BOOST_AUTO_TEST_CASE(keys_spread_evenly_and_only_a_leavers_keys_move) {
  std::vector<std::string> three{"n1", "n2", "n3"}, two{"n1", "n3"};
  std::map<std::string, int> share;
  int moved_from_others = 0;
  auto ks = keys(3000);
  for (const auto& k : ks) {
    auto before = rendezvous_owner(k, three);
    ++share[before];
    auto after = rendezvous_owner(k, two);
    if (before != "n2" && after != before)
      ++moved_from_others;
  }
  for (const auto& [node, n] : share)
    BOOST_TEST((n > 850 && n < 1150), node << " owns " << n << " of 3000");
  BOOST_TEST(moved_from_others == 0);
}

BOOST_AUTO_TEST_CASE(a_joiner_takes_about_its_share_and_nothing_moves_elsewhere) {
  std::vector<std::string> three{"n1", "n2", "n3"}, four{"n1", "n2", "n3", "n4"};
  int to_joiner = 0, between_old = 0;
  for (const auto& k : keys(4000)) {
    auto before = rendezvous_owner(k, three), after = rendezvous_owner(k, four);
    if (after == "n4")
      ++to_joiner;
    else if (after != before)
      ++between_old;
  }
  BOOST_TEST((to_joiner > 850 && to_joiner < 1150));
  BOOST_TEST(between_old == 0);
}

BOOST_AUTO_TEST_SUITE_END()
