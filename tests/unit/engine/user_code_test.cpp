#include "core/engine/user_code.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

using namespace integrator;
namespace json = boost::json;

BOOST_AUTO_TEST_SUITE(user_code_test)

// Every way a step names user code is found, and named for the job error.
BOOST_AUTO_TEST_CASE(each_form_of_user_code_is_found_and_named) {
  struct form {
    const char* doc;
    const char* named;
  };
  for (const auto& f : std::vector<form>{
         {R"({"hooks":{"preSavePage":{"_scriptId":"s1","function":"preSavePage"}}})",
          "hooks.preSavePage (script s1, function preSavePage)"},
         {R"({"hooks":{"preMap":{"_stackId":"k1","function":"preMap"}}})", "hooks.preMap (stack k1, function preMap)"},
         {R"({"hooks":{"_preSavePageId":"s2"}})", "hooks._preSavePageId (script s2)"},
         {R"({"filter":{"type":"script","script":{"_scriptId":"s3","function":"keep"}}})",
          "filter (a script s3, function keep)"},
         {R"({"inputFilter":{"type":"script"}})", "inputFilter (a script)"},
         {R"({"transform":{"type":"script","script":{"_scriptId":"s4"}}})", "transform (a script s4)"},
         {R"({"adaptorType":"WrapperExport"})", "a wrapper (WrapperExport)"},
         {R"({"wrapper":{"function":"exportPage"}})", "a wrapper"},
       }) {
    auto found = configured_user_code(json::parse(f.doc));
    BOOST_TEST(found.value_or("(none)") == f.named, f.doc);
  }
}

BOOST_AUTO_TEST_CASE(configuration_without_user_code_is_left_alone) {
  for (const char* doc : {
         R"({"adaptorType":"HTTPExport","http":{"relativeURI":"/x"}})",
         R"({"hooks":{}})",
         R"({"hooks":{"preSavePage":{}}})",                       // a hook naming no code
         R"({"hooks":{"preSavePage":{"_scriptId":"","function":""}}})",
         R"({"filter":{"type":"expression","expression":{"version":"1","rules":["equals",1,1]}}})",
         R"({"transform":{"type":"expression"}})",
         R"({"wrapper":{}})",
         "null",
       })
    BOOST_TEST(!configured_user_code(json::parse(doc)), doc);
}

// A flow's processor entry holds hooks of its own (postResponseMap) and an
// input filter; the refusal names the step and the code.
BOOST_AUTO_TEST_CASE(the_processor_entry_counts_and_the_refusal_names_step_and_code) {
  auto doc = json::parse(R"({"adaptorType":"HTTPImport"})");
  auto entry = json::parse(R"({"type":"import","_importId":"i1","hooks":{"postResponseMap":{"_scriptId":"s9","function":"prm"}}})");
  BOOST_TEST(!refuse_user_code("import i1", doc));
  auto refused = refuse_user_code("import i1", doc, entry);
  BOOST_REQUIRE(refused);
  BOOST_TEST(refused->code == error_code::user_code_unavailable);
  BOOST_TEST(refused->kind() == errc::validation_failed);
  BOOST_TEST(refused->message.find("import i1 configures hooks.postResponseMap (script s9, function prm)") == 0u,
             refused->message);
}

BOOST_AUTO_TEST_SUITE_END()
