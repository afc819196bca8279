#include "core/engine/stack_call.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "tests/support/answers.hpp"

using namespace integrator;
using integrator::test::answered;
namespace json = boost::json;

BOOST_AUTO_TEST_SUITE(stack_call_test)

namespace {

stack_target server_stack(const char* extra = "") {
  auto t = stack_target::from_document(json::parse(
    std::string(R"({"_id":"k1","type":"server","server":{"hostURI":"http://127.0.0.1:7000/","systemToken":"sys"})")
    + extra + "}"));
  BOOST_REQUIRE(t);
  return *t;
}


}  // namespace

// The request integrator-extension 0.3.12 expects (extension-protocol.md §1).
BOOST_AUTO_TEST_CASE(the_request_carries_the_envelope_and_the_system_token) {
  json::object options{{"bearerToken", "one-time"}, {"data", json::array{json::object{{"a", 1}}}}};
  auto req = stack_request(server_stack(), extension_type::hook, "preSavePage", json::serialize(options));
  BOOST_TEST(req.method == "POST");
  BOOST_TEST(req.url == "http://127.0.0.1:7000/function");  // the trailing slash does not double
  BOOST_TEST(find_header(req.headers, "Authorization") == "Bearer sys");
  BOOST_TEST(find_header(req.headers, "Content-Type") == "application/json");
  BOOST_TEST(req.timeout_ms >= 300'000);  // a function may run up to 300 s
  auto body = json::parse(req.body).as_object();
  BOOST_TEST(body.at("diy") == true);
  BOOST_TEST(!body.contains("_connectorId"));
  BOOST_TEST(body.at("type") == "hook");
  BOOST_TEST(body.at("function") == "preSavePage");
  BOOST_TEST(body.at("maxResponseSize").to_number<std::int64_t>() == 5242880);
  BOOST_TEST(body.at("options") == json::value(options));
  // A connector's stack names the connector instead of diy.
  auto connector = stack_request(server_stack(R"(,"_connectorId":"c9")"), extension_type::installer, "step1", "{}");
  auto cbody = json::parse(connector.body).as_object();
  BOOST_TEST(!cbody.contains("diy"));
  BOOST_TEST(cbody.at("_connectorId") == "c9");
  BOOST_TEST(cbody.at("type") == "installer");
}

BOOST_AUTO_TEST_CASE(a_stack_document_without_a_host_or_on_lambda_cannot_be_called) {
  BOOST_TEST(!stack_target::from_document(json::parse(R"({"_id":"k","type":"server","server":{}})")));
  BOOST_TEST(!stack_target::from_document(json::parse(R"({"_id":"k","type":"server"})")));
  auto lambda = stack_target::from_document(json::parse(R"({"_id":"k","type":"lambda","lambda":{"functionName":"f"}})"));
  BOOST_REQUIRE(!lambda);
  BOOST_TEST(lambda.error().code == error_code::user_code_unavailable);
  BOOST_TEST(lambda.error().message.find("Lambda") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(answers_read_as_the_framework_sends_them) {
  auto ok = read_stack_answer(answered(200, R"({"data":[{"a":1,"touched":true}],"errors":[],"abort":false})"), "preSavePage");
  BOOST_TEST(ok.ok);
  auto value = returned_value(ok, "preSavePage");
  BOOST_REQUIRE(value);
  BOOST_TEST(value->at("data").as_array().size() == 1u);
  auto empty = read_stack_answer(answered(200, ""), "update");
  BOOST_TEST(empty.ok);
  BOOST_TEST(returned_value(empty, "update")->is_null());
  auto failed = read_stack_answer(answered(422, R"({"errors":[{"code":"my_code","message":"bad record"}]})"), "preMap");
  BOOST_TEST(!failed.ok);
  BOOST_TEST(!failed.transport);  // the function's own answer: not tried again
  BOOST_TEST(failed.code == "my_code");
  BOOST_TEST(failed.message == "bad record");
  auto bare = read_stack_answer(answered(422, "{}"), "preMap");
  BOOST_TEST(bare.code == "Error");
  auto refused = read_stack_answer(answered(401, "Unauthorized"), "preMap");
  BOOST_TEST(!refused.ok);
  BOOST_TEST(!refused.transport);
  BOOST_TEST(refused.message.find("systemToken") != std::string::npos);
  auto garbage = returned_value(read_stack_answer(answered(200, "{not json"), "preMap"), "preMap");
  BOOST_REQUIRE(!garbage);
  BOOST_TEST(garbage.error().message.find("invalid_extension_response") != std::string::npos);
  outbound_response down;
  down.transport_error = "connection refused";
  auto unreachable = read_stack_answer(down, "preMap");
  BOOST_TEST(unreachable.transport);
  BOOST_TEST(unreachable.message.find("connection refused") != std::string::npos);
  BOOST_TEST(read_stack_answer(answered(503, ""), "preMap").transport);
}

BOOST_AUTO_TEST_CASE(a_member_goes_first_into_an_object_text) {
  BOOST_TEST(with_string_member(R"({"data":[1]})", "bearerToken", "t") == R"({"bearerToken":"t","data":[1]})");
  BOOST_TEST(json::parse(with_string_member("{ }", "k", "a\"b")) == json::parse(R"({"k":"a\"b"})"));
  BOOST_TEST(json::parse(with_string_member("{}", "k", "v")).at("k") == "v");
}

BOOST_AUTO_TEST_SUITE_END()
