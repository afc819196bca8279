#include "core/engine/hook_results.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

using namespace integrator;
namespace json = boost::json;

BOOST_AUTO_TEST_SUITE(hook_results_test)

// The recorded preSavePage exchange (extension-protocol.md §1), then the
// retryable errors a hook may add.
BOOST_AUTO_TEST_CASE(pre_save_page_answers_read_whole) {
  std::string text =
    R"({"data":[{"a":1,"touched":true},{"a":2,"touched":true}],"errors":[],"abort":false,"newErrorsAndRetryData":[]})";
  auto r = read_pre_save_page(text);
  BOOST_REQUIRE(r);
  BOOST_TEST(r->data.size() == 2u);
  BOOST_TEST(r->data[1] == R"({"a":2,"touched":true})");
  BOOST_TEST(!r->abort);
  std::string more_text = R"({"data":[],"errors":[{"code":"bad","message":"page refused"},"plain text"],"abort":true,
        "newErrorsAndRetryData":[{"retryData":{"id":7},"errors":[{"message":"no email"}]}]})";
  auto more = read_pre_save_page(more_text);
  BOOST_REQUIRE(more);
  BOOST_TEST(more->data.empty());
  BOOST_TEST(more->abort);
  BOOST_REQUIRE(more->errors.size() == 2u);
  BOOST_TEST(more->errors[0].code == "bad");
  BOOST_TEST(more->errors[1].code == "Error");
  BOOST_TEST(more->errors[1].message == "plain text");
  BOOST_REQUIRE(more->new_errors_and_retry_data.size() == 1u);
  BOOST_TEST(more->new_errors_and_retry_data[0].retry_data.at("id") == 7);
  BOOST_TEST(more->new_errors_and_retry_data[0].errors[0].message == "no email");
  // No data: the hook kept no records.
  std::string none_text = R"({"errors":[]})";
  auto none = read_pre_save_page(none_text);
  BOOST_REQUIRE(none);
  BOOST_TEST(none->data.empty());
}

BOOST_AUTO_TEST_CASE(pre_save_page_answers_of_the_wrong_shape_are_refused) {
  for (const char* bad : {R"([1,2])", R"("x")", "null", "", R"({"data":{"a":1}})", R"({"data":[],"errors":[1]})",
                          R"({"data":[],"newErrorsAndRetryData":{}})", R"({"data":[],"newErrorsAndRetryData":[1]})",
                          R"({"data":[{"a":1},]})", R"({"data":[1,2)"}) {
    std::string text = bad;
    auto r = read_pre_save_page(text);
    BOOST_TEST(!r, bad);
    if (!r) {
      const auto& why = r.error().message;
      bool named = why.find("preSavePage") != std::string::npos || why.find("error") != std::string::npos;
      BOOST_TEST(named, why);
    }
  }
}

BOOST_AUTO_TEST_CASE(per_record_hooks_answer_one_item_per_record) {
  auto r = read_record_hook("preMap", json::parse(R"([{"data":{"id":1}},{"errors":[{"code":"x","message":"no"}]},
                                                     {"data":{"id":3},"errors":["warn"]},{}])"), 4);
  BOOST_REQUIRE(r);
  BOOST_TEST((*r)[0].has_data);
  BOOST_TEST((*r)[0].errors.empty());
  BOOST_TEST(!(*r)[1].has_data);
  BOOST_TEST((*r)[1].errors[0].code == "x");
  BOOST_TEST((*r)[2].has_data);
  BOOST_TEST((*r)[2].errors.size() == 1u);
  BOOST_TEST((*r)[3].ignored());
  auto short_answer = read_record_hook("postMap", json::parse(R"([{"data":{}}])"), 2);
  BOOST_REQUIRE(!short_answer);
  BOOST_TEST(short_answer.error().message.find("postMap returned 1 items for 2 records") == 0u,
             short_answer.error().message);
  BOOST_TEST(!read_record_hook("preMap", json::parse(R"({"data":[]})"), 0));
  BOOST_TEST(!read_record_hook("preMap", json::parse(R"([1])"), 1));
}

BOOST_AUTO_TEST_SUITE_END()
