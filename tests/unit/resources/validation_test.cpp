#include "core/resources/validation.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <string>

using namespace integrator;
namespace json = boost::json;

namespace {

api_error check(resource_kind kind, const char* text, json::value* out = nullptr) {
  auto doc = json::parse(text);
  validation_context ctx;
  ctx.is_time_zone = [](std::string_view tz) { return tz == "America/New_York" || tz == "UTC"; };
  auto e = validate_resource(kind, doc, ctx);
  if (out)
    *out = doc;
  return e;
}

void expect_field(resource_kind kind, const char* text, const char* field) {
  auto e = check(kind, text);
  BOOST_TEST((e.kind() == errc::validation_failed), text);
  BOOST_TEST(e.field == field, text);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(validation_test)

BOOST_AUTO_TEST_CASE(connections_need_a_known_type_and_its_block) {
  BOOST_TEST(!check(resource_kind::connection, R"({"type":"http","http":{"baseURI":"https://a"}})"));
  expect_field(resource_kind::connection, R"({"name":"x"})", "type");
  expect_field(resource_kind::connection, R"({"type":"carrier-pigeon"})", "type");
  expect_field(resource_kind::connection, R"({"type":"http"})", "http");
  expect_field(resource_kind::connection, R"({"type":"http","http":{}})", "http.baseURI");
  expect_field(resource_kind::connection,
               R"({"type":"http","http":{"baseURI":"x","mediaType":"yaml"}})", "http.mediaType");
  expect_field(resource_kind::connection,
               R"({"type":"http","http":{"baseURI":"x","concurrencyLevel":0}})",
               "http.concurrencyLevel");
  // http.timeout: milliseconds as an integer, nothing else.
  for (const char* bad : {"-1", "0", "\"100\"", "1.5", "1e300", "-1e300", "18446744073709551616",
                          "18446744073709551615", "3600001", "true"}) {
    auto doc = std::string(R"({"type":"http","http":{"baseURI":"x","timeout":)") + bad + "}}";
    expect_field(resource_kind::connection, doc.c_str(), "http.timeout");
  }
  BOOST_TEST(!check(resource_kind::connection, R"({"type":"http","http":{"baseURI":"x","timeout":5000}})"));
  BOOST_TEST(!check(resource_kind::connection, R"({"type":"http","http":{"baseURI":"x","timeout":5000.0}})"));
  expect_field(resource_kind::connection, R"({"type":"ftp","ftp":{"hostURI":"h","port":70000}})",
               "ftp.port");
  expect_field(resource_kind::connection, R"({"type":"http","name":5,"http":{"baseURI":"x"}})",
               "name");
}

BOOST_AUTO_TEST_CASE(exports_check_adaptor_connection_and_modes) {
  BOOST_TEST(!check(resource_kind::export_,
                    R"({"adaptorType":"HTTPExport","_connectionId":"c","http":{"method":"GET"}})"));
  BOOST_TEST(!check(resource_kind::export_, R"({"adaptorType":"WebhookExport"})"));
  expect_field(resource_kind::export_, R"({"adaptorType":"HttpExport","_connectionId":"c"})",
               "adaptorType");
  expect_field(resource_kind::export_, R"({"adaptorType":"HTTPExport"})", "_connectionId");
  expect_field(resource_kind::export_,
               R"({"adaptorType":"HTTPExport","_connectionId":"c","test":{"limit":101}})",
               "test.limit");
  expect_field(resource_kind::export_,
               R"({"adaptorType":"HTTPExport","_connectionId":"c","type":"sometimes"})", "type");
  expect_field(resource_kind::export_,
               R"({"adaptorType":"HTTPExport","_connectionId":"c","delta":{"dateField":"d"}})",
               "delta.dateField");
  expect_field(resource_kind::export_,
               R"({"adaptorType":"HTTPExport","_connectionId":"c","http":{"paging":{"method":"magic"}}})",
               "http.paging.method");
}

BOOST_AUTO_TEST_CASE(filters_are_compiled_at_save_time) {
  BOOST_TEST(!check(resource_kind::export_,
                    R"({"adaptorType":"HTTPExport","_connectionId":"c","filter":{"type":"expression","expression":{"version":"1","rules":["equals",["extract","a"],1]}}})"));
  expect_field(resource_kind::export_,
               R"({"adaptorType":"HTTPExport","_connectionId":"c","filter":{"type":"expression","expression":{"version":"1","rules":["sometimes",1]}}})",
               "filter");
  expect_field(resource_kind::import_,
               R"({"adaptorType":"HTTPImport","_connectionId":"c","filter":{"type":"expression","expression":{"rules":["equals",1]}}})",
               "filter");
  expect_field(resource_kind::flow,
               R"({"name":"f","routers":[{"branches":[{"inputFilter":{"version":"1","rules":["bogus"]}}]}]})",
               "routers[0].branches[0].inputFilter");
}

BOOST_AUTO_TEST_CASE(transforms_are_compiled_at_save_time) {
  expect_field(resource_kind::export_,
               R"({"adaptorType":"HTTPExport","_connectionId":"c","transform":{"type":"expression","expression":{"version":"2","rulesTwoDotZero":{"mode":"upsert"}}}})",
               "transform");
}

BOOST_AUTO_TEST_CASE(mappings_are_compiled_at_save_time) {
  BOOST_TEST(!check(resource_kind::import_,
                    R"({"adaptorType":"HTTPImport","_connectionId":"c","lookups":[{"name":"l","map":{}}],
                        "mapping":{"fields":[{"extract":"a","generate":"b","lookupName":"l"}]}})"));
  expect_field(resource_kind::import_,
               R"({"adaptorType":"HTTPImport","_connectionId":"c","mapping":{"fields":[{"extract":"a"}]}})",
               "mapping");
  expect_field(resource_kind::import_,
               R"({"adaptorType":"HTTPImport","_connectionId":"c","mapping":{"fields":[{"extract":"a","generate":"b","lookupName":"l"}]}})",
               "mapping");
  BOOST_TEST(!check(resource_kind::import_,
                    R"({"adaptorType":"HTTPImport","_connectionId":"c","mappings":[{"generate":"a","dataType":"string","extract":"$.b"}]})"));
  expect_field(resource_kind::import_,
               R"({"adaptorType":"HTTPImport","_connectionId":"c","mappings":[{"generate":"a","dataType":"date"}]})",
               "mappings");
}

BOOST_AUTO_TEST_CASE(old_clients_get_adaptor_type_from_the_block) {
  json::value doc;
  BOOST_TEST(!check(resource_kind::export_, R"({"_connectionId":"c","rest":{"relativeURI":"/x"}})",
                    &doc));
  BOOST_TEST(doc.at("adaptorType").as_string() == "RESTExport");
  BOOST_TEST(!check(resource_kind::import_, R"({"_connectionId":"c","http":{}})", &doc));
  BOOST_TEST(doc.at("adaptorType").as_string() == "HTTPImport");
  expect_field(resource_kind::import_, R"({"_connectionId":"c"})", "adaptorType");
}

BOOST_AUTO_TEST_CASE(imports_check_methods_and_request_types) {
  BOOST_TEST(!check(resource_kind::import_,
                    R"({"adaptorType":"HTTPImport","_connectionId":"c","http":{"method":["POST","PUT"],"requestType":["CREATE","UPDATE"]}})"));
  expect_field(resource_kind::import_,
               R"({"adaptorType":"HTTPImport","_connectionId":"c","http":{"method":["SEND"]}})",
               "http.method[0]");
  expect_field(resource_kind::import_,
               R"({"adaptorType":"HTTPImport","_connectionId":"c","http":{"requestType":["CREATE","MERGE"]}})",
               "http.requestType[1]");
}

BOOST_AUTO_TEST_CASE(flows_check_name_cron_timezone_and_processors) {
  BOOST_TEST(!check(resource_kind::flow,
                    R"({"name":"f","schedule":"? 0 2 ? * *","timezone":"America/New_York",
                        "pageGenerators":[{"_exportId":"e"}],
                        "pageProcessors":[{"type":"import","_importId":"i"}]})"));
  expect_field(resource_kind::flow, R"({})", "name");
  expect_field(resource_kind::flow, R"({"name":"f","schedule":"0 2 * * *"})", "schedule");
  expect_field(resource_kind::flow, R"({"name":"f","timezone":"Mars/Olympus"})", "timezone");
  auto both = check(resource_kind::flow, R"({"name":"f","pageProcessors":[],"routers":[]})");
  BOOST_TEST(both.message == "\"pageProcessors\" is not allowed when \"routers\" is present");
  expect_field(resource_kind::flow, R"({"name":"f","pageGenerators":[{}]})",
               "pageGenerators[0]._exportId");
  expect_field(resource_kind::flow, R"({"name":"f","pageProcessors":[{"type":"import"}]})",
               "pageProcessors[0]._importId");
  expect_field(resource_kind::flow,
               R"({"name":"f","pageGenerators":[{"_exportId":"e","schedule":"?"}]})",
               "pageGenerators[0].schedule");
  expect_field(resource_kind::flow,
               R"({"name":"f","routers":[{"routeRecordsTo":"some","branches":[]}]})",
               "routers[0].routeRecordsTo");
}

BOOST_AUTO_TEST_CASE(other_kinds) {
  expect_field(resource_kind::integration, R"({"mode":"install"})", "name");
  expect_field(resource_kind::integration, R"({"name":"i","mode":"broken"})", "mode");
  expect_field(resource_kind::script, R"({"name":"s","description":5})", "description");
  BOOST_TEST(bool(check(resource_kind::script, (R"({"name":")" + std::string(101, 'a') + "\"}").c_str())));
  expect_field(resource_kind::stack, R"({"name":"s","type":"server"})", "server");
  expect_field(resource_kind::iclient, R"({"name":"c"})", "provider");
  BOOST_TEST(bool(check(resource_kind::connector, "[]")));
}

BOOST_AUTO_TEST_CASE(adaptors_match_connection_types) {
  BOOST_TEST(adaptor_accepts_connection("HTTPExport", "http"));
  BOOST_TEST(adaptor_accepts_connection("HTTPImport", "rest"));
  BOOST_TEST(adaptor_accepts_connection("FTPImport", "sftp"));
  BOOST_TEST(!adaptor_accepts_connection("FTPExport", "http"));
  BOOST_TEST(!adaptor_accepts_connection("S3Import", "ftp"));
}

BOOST_AUTO_TEST_SUITE_END()
