// A job and its stages end to end, deterministically: a run to the end, a
// cancel (before the job has loaded, and while it runs), a crashed stage,
// a crashed job, whose flow ends it and goes on with the next, and a job
// stopped midway (as a kill would), resumed from its checkpoint.
#include "actors/job_runner.hpp"

#include "tests/support/test_http_server.hpp"

#define CAF_SUITE job_runner
#include <caf/test/dsl.hpp>

#include "actors/flow_runner.hpp"
#include "core/engine/job_recovery.hpp"

#include <map>
#include "tests/actors/dsl/engine_fixture.hpp"

using namespace integrator;
using namespace integrator::test;

namespace {

struct job_fixture : engine_fixture {
  /// A flow actor for the jobs to report to (and, with no engine, to idle
  /// into nothing).
  flow_actor flow_runner = keep(spawn_flow(spawner(), store, engine_actor{}, account, "f"));

  job_actor start(const std::string& flow_id, const std::string& job_id) {
    return keep(spawn_job(spawner(), store, account, flow_id, job_id, flow_runner));
  }

  /// The actor that sent the next message waiting in `to`'s mailbox.
  template <class Handle>
  caf::actor sender_of_next(const Handle& to) {
    auto* e = caf::actor_cast<caf::abstract_actor*>(to)->peek_at_next_mailbox_element();
    return e ? caf::actor_cast<caf::actor>(e->sender) : caf::actor{};
  }

  /// Starts job `job_id`, stops it (with its stages) as a kill would once
  /// the sink `sink` holds `delivered` records, and has it recovered as a
  /// start of integratord would: it is left running, with its checkpoint.
  void start_then_stop(const std::string& flow_id, const std::string& job_id, const std::string& sink,
                       std::size_t delivered) {
    auto job = start(flow_id, job_id);
    run_until([&] { return peer.sink(sink).size() >= delivered; });
    caf::anon_send_exit(job, caf::exit_reason::user_shutdown);  // it quits, writing nothing more
    run();
    CAF_REQUIRE(stored_job(job_id).status == job_status::running);
    auto r = recover_jobs(*ts.store, wall_clock_ms(), ids);
    CAF_REQUIRE_EQUAL(r.queued.size(), 1u);
    // A new spawner, as after a restart (the old one has run messages
    // since, and spawning from outside its turn is only safe before).
    caf::anon_send_exit(parent, caf::exit_reason::user_shutdown);
    parent = sys.spawn(ignoring_parent, spawn_tag{});
  }

  /// Job `job_id` has `steps` step jobs, each completed.
  void check_steps_completed(const std::string& job_id, std::size_t steps) {
    std::size_t children = 0;
    job_store(*ts.store).for_children(account, job_id, [&](job_doc child) {
      ++children;
      CAF_CHECK(child.status == job_status::completed);
    });
    CAF_CHECK_EQUAL(children, steps);
  }

  /// Runs until the next message for `to` is a stage report.
  template <class Handle>
  void run_until_report_for(const Handle& to) {
    run_until([&] {
      auto* e = caf::actor_cast<caf::abstract_actor*>(to)->peek_at_next_mailbox_element();
      return e && e->content().template match_element<report_atom>(0);
    });
  }
};

}  // namespace

CAF_TEST_FIXTURE_SCOPE(job_runner_tests, job_fixture)

CAF_TEST(a_job_runs_its_stages_to_the_end_and_keeps_the_books) {
  auto flow_id = flow(25, 10, "all");
  auto job_id = queue_run(flow_id);
  start(flow_id, job_id);
  run();
  auto job = stored_job(job_id);
  CAF_CHECK(job.status == job_status::completed);
  CAF_CHECK_EQUAL(job.counts.num_export, 25);
  CAF_CHECK_EQUAL(job.counts.num_success, 25);
  CAF_CHECK_EQUAL(job.counts.num_pages_generated, 3);
  CAF_CHECK_EQUAL(job.counts.num_pages_processed, 3);
  CAF_CHECK_EQUAL(peer.sink("all").size(), 25u);
  check_steps_completed(job_id, 2);
}

CAF_TEST(a_cancel_before_the_job_has_loaded_ends_it_without_running) {
  auto flow_id = flow(25, 10, "never");
  auto job_id = queue_run(flow_id);
  auto job = start(flow_id, job_id);
  auto answer = self->request(job, caf::infinite, cancel_atom::value);
  run();
  answer.receive([](api_reply& r) { CAF_CHECK(r.body.find("\"status\":\"canceling\"") != std::string::npos); },
                 [](caf::error& e) { CAF_FAIL("no answer: " << caf::to_string(e)); });
  CAF_CHECK(stored_job(job_id).status == job_status::canceled);
  CAF_CHECK_EQUAL(peer.hits("/source"), 0);
  CAF_CHECK(peer.sink("never").empty());
}

// The engine forgets an idle flow while the flow's store call for a cancel
// is still out: the caller still gets its answer.
CAF_TEST(a_cancel_still_answers_when_its_flow_is_forgotten_meanwhile) {
  auto flow_id = flow(25, 10, "forgotten");
  auto job_id = queue_run(flow_id);
  auto runner = keep(spawn_flow(spawner(), store, engine_actor{}, account, flow_id));
  auto answer = self->request(runner, caf::infinite, cancel_atom::value, job_id);
  self->send(runner, idle_atom::value);  // as the engine, once the flow said it was idle
  run();
  // Before: the flow quit at once and its caller waited for ever.
  CAF_REQUIRE(!self->mailbox().empty());
  answer.receive([](api_reply& r) { CAF_CHECK(r.status == api_status::ok); },
                 [](caf::error& e) { CAF_FAIL("no answer: " << caf::to_string(e)); });
  CAF_CHECK(stored_job(job_id).status == job_status::canceled);
}

CAF_TEST(a_cancel_stops_the_generators_and_ends_the_job_canceled) {
  auto flow_id = flow(200, 10, "some");
  auto job_id = queue_run(flow_id);
  auto job = start(flow_id, job_id);
  run_until_report_for(job);  // the stages are running
  auto answer = self->request(job, caf::infinite, cancel_atom::value);
  run();
  answer.receive([](api_reply& r) { CAF_CHECK(r.status == api_status::ok); },
                 [](caf::error& e) { CAF_FAIL("no answer: " << caf::to_string(e)); });
  auto stored = stored_job(job_id);
  CAF_CHECK(stored.status == job_status::canceled);
  CAF_CHECK_LESS(peer.hits("/source/page"), 21);
  CAF_CHECK_LESS(peer.sink("some").size(), 200u);
}

CAF_TEST(a_crashed_stage_fails_its_job) {
  auto flow_id = flow(200, 10, "crash");
  auto job_id = queue_run(flow_id);
  auto job = start(flow_id, job_id);
  run_until_report_for(job);
  auto stage = sender_of_next(job);
  CAF_REQUIRE(stage);
  caf::anon_send_exit(stage, caf::exit_reason::unhandled_exception);  // as a throw would
  run();
  CAF_CHECK(stored_job(job_id).status == job_status::failed);
  auto codes = error_codes(job_id);
  CAF_CHECK(std::find(codes.begin(), codes.end(), "step_crashed") != codes.end());
}

CAF_TEST(a_crashed_job_is_ended_failed_by_its_flow_which_runs_the_next) {
  auto flow_id = flow(30, 10, "after");
  auto first = queue_run(flow_id);
  auto second = queue_run(flow_id);
  auto runner = keep(spawn_flow(spawner(), store, engine_actor{}, account, flow_id));
  caf::anon_send(runner, run_atom::value, first);
  caf::anon_send(runner, run_atom::value, second);
  run_until([&] { return peer.hits("/source/page") > 0; });
  caf::anon_send(runner, crash_atom::value);
  run();
  CAF_CHECK(stored_job(first).status == job_status::failed);
  auto codes = error_codes(first);
  CAF_CHECK(std::find(codes.begin(), codes.end(), "job_failed") != codes.end());
  CAF_CHECK(stored_job(second).status == job_status::completed);
}

CAF_TEST(a_job_stopped_midway_resumes_from_its_checkpoint) {
  auto flow_id = flow(200, 10, "resumed");
  auto job_id = queue_run(flow_id);
  start_then_stop(flow_id, job_id, "resumed", 150);
  auto before = peer.sink("resumed").size();
  start(flow_id, job_id);
  run();
  auto job = stored_job(job_id);
  CAF_CHECK(job.status == job_status::completed);
  CAF_CHECK_EQUAL(job.interruptions, 1);
  std::map<std::string, int> times;
  for (const auto& e : peer.sink("resumed"))
    ++times[boost::json::serialize(e.record.at("id"))];
  CAF_CHECK_EQUAL(times.size(), 200u);  // every record arrived
  auto resent = static_cast<std::int64_t>(peer.sink("resumed").size()) - 200;
  CAF_MESSAGE("stopped after " << before << " deliveries; " << resent << " sent again, at most "
                               << job.possibly_resent << " said");
  CAF_CHECK_GREATER(job.possibly_resent, 0);
  CAF_CHECK_LESS_OR_EQUAL(resent, job.possibly_resent);
  // Past the checkpoint lag (8 pages here), the job waits for a durable
  // write: the resumed job did not start over, nor read the source again
  // from its start.
  CAF_CHECK_LESS(resent, 150);
  CAF_CHECK_LESS(peer.hits("/source/page"), 21 + 15);
  CAF_CHECK_LESS_OR_EQUAL(std::llabs(job.counts.num_success - static_cast<std::int64_t>(peer.sink("resumed").size())),
                          job.possibly_resent);
  CAF_CHECK(!ts.store->get(keys::job_checkpoints_space, keys::resource(account, job_id)));
  check_steps_completed(job_id, 2);
}

CAF_TEST(a_job_whose_flow_changed_meanwhile_fails_saying_it_cannot_resume) {
  auto flow_id = flow(200, 10, "changed");
  auto job_id = queue_run(flow_id);
  start_then_stop(flow_id, job_id, "changed", 60);
  api_call c;
  c.op = api_op::patch;
  c.kind = resource_kind::flow;
  c.id = flow_id;
  c.body = R"([{"op":"replace","path":"/name","value":"G"}])";
  principal who;
  who.account_id = account;
  CAF_REQUIRE(run_store_operation(ctx, who, c, wall_clock_ms()).status == api_status::no_content);
  auto delivered = peer.sink("changed").size();
  start(flow_id, job_id);
  run();
  auto job = stored_job(job_id);
  CAF_CHECK(job.status == job_status::failed);
  CAF_CHECK_EQUAL(peer.sink("changed").size(), delivered);
  std::string message;
  ts.store->scan(keys::job_errors_space, keys::job_errors_prefix(account, job_id),
                 [&](std::string_view, std::string_view value) {
                   message = std::string(boost::json::parse(value).at("message").as_string());
                   return true;
                 });
  CAF_CHECK(message.find("cannot resume: the flow, or one of its exports, imports or connections, changed")
            != std::string::npos);
}

CAF_TEST_FIXTURE_SCOPE_END()
