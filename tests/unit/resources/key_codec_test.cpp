#include "core/resources/key_codec.hpp"

#include <boost/test/unit_test.hpp>

using namespace integrator;

namespace {
const std::string account = "5a0c3d0b8e4f2a1b3c4d5e6f";
const std::string other = "5a0c3d0b8e4f2a1b3c4d5e70";
const std::string id = "6b0a7f12d0cfc64193cb6e64";
}  // namespace

BOOST_AUTO_TEST_SUITE(key_codec_test)

BOOST_AUTO_TEST_CASE(resource_keys_group_by_account) {
  auto k = keys::resource(account, id);
  BOOST_TEST(k.size() == 48u);
  BOOST_TEST(k.rfind(account, 0) == 0u);
  BOOST_TEST(keys::resource(other, id).rfind(account, 0) != 0u);
}

BOOST_AUTO_TEST_CASE(ref_keys_round_trip_and_share_the_target_prefix) {
  auto k = keys::ref(account, id, resource_kind::flow, other);
  BOOST_TEST(k.rfind(keys::refs_prefix(account, id), 0) == 0u);
  resource_kind kind;
  std::string referrer;
  BOOST_TEST(keys::parse_ref(k, kind, referrer));
  BOOST_TEST((kind == resource_kind::flow));
  BOOST_TEST(referrer == other);
  BOOST_TEST(!keys::parse_ref("short", kind, referrer));
}

BOOST_AUTO_TEST_CASE(name_keys_fold_case_and_end_with_the_id) {
  auto k = keys::name(account, resource_kind::export_, "My Export", id);
  BOOST_TEST(k.rfind(keys::names_prefix(account, resource_kind::export_, "my export"), 0) == 0u);
  BOOST_TEST(keys::id_of_name_key(k) == id);
  // "My" must not match "My Export": the prefix ends with a NUL.
  BOOST_TEST(k.rfind(keys::names_prefix(account, resource_kind::export_, "My"), 0) != 0u);
}

BOOST_AUTO_TEST_CASE(state_keys_separate_global_and_resource_scopes) {
  auto g = keys::global_state(account, "seq");
  auto r = keys::resource_state(account, resource_kind::import_, id, "seq");
  BOOST_TEST(g.rfind(keys::global_state_prefix(account), 0) == 0u);
  BOOST_TEST(r.rfind(keys::global_state_prefix(account), 0) != 0u);
  BOOST_TEST(r.rfind(keys::resource_state_prefix(account, resource_kind::import_, id), 0) == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
