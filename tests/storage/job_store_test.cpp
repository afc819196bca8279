// job_store over a real store: what a restart finds, canceling a queued
// job, failing a job with its open children.
#include "core/engine/job_store.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "core/resources/key_codec.hpp"
#include "core/util/object_id.hpp"
#include "tests/storage/temp_store.hpp"

using namespace integrator;

namespace {

constexpr std::int64_t t0 = 1700000000000;
const std::string acc_a = "aaaaaaaaaaaaaaaaaaaaaaaa";
const std::string acc_b = "bbbbbbbbbbbbbbbbbbbbbbbb";

struct jobs_fixture {
  test::temp_store ts;
  object_id_generator ids{{1, 2, 3, 4, 5}, 0};
  job_store jobs{*ts.store};

  job_doc put(const std::string& account, job_status status, std::uint32_t second,
              const std::string& type = "flow", const std::string& parent = "") {
    job_doc j;
    j.id = ids.next(second);
    j.type = type;
    j.flow_id = "ffffffffffffffffffffffff";
    j.flow_job_id = parent;
    j.status = status;
    j.created_at = std::int64_t{second} * 1000;
    write_batch b;
    job_store::put(b, account, j);
    ts.store->write(b);
    return j;
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(job_store_test, jobs_fixture)

BOOST_AUTO_TEST_CASE(a_restart_fails_interrupted_jobs_and_runs_queued_ones_oldest_first) {
  auto later = put(acc_a, job_status::queued, 300);
  auto earlier = put(acc_b, job_status::queued, 100);
  auto running = put(acc_a, job_status::running, 200);
  auto child = put(acc_a, job_status::running, 201, "import", running.id);
  auto done = put(acc_a, job_status::completed, 50);
  auto queued = jobs.recover(t0, ids);
  BOOST_REQUIRE(queued.size() == 2u);
  BOOST_TEST(queued[0].job_id == earlier.id);
  BOOST_TEST(queued[0].account == acc_b);
  BOOST_TEST(queued[1].job_id == later.id);
  auto failed = jobs.load(acc_a, running.id);
  BOOST_TEST((failed->status == job_status::failed));
  BOOST_TEST(failed->counts.num_error == 1);
  BOOST_TEST((jobs.load(acc_a, child.id)->status == job_status::failed));
  BOOST_TEST((jobs.load(acc_a, done.id)->status == job_status::completed));
  // Its job error says why.
  bool found = false;
  ts.store->scan(keys::job_errors_space, keys::job_errors_prefix(acc_a, running.id),
                 [&](std::string_view, std::string_view value) {
                   found = value.find("interrupted by shutdown") != std::string_view::npos;
                   return true;
                 });
  BOOST_TEST(found);
}

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
