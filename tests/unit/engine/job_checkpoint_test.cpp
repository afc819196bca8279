#include "core/engine/job_checkpoint.hpp"

#include <boost/test/unit_test.hpp>

#include "core/engine/flow_plan.hpp"
#include "core/json/record_page.hpp"

using namespace integrator;

namespace {

resume_point at_page(std::int64_t pages, std::int64_t skip = 0) {
  resume_point p;
  p.position = R"({"page":)" + std::to_string(pages) + "}";
  p.skip = skip;
  p.pages = pages;
  return p;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(job_checkpoint_test)

BOOST_AUTO_TEST_CASE(a_generator_goes_on_after_its_last_page_through_the_whole_flow) {
  checkpoint_tracker t(2, 100);
  t.started(0);
  t.page_made(page_origin(0, 1), at_page(1));
  t.page_made(page_origin(0, 2), at_page(2, 3));
  t.page_made(page_origin(1, 1), at_page(1));
  BOOST_TEST(t.generators()[0].at.pages == 0);  // nothing through yet
  t.page_through(page_origin(0, 1));
  BOOST_TEST(t.generators()[0].at.pages == 1);
  BOOST_TEST(t.generators()[1].at.pages == 0);
  t.page_through(page_origin(0, 2));
  BOOST_TEST(t.generators()[0].at.pages == 2);
  BOOST_TEST(t.generators()[0].at.skip == 3);
  BOOST_TEST(t.generators()[0].started);
  BOOST_TEST(!t.generators()[1].started);
}

BOOST_AUTO_TEST_CASE(pages_through_out_of_order_move_the_generator_on_only_without_a_gap) {
  checkpoint_tracker t(1, 100);
  for (std::int64_t n = 1; n <= 3; ++n)
    t.page_made(page_origin(0, static_cast<std::uint64_t>(n)), at_page(n));
  t.page_through(page_origin(0, 2));  // page 1 is still on its way
  BOOST_TEST(t.generators()[0].at.pages == 0);
  BOOST_TEST(!t.is_through(page_origin(0, 2)));
  t.page_through(page_origin(0, 1));
  BOOST_TEST(t.generators()[0].at.pages == 2);
  BOOST_TEST(t.is_through(page_origin(0, 2)));
  BOOST_TEST(!t.is_through(page_origin(0, 3)));
}

BOOST_AUTO_TEST_CASE(a_page_through_before_its_report_came_still_counts) {
  checkpoint_tracker t(1, 100);
  t.page_through(page_origin(0, 1));
  t.page_made(page_origin(0, 1), at_page(1));
  BOOST_TEST(t.generators()[0].at.pages == 1);
}

BOOST_AUTO_TEST_CASE(a_generator_is_done_only_once_its_last_page_is_through) {
  checkpoint_tracker t(1, 100);
  t.page_made(page_origin(0, 1), at_page(1));
  t.generator_done(0);
  BOOST_TEST(!t.generators()[0].at.done);
  t.page_through(page_origin(0, 1));
  BOOST_TEST(t.generators()[0].at.done);
  checkpoint_tracker empty(1, 100);
  empty.generator_done(0);  // no page at all
  BOOST_TEST(empty.generators()[0].at.done);
}

// The credit of pages through goes back at once up to `lag` pages past the
// last durable write; beyond, it waits for the next one.
BOOST_AUTO_TEST_CASE(credit_waits_when_lag_pages_came_through_since_the_last_durable_write) {
  checkpoint_tracker t(1, 2);
  BOOST_TEST(t.page_through(page_origin(0, 1)));
  BOOST_TEST(!t.behind());
  BOOST_TEST(t.page_through(page_origin(0, 2)));
  BOOST_TEST(t.behind());
  BOOST_TEST(!t.page_through(page_origin(0, 3)));
  BOOST_TEST(!t.page_through(page_origin(0, 4)));
  t.taken();  // holds pages 1…4
  BOOST_TEST(!t.behind());
  BOOST_TEST(!t.page_through(page_origin(0, 5)));
  BOOST_TEST(t.written() == 3);  // 3, 4 and 5 (5 <= 4 + 2)
  BOOST_TEST(t.page_through(page_origin(0, 6)));
  BOOST_TEST(!t.page_through(page_origin(0, 7)));
  BOOST_TEST(t.written() == 0);  // nothing new was durable
  t.taken();
  BOOST_TEST(t.written() == 1);
}

BOOST_AUTO_TEST_CASE(a_checkpoint_reads_back_as_it_was_written) {
  job_checkpoint c;
  c.spec_digest = "0123456789abcdef";
  c.plan_now = 1700000000000;
  c.generators.resize(2);
  c.generators[0].started = true;
  c.generators[0].at = at_page(7, 2);
  c.generators[0].at.kept = 140;
  c.generators[1].at.done = true;
  c.steps = {R"({"_id":"s1"})", R"({"_id":"s2"})"};
  auto back = job_checkpoint::from_json(c.to_json());
  BOOST_REQUIRE(back);
  BOOST_TEST(back->spec_digest == c.spec_digest);
  BOOST_TEST(back->plan_now == c.plan_now);
  BOOST_REQUIRE(back->generators.size() == 2u);
  BOOST_TEST(back->generators[0].started);
  BOOST_TEST(back->generators[0].at.position == c.generators[0].at.position);
  BOOST_TEST(back->generators[0].at.skip == 2);
  BOOST_TEST(back->generators[0].at.kept == 140);
  BOOST_TEST(back->generators[0].at.pages == 7);
  BOOST_TEST(!back->generators[0].at.done);
  BOOST_TEST(back->generators[1].at.done);
  BOOST_TEST(back->steps == c.steps);
  BOOST_TEST(!job_checkpoint::from_json("not json"));
}

BOOST_AUTO_TEST_CASE(the_spec_digest_changes_with_any_document) {
  job_spec a;
  a.flow = R"({"_id":"f"})";
  a.exports = {{"e", R"({"_id":"e"})"}};
  auto b = a;
  BOOST_TEST(spec_digest(a) == spec_digest(b));
  b.exports[0].second = R"({"_id":"e","x":1})";
  BOOST_TEST(spec_digest(a) != spec_digest(b));
  auto c = a;
  c.connections = {{"c", "{}"}};
  BOOST_TEST(spec_digest(a) != spec_digest(c));
  auto d = a;
  d.marks = {{"e", 5}};
  BOOST_TEST(spec_digest(a) != spec_digest(d));
}

BOOST_AUTO_TEST_SUITE_END()
