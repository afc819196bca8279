#include "core/resources/references.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

using namespace integrator;

BOOST_AUTO_TEST_SUITE(references_test)

BOOST_AUTO_TEST_CASE(finds_references_at_every_depth) {
  auto doc = boost::json::parse(R"({"name":"f","_integrationId":"i1",
    "pageGenerators":[{"_exportId":"e1"}],
    "pageProcessors":[{"type":"import","_importId":"m1","hooks":{"postResponseMap":{"_scriptId":"s1"}}}],
    "_runNextFlowIds":["f2",""],"_connectorId":null})");
  auto refs = collect_references(doc);
  BOOST_TEST_REQUIRE(refs.size() == 5u);
  BOOST_TEST(refs[0].field == "_integrationId");
  BOOST_TEST(refs[1].path == "pageGenerators[0]._exportId");
  BOOST_TEST((refs[1].target == resource_kind::export_));
  BOOST_TEST(refs[2].id == "m1");
  BOOST_TEST((refs[3].target == resource_kind::script));
  BOOST_TEST(refs[4].path == "_runNextFlowIds[0]");
  BOOST_TEST((refs[4].target == resource_kind::flow));
}

BOOST_AUTO_TEST_SUITE_END()
