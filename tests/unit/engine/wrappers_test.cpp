#include "core/engine/wrappers.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "core/engine/flow_plan.hpp"

using namespace integrator;
namespace json = boost::json;

BOOST_AUTO_TEST_SUITE(wrappers_test)

namespace {

const char* connection = R"({"_id":"c1","type":"wrapper","wrapper":{"_stackId":"k1","pingFunction":"ping",
                            "encrypted":{"key":"s"},"unencrypted":{"region":"eu"},"concurrencyLevel":3}})";
const char* stack = R"({"_id":"k1","type":"server","server":{"hostURI":"http://127.0.0.1:9","systemToken":"t"}})";

// A wrapper export in a plan, paged by a cursor.
struct wrapped_export {
  flow_plan plan;
  export_step step;

  explicit wrapped_export(std::size_t record_limit = 0) {
    plan.flow_id = "f1";
    plan.settings = json::object();
    step.export_id = "e1";
    step.connection_id = "c1";
    step.selection.record_limit = record_limit;
    wrapper_export w;
    user_function fn;
    fn.function = "list";
    w.fn = std::make_shared<const user_function>(fn);
    w.type = "test";
    step.wrapper = std::make_shared<const wrapper_export>(std::move(w));
  }
  /// Reads `answer` into `cursor`: the records kept, and the resume point
  /// after each.
  stage_report read(wrapper_cursor& cursor, std::string answer, std::vector<std::string>& kept,
                    std::vector<resume_point>* after = nullptr, bool* offline = nullptr) {
    auto a = returned_answer(std::move(answer));
    bool off = false;
    auto r = cursor.read(a, [&](std::string_view text) {
      kept.emplace_back(text);
      if (after)
        after->push_back(cursor.resume_here(true));
    }, off, 1000);
    if (offline)
      *offline = off;
    return r;
  }
};

}  // namespace

BOOST_AUTO_TEST_CASE(a_wrapper_connection_resolves_against_its_stack) {
  auto target = wrapper_target::of(json::parse(connection), document_texts{{"k1", stack}});
  BOOST_REQUIRE(target);
  BOOST_TEST(target->concurrency == 3);
  BOOST_TEST(json::serialize(target->connection) == R"({"_id":"c1","encrypted":{"key":"s"},"unencrypted":{"region":"eu"}})");
  auto ping = target->ping();
  BOOST_REQUIRE(ping);
  BOOST_TEST(ping->function == "ping");
  BOOST_TEST(ping->stack->id == "k1");
  auto fn = target->function_of(json::parse(R"({"wrapper":{"function":"list","configuration":{"a":1}}})"));
  BOOST_REQUIRE(fn);
  BOOST_TEST(fn->configuration.at("a").as_int64() == 1);
  BOOST_TEST(!target->function_of(json::parse(R"({"wrapper":{}})")));
  BOOST_TEST(!wrapper_target::of(json::parse(connection), document_texts{}));  // its stack is missing
  auto no_ping = wrapper_target::of(json::parse(R"({"type":"wrapper","wrapper":{"_stackId":"k1"}})"), json::parse(stack));
  BOOST_REQUIRE(no_ping);
  BOOST_TEST(!no_ping->ping());
}

BOOST_AUTO_TEST_CASE(a_ping_fails_on_anything_but_status_200) {
  BOOST_TEST(!wrapper_ping_failure(returned_answer(R"({"statusCode":200})")));
  auto refused = wrapper_ping_failure(returned_answer(R"({"statusCode":401,"errors":[{"code":"x","message":"bad key"}]})"));
  BOOST_REQUIRE(refused);
  BOOST_TEST(refused->find("401: bad key") != std::string::npos, *refused);
  BOOST_TEST(wrapper_ping_failure(returned_answer("[]")).has_value());
  BOOST_TEST(*wrapper_ping_failure(failed_answer("stack_unreachable", "no answer")) == "no answer");
}

BOOST_AUTO_TEST_CASE(the_cursor_feeds_back_the_state_until_the_last_page) {
  wrapped_export e;
  wrapper_cursor cursor(e.plan, e.step);
  BOOST_TEST(!json::parse(cursor.next_options()).as_object().contains("state"));
  std::vector<std::string> kept;
  auto r = e.read(cursor, R"({"data":[{"id":1},{"id":2}],"errors":[{"code":"w","message":"noted"}],
                              "lastPage":false,"state":{"n":1}})", kept);
  BOOST_TEST(r.fatal.empty());
  BOOST_TEST(r.counts.num_export == 2);
  BOOST_TEST(r.counts.num_error == 1);  // logged; the export goes on
  BOOST_TEST(r.errors[0].source == "application");
  BOOST_TEST((kept == std::vector<std::string>{R"({"id":1})", R"({"id":2})"}));
  BOOST_TEST(cursor.more());
  auto options = json::parse(cursor.next_options());
  BOOST_TEST(options.at("state").at("n").as_int64() == 1);
  BOOST_TEST(std::string(options.at("type").as_string()) == "test");
  e.read(cursor, R"({"data":[{"id":3}]})", kept);  // no lastPage: the last page
  BOOST_TEST(!cursor.more());
}

BOOST_AUTO_TEST_CASE(a_resumed_cursor_asks_again_with_the_state_before_its_last_page_and_passes_over_what_went_through) {
  wrapped_export e;
  wrapper_cursor first(e.plan, e.step);
  std::vector<std::string> kept;
  std::vector<resume_point> after;
  e.read(first, R"({"data":[{"id":1}],"lastPage":false,"state":{"n":1}})", kept, &after);
  e.read(first, R"({"data":[{"id":2},{"id":3},{"id":4}],"lastPage":false,"state":{"n":2}})", kept, &after);
  // The job stopped after record 3 went through.
  auto at = after[2];
  BOOST_TEST(at.position == R"({"n":1})");
  wrapper_cursor resumed(e.plan, e.step);
  resumed.resume(at);
  BOOST_TEST(json::parse(resumed.next_options()).at("state").at("n").as_int64() == 1);
  std::vector<std::string> again;
  auto r = e.read(resumed, R"({"data":[{"id":2},{"id":3},{"id":4}],"lastPage":true})", again);
  BOOST_TEST((again == std::vector<std::string>{R"({"id":4})"}));
  BOOST_TEST(r.counts.num_export == 1);  // 2 and 3 were counted before
}

// A standalone export pages a wrapper one call at a time: between calls
// the cursor says what the next one sends, and a new cursor goes on from it.
BOOST_AUTO_TEST_CASE(between_calls_a_cursor_says_what_the_next_call_sends) {
  wrapped_export e;
  wrapper_cursor first(e.plan, e.step);
  std::vector<std::string> kept;
  e.read(first, R"({"data":[{"id":1},{"id":2}],"lastPage":false,"state":{"n":1}})", kept);
  auto between = first.between_calls();
  BOOST_TEST(between.position == R"({"n":1})");
  BOOST_TEST(between.kept == 2);
  BOOST_TEST(!between.done);
  wrapper_cursor next(e.plan, e.step);
  next.resume(between);
  BOOST_TEST(json::parse(next.next_options()).at("state").at("n").as_int64() == 1);
  e.read(next, R"({"data":[{"id":3}],"lastPage":true})", kept);
  BOOST_TEST(next.between_calls().done);
}

BOOST_AUTO_TEST_CASE(a_loop_a_bad_answer_or_an_offline_connection_stops_the_export) {
  wrapped_export e;
  wrapper_cursor looping(e.plan, e.step);
  std::vector<std::string> kept;
  for (int i = 0; i < 4; ++i)
    BOOST_TEST(e.read(looping, R"({"data":[{"id":1}],"lastPage":false,"state":{"n":1}})", kept).fatal.empty());
  auto fifth = e.read(looping, R"({"data":[{"id":1}],"lastPage":false,"state":{"n":1}})", kept);
  BOOST_TEST(fifth.fatal.find("5 times") != std::string::npos, fifth.fatal);
  BOOST_TEST(!looping.more());
  wrapper_cursor bad(e.plan, e.step);
  BOOST_TEST(!e.read(bad, R"({"data":{"id":1}})", kept).fatal.empty());
  wrapper_cursor offline(e.plan, e.step);
  bool off = false;
  auto r = e.read(offline, R"({"data":[],"connectionOffline":true,"lastPage":false})", kept, nullptr, &off);
  BOOST_TEST(off);
  BOOST_TEST(!r.fatal.empty());
  // The export's test limit stops it too.
  wrapped_export limited(2);
  wrapper_cursor capped(limited.plan, limited.step);
  std::vector<std::string> two;
  limited.read(capped, R"({"data":[{"id":1},{"id":2},{"id":3}],"lastPage":false,"state":{}})", two);
  BOOST_TEST(two.size() == 2u);
  BOOST_TEST(!capped.more());
}

BOOST_AUTO_TEST_SUITE_END()
