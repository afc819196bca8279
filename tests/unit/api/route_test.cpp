#include "core/api/route.hpp"

#include <boost/test/unit_test.hpp>

using namespace integrator;

namespace {
const std::string id = "5a0c3d0b8e4f2a1b3c4d5e6f";
const std::string id2 = "5a0c3d0b8e4f2a1b3c4d5e70";

route_result r(const char* method, std::vector<std::string> segs, bool admin = false) {
  return route(method, admin, segs);
}
}  // namespace

BOOST_AUTO_TEST_SUITE(route_test)

BOOST_AUTO_TEST_CASE(collections_and_items_of_every_kind) {
  for (auto kind : all_resource_kinds()) {
    if (kind == resource_kind::license)
      continue;
    std::string coll = info(kind).collection;
    BOOST_TEST((r("GET", {coll}).call.op == api_op::list), coll);
    BOOST_TEST((r("POST", {coll}).call.op == api_op::create), coll);
    auto get = r("GET", {coll, id});
    BOOST_TEST((get.call.op == api_op::get && get.call.kind == kind && get.call.id == id), coll);
    BOOST_TEST((r("PUT", {coll, id}).call.op == api_op::replace));
    BOOST_TEST((r("PATCH", {coll, id}).call.op == api_op::patch));
    BOOST_TEST((r("DELETE", {coll, id}).call.op == api_op::remove));
  }
  BOOST_TEST((r("GET", {"iclients"}).call.kind == resource_kind::iclient));
  BOOST_TEST((r("GET", {"template"}).call.kind == resource_kind::template_));
}

BOOST_AUTO_TEST_CASE(wrong_method_is_405_with_allow) {
  auto res = r("DELETE", {"exports"});
  BOOST_TEST((res.error.kind() == errc::method_not_allowed));
  BOOST_TEST(res.allow == "GET, POST");
  BOOST_TEST((r("POST", {"tokenInfo"}).error.kind() == errc::method_not_allowed));
}

BOOST_AUTO_TEST_CASE(unknown_paths_and_malformed_ids_are_404) {
  BOOST_TEST((r("GET", {"widgets"}).error.kind() == errc::not_found));
  BOOST_TEST((r("GET", {"exports", "123ab456c789de1011fg12h13i"}).error.kind() == errc::not_found));
  BOOST_TEST((r("POST", {"connections", id, "clone"}).error.kind() == errc::not_found));
  BOOST_TEST((r("GET", {}).error.kind() == errc::not_found));
}

BOOST_AUTO_TEST_CASE(sub_resources) {
  BOOST_TEST((r("POST", {"exports", id, "clone"}).call.op == api_op::clone));
  auto flows = r("GET", {"integrations", id, "flows"});
  BOOST_TEST((flows.call.op == api_op::integration_flows));
  // The path names the integration, not a flow (check_named_resource).
  BOOST_TEST((flows.call.kind == resource_kind::integration));
  BOOST_TEST((r("GET", {"connectors", id, "installBase"}).call.op == api_op::install_base));
  auto lic = r("PUT", {"connectors", id, "licenses", id2});
  BOOST_TEST((lic.call.op == api_op::license_replace));
  BOOST_TEST(lic.call.id == id);
  BOOST_TEST(lic.call.sub_id == id2);
  BOOST_TEST((lic.call.kind == resource_kind::connector));
  BOOST_TEST((r("POST", {"connectors", id, "licenses"}).call.op == api_op::license_create));
  BOOST_TEST((r("POST", {"exports", "preview"}).call.op == api_op::export_preview));
  BOOST_TEST((r("GET", {"exports", "preview"}).error.kind() == errc::method_not_allowed));
  BOOST_TEST((r("POST", {"imports", "preview"}).error.kind() == errc::not_found));
}

BOOST_AUTO_TEST_CASE(state_global_and_scoped) {
  BOOST_TEST((r("GET", {"state"}).call.op == api_op::state_keys));
  BOOST_TEST((r("DELETE", {"state"}).call.op == api_op::state_clear));
  auto put = r("PUT", {"state", "seq"});
  BOOST_TEST((put.call.op == api_op::state_put && !put.call.scoped && put.call.sub_id == "seq"));
  auto scoped = r("GET", {"imports", id, "state", "seq"});
  BOOST_TEST((scoped.call.op == api_op::state_get && scoped.call.scoped));
  BOOST_TEST((scoped.call.kind == resource_kind::import_));
}

BOOST_AUTO_TEST_CASE(operator_api) {
  BOOST_TEST((r("POST", {"accounts"}, true).call.op == api_op::admin_account_create));
  BOOST_TEST((r("GET", {"accounts", id, "tokens"}, true).call.op == api_op::admin_token_list));
  BOOST_TEST((r("PUT", {"accounts", id, "rateLimit"}, true).call.op == api_op::admin_rate_limit_put));
  BOOST_TEST((r("DELETE", {"tokens", id}, true).call.op == api_op::admin_token_revoke));
  BOOST_TEST((r("GET", {"tokens", id}, true).error.kind() == errc::method_not_allowed));
  BOOST_TEST((r("GET", {"exports"}, true).error.kind() == errc::not_found));
}

BOOST_AUTO_TEST_SUITE_END()
