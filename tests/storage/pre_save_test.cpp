// preSave scripts on saves (core/api/pre_save.hpp), with the script runner
// replaced by a function that answers as a script would: what it gets,
// what a save stores, and how a failing or missing runner refuses it.
#include "core/api/pre_save.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "tests/storage/account_fixture.hpp"

using namespace integrator;
using namespace integrator::test;
namespace json = boost::json;

namespace {

struct pre_save_fixture : account_fixture {
  std::vector<json::value> calls;  ///< the options of each call
  std::string script_id = create(resource_kind::script, R"({"name":"s","content":"function f() {}"})");

  pre_save_fixture() {
    validation.run_script = [this](const std::string& id, const std::string&, const std::string& function,
                                   std::string options) -> result<std::string> {
      auto o = json::parse(options);
      calls.push_back(o);
      if (function == "refuses")
        return make_api_error(error_code::pre_save_rejected, "Error: not today");
      auto r = o.at("newResource").as_object();
      r["description"] = "by " + id;
      return json::serialize(r);
    };
  }
  std::string flow_body(const char* function, const char* name = "f") {
    return std::string(R"({"name":")") + name + R"(","preSave":{"_scriptId":")" + script_id + R"(","function":")"
           + function + "\"}}";
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(pre_save_test, pre_save_fixture)

BOOST_AUTO_TEST_CASE(every_save_stores_what_the_script_returns) {
  auto id = create(resource_kind::flow, flow_body("shape"));
  BOOST_REQUIRE_EQUAL(calls.size(), 1u);
  BOOST_TEST(calls[0].at("oldResource").is_null());
  BOOST_TEST(calls[0].at("sandbox") == false);
  auto stored = body_of(call(api_op::get, resource_kind::flow, id));
  BOOST_TEST(std::string(stored.at("description").as_string()) == "by " + script_id);
  auto put = call(api_op::replace, resource_kind::flow, id, flow_body("shape", "g"));
  BOOST_TEST((put.status == api_status::ok));
  BOOST_TEST(std::string(calls[1].at("oldResource").at("name").as_string()) == "f");
  auto patched = call(api_op::patch, resource_kind::flow, id, R"([{"op":"replace","path":"/name","value":"h"}])");
  BOOST_TEST((patched.status == api_status::no_content), patched.error.message);
  BOOST_REQUIRE_EQUAL(calls.size(), 3u);
  auto after = body_of(call(api_op::get, resource_kind::flow, id));
  BOOST_TEST(std::string(after.at("_id").as_string()) == id);  // kept through the script's answer
  BOOST_TEST(std::string(after.at("name").as_string()) == "h");
}

BOOST_AUTO_TEST_CASE(a_refusing_script_or_no_runner_rejects_the_save) {
  auto refused = call(api_op::create, resource_kind::flow, {}, flow_body("refuses"));
  BOOST_TEST((refused.status == api_status::failed));
  BOOST_TEST((refused.error.code == error_code::pre_save_rejected), refused.error.message);
  BOOST_TEST(refused.error.message.find("not today") != std::string::npos);
  BOOST_TEST(body_of(call(api_op::list, resource_kind::flow)).as_array().empty());
  validation.run_script = nullptr;
  auto no_runner = call(api_op::create, resource_kind::flow, {}, flow_body("shape"));
  BOOST_TEST((no_runner.error.code == error_code::user_code_unavailable));
  // Kinds without preSave do not call it.
  auto script = call(api_op::create, resource_kind::script, {},
                     R"({"name":"t","content":"1","preSave":{"_scriptId":")" + script_id + R"(","function":"f"}})");
  BOOST_TEST((script.status == api_status::created), script.error.message);
  BOOST_TEST(calls.size() == 1u);  // the refused create's only
}

BOOST_AUTO_TEST_SUITE_END()
