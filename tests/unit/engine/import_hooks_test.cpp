#include "core/engine/import_hooks.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "core/engine/flow_plan.hpp"

using namespace integrator;
namespace json = boost::json;

BOOST_AUTO_TEST_SUITE(import_hooks_test)

namespace {

std::vector<json::value> three_records() {
  return {json::parse(R"({"id":1})"), json::parse(R"({"id":2})"), json::parse(R"({"id":3})")};
}

}  // namespace

BOOST_AUTO_TEST_CASE(hooks_resolve_from_the_import) {
  document_texts scripts = {{"s1", R"({"_id":"s1","content":"function f() {}"})"}};
  auto hooks = import_hooks::resolve(json::parse(R"({"hooks":{"preMap":{"_scriptId":"s1","function":"f"},
                                                             "postSubmit":{"_scriptId":"s1","function":"g"}}})"),
                                     json::parse(R"({"hooks":{"postResponseMap":{"_scriptId":"s1","function":"h"}}})"),
                                     {}, scripts);
  BOOST_REQUIRE(hooks);
  BOOST_TEST(hooks->any());
  BOOST_TEST(hooks->pre_map->function == "f");
  BOOST_TEST(!hooks->post_map);
  BOOST_TEST(hooks->of(import_hook::post_submit)->function == "g");
  BOOST_TEST(hooks->post_response_map->function == "h");  // from the flow's entry
  BOOST_TEST(!import_hooks::resolve(json::parse(R"({"hooks":{"postMap":{"_scriptId":"gone","function":"f"}}})"), {},
                                    {}, scripts));
}

BOOST_AUTO_TEST_CASE(a_script_input_filter_filters_what_it_answers_falsy_for) {
  document_texts scripts = {{"s1", R"({"_id":"s1","content":"function f() {}"})"}};
  auto block = R"({"type":"script","script":{"_scriptId":"s1","function":"keep"}})";
  // The entry's inputFilter takes the import's filter's place.
  auto hooks = import_hooks::resolve(json::parse(std::string(R"({"filter":{"rules":["equals",1,1]}})")),
                                     json::parse(std::string(R"({"inputFilter":)") + block + "}"), {}, scripts);
  BOOST_REQUIRE(hooks);
  BOOST_REQUIRE(hooks->input_filter);
  BOOST_TEST(hooks->input_filter->each_record);
  auto own = import_hooks::resolve(json::parse(std::string(R"({"filter":)") + block + "}"), json::parse("{}"), {},
                                   scripts);
  BOOST_REQUIRE(own);
  BOOST_TEST(own->input_filter->function == "keep");
  auto records = three_records();
  std::vector<record_outcome> outcomes(3);
  std::vector<std::size_t> in_play{0, 1, 2};
  auto answer = returned_answer(R"([true, 0, "yes"])");
  apply_import_hook(import_hook::input_filter, answer, in_play, records, nullptr, outcomes, 5);
  BOOST_TEST((outcomes[0].what == record_outcome::kind::pending));
  BOOST_TEST((outcomes[1].what == record_outcome::kind::filtered));
  BOOST_TEST((outcomes[2].what == record_outcome::kind::pending));
  auto short_answer = returned_answer("[true]");
  std::vector<record_outcome> fresh(3);
  apply_import_hook(import_hook::input_filter, short_answer, in_play, records, nullptr, fresh, 5);
  BOOST_TEST((fresh[2].what == record_outcome::kind::failed));
  BOOST_TEST(std::string(fresh[2].source) == "input_filter");
}

BOOST_AUTO_TEST_CASE(pre_map_edits_ignores_and_fails_records) {
  auto records = three_records();
  std::vector<record_outcome> outcomes(3);
  std::vector<std::size_t> in_play{0, 1, 2};
  auto answer = returned_answer(R"([{"data":{"id":1,"x":true}},{},{"errors":[{"code":"bad","message":"no"}]}])");
  auto logged = apply_import_hook(import_hook::pre_map, answer, in_play, records, nullptr, outcomes, 5);
  BOOST_TEST(logged.empty());
  BOOST_TEST(records[0].at("x").as_bool());
  BOOST_TEST((outcomes[0].what == record_outcome::kind::pending));
  BOOST_TEST((outcomes[1].what == record_outcome::kind::ignored));
  BOOST_TEST((outcomes[2].what == record_outcome::kind::failed));
  BOOST_TEST(outcomes[2].code == "bad");
  BOOST_TEST(std::string(outcomes[2].source) == "pre_map_hook");
  // Data and errors: processed, and the errors logged.
  auto both = returned_answer(R"([{"data":{"id":9},"errors":["note"]}])");
  std::vector<std::size_t> one{0};
  auto notes = apply_import_hook(import_hook::pre_map, both, one, records, nullptr, outcomes, 5);
  BOOST_REQUIRE_EQUAL(notes.size(), 1u);
  BOOST_TEST(notes[0].message == "note");
  BOOST_TEST(records[0].at("id").as_int64() == 9);
}

BOOST_AUTO_TEST_CASE(a_wrong_answer_or_a_failed_call_fails_every_record_in_play) {
  for (auto answer : {returned_answer(R"([{"data":{}}])"), returned_answer("{}"), returned_answer("not json"),
                      failed_answer("script_timeout", "ran too long")}) {
    auto records = three_records();
    std::vector<record_outcome> outcomes(3);
    std::vector<std::size_t> in_play{0, 2};
    apply_import_hook(import_hook::post_map, answer, in_play, records, nullptr, outcomes, 5);
    BOOST_TEST((outcomes[0].what == record_outcome::kind::failed));
    BOOST_TEST((outcomes[1].what == record_outcome::kind::pending));  // not given to the hook
    BOOST_TEST((outcomes[2].what == record_outcome::kind::failed));
    BOOST_TEST(outcomes[0].message.find("postMap failed") != std::string::npos, outcomes[0].message);
  }
}

BOOST_AUTO_TEST_CASE(post_submit_edits_the_responses) {
  auto records = three_records();
  std::vector<record_outcome> outcomes(3);
  for (auto& o : outcomes) {
    o.what = record_outcome::kind::succeeded;
    o.status_code = 200;
  }
  outcomes[1].what = record_outcome::kind::failed;
  outcomes[1].code = "http_422";
  auto in_play = records_in_play(import_hook::post_submit, outcomes, 3);
  BOOST_TEST(in_play.size() == 3u);
  auto answer = returned_answer(R"([{"statusCode":200,"id":"a1"},{"statusCode":200,"errors":[]},
                             {"statusCode":422,"errors":[{"code":"late","message":"refused"}]}])");
  apply_import_hook(import_hook::post_submit, answer, in_play, records, nullptr, outcomes, 5);
  BOOST_TEST(outcomes[0].id == "a1");
  BOOST_TEST((outcomes[1].what == record_outcome::kind::succeeded));  // the hook cleared its error
  BOOST_TEST((outcomes[2].what == record_outcome::kind::failed));
  BOOST_TEST(std::string(outcomes[2].source) == "post_submit_hook");
}

BOOST_AUTO_TEST_CASE(options_carry_the_records_in_play) {
  flow_plan plan;
  plan.flow_id = "f1";
  import_step step;
  step.import_id = "i1";
  user_function fn;
  fn.function = "postMap";
  fn.configuration = json::parse(R"({"k":1})");
  step.hooks.post_map = std::make_shared<const user_function>(fn);
  auto records = three_records();
  mapped_page mapped;
  mapped.mapped = {json::parse(R"({"m":1})"), json::parse(R"({"m":2})"), json::parse(R"({"m":3})")};
  std::vector<record_outcome> outcomes(3);
  auto o = json::parse(import_hook_options(import_hook::post_map, plan, step, {0, 2}, records, &mapped, outcomes));
  BOOST_TEST(o.at("preMapData").as_array().size() == 2u);
  BOOST_TEST(o.at("postMapData").as_array()[1].at("m").as_int64() == 3);
  BOOST_TEST(o.at("_importId").as_string() == "i1");
  BOOST_TEST(o.at("configuration").at("k").as_int64() == 1);
}

BOOST_AUTO_TEST_SUITE_END()
