// What a start does with the jobs a previous run left: a clean stop's
// jobs are not counted as crashes; a crash fails the jobs it interrupted,
// unless they can resume from a checkpoint (the first time);
// a flow whose runs were interrupted by two crashes in a row is disabled
// and its queued runs canceled, so it cannot crash the server again.
#include "core/engine/job_recovery.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "core/resources/key_codec.hpp"
#include "tests/storage/jobs_fixture.hpp"

using namespace integrator;
using namespace integrator::test;
namespace json = boost::json;

namespace {

const std::string flow_g = "999999999999999999999999";

struct recovery_fixture : jobs_fixture {
  recovery_fixture() {
    for (const auto& flow : {flow_f, flow_g}) {
      write_batch b;
      b.put(keys::space_of(resource_kind::flow), keys::resource(acc_a, flow),
            R"({"_id":")" + flow + R"(","name":"F","disabled":false})");
      ts.store->write(b);
    }
  }
  bool disabled(const std::string& flow) {
    auto text = ts.store->get(keys::space_of(resource_kind::flow), keys::resource(acc_a, flow));
    return json::parse(*text).at("disabled").as_bool();
  }
  void checkpoint(const std::string& account, const std::string& job) {
    write_batch b;
    b.put(keys::job_checkpoints_space, keys::resource(account, job), R"({"spec":"x","generators":[]})");
    ts.store->write(b);
  }
  bool has_checkpoint(const std::string& account, const std::string& job) {
    return ts.store->get(keys::job_checkpoints_space, keys::resource(account, job)).has_value();
  }
  std::string error_of(const std::string& account, const std::string& job) {
    std::string message;
    ts.store->scan(keys::job_errors_space, keys::job_errors_prefix(account, job),
                   [&](std::string_view, std::string_view value) {
                     message = std::string(json::parse(value).at("message").as_string());
                     return true;
                   });
    return message;
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(job_recovery_test, recovery_fixture)

BOOST_AUTO_TEST_CASE(a_crash_fails_the_jobs_it_interrupted_and_queued_ones_run_oldest_first) {
  auto later = put(acc_a, job_status::queued, 300);
  auto earlier = put(acc_b, job_status::queued, 100);
  auto running = put(acc_a, job_status::running, 200);
  auto child = put(acc_a, job_status::running, 201, "import", running.id);
  auto done = put(acc_a, job_status::completed, 50);
  auto r = recover_jobs(*ts.store, t0, ids);
  BOOST_REQUIRE(r.queued.size() == 2u);
  BOOST_TEST(r.queued[0].job_id == earlier.id);
  BOOST_TEST(r.queued[0].account == acc_b);
  BOOST_TEST(r.queued[1].job_id == later.id);
  BOOST_TEST(r.notices.empty());
  auto failed = jobs.load(acc_a, running.id);
  BOOST_TEST((failed->status == job_status::failed));
  BOOST_TEST(failed->counts.num_error == 1);
  BOOST_TEST(failed->interruptions == 1);
  BOOST_TEST((jobs.load(acc_a, child.id)->status == job_status::failed));
  BOOST_TEST((jobs.load(acc_a, done.id)->status == job_status::completed));
  BOOST_TEST(error_of(acc_a, running.id).find("stopped unexpectedly") != std::string::npos);
  BOOST_TEST(!disabled(flow_f));
}

BOOST_AUTO_TEST_CASE(a_clean_stop_is_not_a_crash) {
  auto first = put(acc_a, job_status::running, 100);
  end_interrupted_jobs(*ts.store, t0, ids);
  BOOST_TEST((jobs.load(acc_a, first.id)->status == job_status::failed));
  BOOST_TEST(jobs.load(acc_a, first.id)->interruptions == 0);
  BOOST_TEST(error_of(acc_a, first.id) == "interrupted by shutdown");
  // The next run of the flow is then interrupted by a crash: one, not two.
  auto second = put(acc_a, job_status::running, 200);
  auto r = recover_jobs(*ts.store, t0, ids);
  BOOST_TEST(r.notices.empty());
  BOOST_TEST(jobs.load(acc_a, second.id)->interruptions == 1);
  BOOST_TEST(!disabled(flow_f));
}

// A flow run with a checkpoint is left running by a clean stop and resumes
// at the next start, without counting an interruption.
BOOST_AUTO_TEST_CASE(a_run_stopped_cleanly_resumes_without_counting_an_interruption) {
  auto run = put(acc_a, job_status::running, 100);
  checkpoint(acc_a, run.id);
  end_interrupted_jobs(*ts.store, t0, ids);
  BOOST_TEST((jobs.load(acc_a, run.id)->status == job_status::running));
  auto r = recover_jobs(*ts.store, t0, ids);
  BOOST_REQUIRE(r.queued.size() == 1u);
  BOOST_TEST(r.queued[0].job_id == run.id);
  BOOST_TEST(r.notices.empty());
  BOOST_TEST(jobs.load(acc_a, run.id)->interruptions == 0);
  // A crash right after that start (before the job wrote again) is one.
  auto again = recover_jobs(*ts.store, t0, ids);
  BOOST_TEST(again.queued.size() == 1u);
  BOOST_TEST(jobs.load(acc_a, run.id)->interruptions == 1);
  BOOST_TEST(!disabled(flow_f));
}

BOOST_AUTO_TEST_CASE(a_flow_running_during_two_crashes_in_a_row_is_disabled) {
  auto first = put(acc_a, job_status::running, 100);
  auto bystander_done = put(acc_a, job_status::completed, 101, "flow", "", flow_g);
  recover_jobs(*ts.store, t0, ids);
  // The next run of F crashes the server too; G's run was running then,
  // but G's previous run ended normally.
  auto second = put(acc_a, job_status::running, 200);
  auto bystander = put(acc_a, job_status::running, 201, "flow", "", flow_g);
  auto waiting = put(acc_a, job_status::queued, 202);
  auto other_waiting = put(acc_a, job_status::queued, 203, "flow", "", flow_g);
  auto r = recover_jobs(*ts.store, t0, ids);
  BOOST_TEST(disabled(flow_f));
  BOOST_TEST(!disabled(flow_g));
  BOOST_REQUIRE_EQUAL(r.notices.size(), 1u);
  BOOST_TEST(r.notices[0].find(flow_f) != std::string::npos);
  BOOST_TEST(error_of(acc_a, second.id).find("the flow is disabled") != std::string::npos);
  BOOST_TEST(error_of(acc_a, bystander.id).find("disabled") == std::string::npos);
  // F's queued run is canceled; G's runs.
  BOOST_REQUIRE_EQUAL(r.queued.size(), 1u);
  BOOST_TEST(r.queued[0].job_id == other_waiting.id);
  BOOST_TEST((jobs.load(acc_a, waiting.id)->status == job_status::canceled));
  BOOST_TEST((jobs.load(acc_a, bystander_done.id)->status == job_status::completed));
  BOOST_TEST(first.id < second.id);
}

BOOST_AUTO_TEST_CASE(a_job_with_a_checkpoint_resumes_once_and_a_second_crash_fails_it) {
  auto running = put(acc_a, job_status::running, 200);
  auto queued = put(acc_a, job_status::queued, 300);
  checkpoint(acc_a, running.id);
  auto r = recover_jobs(*ts.store, t0, ids);
  // Resumed first: it is older than the queued run.
  BOOST_REQUIRE(r.queued.size() == 2u);
  BOOST_TEST(r.queued[0].job_id == running.id);
  BOOST_TEST(r.queued[1].job_id == queued.id);
  auto resumed = jobs.load(acc_a, running.id);
  BOOST_TEST((resumed->status == job_status::running));
  BOOST_TEST(resumed->interruptions == 1);
  BOOST_TEST(has_checkpoint(acc_a, running.id));
  BOOST_REQUIRE(r.notices.size() == 1u);
  BOOST_TEST(r.notices[0].find("resumes") != std::string::npos);
  // Interrupted again while resumed: it fails, its checkpoint goes, the
  // flow is disabled and its queued run canceled.
  auto again = recover_jobs(*ts.store, t0 + 1000, ids);
  BOOST_TEST(again.queued.empty());
  BOOST_TEST((jobs.load(acc_a, running.id)->status == job_status::failed));
  BOOST_TEST(jobs.load(acc_a, running.id)->interruptions == 2);
  BOOST_TEST(!has_checkpoint(acc_a, running.id));
  BOOST_TEST(disabled(flow_f));
  BOOST_TEST((jobs.load(acc_a, queued.id)->status == job_status::canceled));
}

BOOST_AUTO_TEST_CASE(a_retry_or_a_job_without_a_checkpoint_does_not_resume) {
  auto plain = put(acc_a, job_status::running, 200);
  auto r = recover_jobs(*ts.store, t0, ids);
  BOOST_TEST(r.queued.empty());
  BOOST_TEST((jobs.load(acc_a, plain.id)->status == job_status::failed));
  auto retry = put(acc_b, job_status::running, 300, "retry");
  checkpoint(acc_b, retry.id);
  r = recover_jobs(*ts.store, t0, ids);
  BOOST_TEST(r.queued.empty());
  BOOST_TEST((jobs.load(acc_b, retry.id)->status == job_status::failed));
  BOOST_TEST(!has_checkpoint(acc_b, retry.id));
}

// A run interrupted once that then completed ended well: the next run's
// interruption is a first one, and it resumes.
BOOST_AUTO_TEST_CASE(an_interrupted_run_that_completed_does_not_count_towards_a_crash_loop) {
  auto first = put(acc_a, job_status::completed, 100);
  first.interruptions = 1;
  write_batch b;
  job_store::put(b, acc_a, first);
  ts.store->write(b);
  auto second = put(acc_a, job_status::running, 200);
  checkpoint(acc_a, second.id);
  auto r = recover_jobs(*ts.store, t0, ids);
  BOOST_REQUIRE(r.queued.size() == 1u);
  BOOST_TEST(r.queued[0].job_id == second.id);
  BOOST_TEST(!disabled(flow_f));
}

BOOST_AUTO_TEST_SUITE_END()
