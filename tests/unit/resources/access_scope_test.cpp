#include "core/resources/access_scope.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

using namespace integrator;

BOOST_AUTO_TEST_SUITE(access_scope_test)

BOOST_AUTO_TEST_CASE(full_scope_reaches_everything) {
  integrator::access_scope s;
  BOOST_TEST(s.permits(resource_kind::script, "x", boost::json::object{}));
}

BOOST_AUTO_TEST_CASE(custom_scope_reaches_listed_ids_and_their_contents) {
  integrator::access_scope s;
  s.full = false;
  s.connection_ids = {"c1"};
  s.integration_ids = {"i1"};
  boost::json::value none = boost::json::object{};
  boost::json::value in_i1 = boost::json::object{{"_integrationId", "i1"}};
  BOOST_TEST(s.permits(resource_kind::connection, "c1", none));
  BOOST_TEST(!s.permits(resource_kind::connection, "c2", none));
  BOOST_TEST(s.permits(resource_kind::integration, "i1", none));
  BOOST_TEST(s.permits(resource_kind::flow, "f1", in_i1));
  BOOST_TEST(s.permits(resource_kind::export_, "e9", in_i1));
  BOOST_TEST(!s.permits(resource_kind::flow, "f1", none));
  BOOST_TEST(!s.permits(resource_kind::script, "s1", in_i1));
  BOOST_TEST(!s.account_wide());
}

BOOST_AUTO_TEST_SUITE_END()
