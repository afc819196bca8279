// job_store over a real store: canceling a queued job, failing a job with
// its open children.
#include "core/engine/job_store.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "core/resources/key_codec.hpp"
#include "core/util/object_id.hpp"
#include "tests/storage/jobs_fixture.hpp"

using namespace integrator;
using namespace integrator::test;


BOOST_FIXTURE_TEST_SUITE(job_store_test, jobs_fixture)

BOOST_AUTO_TEST_CASE(only_a_queued_job_is_canceled_in_the_store) {
  auto queued = put(acc_a, job_status::queued, 100);
  auto running = put(acc_a, job_status::running, 101);
  BOOST_TEST((jobs.cancel_queued(acc_a, queued.id, t0)->status == job_status::canceled));
  BOOST_TEST((jobs.load(acc_a, queued.id)->status == job_status::canceled));
  BOOST_TEST((jobs.cancel_queued(acc_a, running.id, t0)->status == job_status::running));
  BOOST_TEST(!jobs.cancel_queued(acc_a, "cccccccccccccccccccccccc", t0));
  BOOST_TEST(!jobs.cancel_queued(acc_b, queued.id, t0));  // another account's
}

BOOST_AUTO_TEST_CASE(a_job_over_is_not_failed_again) {
  auto done = put(acc_a, job_status::completed, 100);
  BOOST_TEST(jobs.fail_batch(acc_a, done.id, "late", t0, ids).empty());
  BOOST_TEST(jobs.fail_batch(acc_a, "cccccccccccccccccccccccc", "gone", t0, ids).empty());
}

BOOST_AUTO_TEST_CASE(an_accounts_jobs_come_newest_first_and_only_its_own) {
  auto a1 = put(acc_a, job_status::completed, 100);
  auto a2 = put(acc_a, job_status::completed, 200);
  put(acc_b, job_status::completed, 300);
  auto list = jobs.newest_first(acc_a);
  BOOST_REQUIRE(list.size() == 2u);
  BOOST_TEST(list[0].id == a2.id);
  BOOST_TEST(list[1].id == a1.id);
}

BOOST_AUTO_TEST_SUITE_END()
