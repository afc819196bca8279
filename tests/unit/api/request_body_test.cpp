#include "core/api/request_body.hpp"

#include <boost/test/unit_test.hpp>

using namespace integrator;

namespace {

api_call typed(std::string type, api_op op = api_op::create) {
  api_call c;
  c.op = op;
  c.content_type = std::move(type);
  return c;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(request_body_test)

BOOST_AUTO_TEST_CASE(bodies_must_be_declared_json_or_not_declared) {
  for (const char* ok : {"", "application/json", "application/json; charset=utf-8", " APPLICATION/JSON ",
                         "application/merge-patch+json", "application/vnd.api+json;v=2"})
    BOOST_TEST(!check_body_type(typed(ok)), ok);
  for (const char* bad : {"text/plain", "text/json", "application/xml", "multipart/form-data; boundary=a",
                          "application/jsonp", "json", "application/+jsonx"}) {
    auto e = check_body_type(typed(bad));
    BOOST_TEST((e.code == error_code::unsupported_media_type), bad);
  }
  // The proxy forwards whatever the target takes.
  BOOST_TEST(!check_body_type(typed("text/xml", api_op::connection_proxy)));
}

BOOST_AUTO_TEST_SUITE_END()
