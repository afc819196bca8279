#include "core/engine/job_ledger.hpp"

#include "tests/support/why_not.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>

#include "core/resources/key_codec.hpp"

using namespace integrator;
using integrator::test::why_not;

namespace {

const std::string account = "aaaaaaaaaaaaaaaaaaaaaaaa";
constexpr std::int64_t t0 = 1700000000000;

// One delta export into two imports, on one connection.
job_spec spec_of_flow() {
  job_spec spec;
  spec.flow = R"({"_id":"f","pageGenerators":[{"_exportId":"e1"}],
                  "pageProcessors":[{"type":"import","_importId":"i1"},{"type":"import","_importId":"i2"}]})";
  spec.connections = {{"c", R"({"_id":"c","type":"http","http":{"baseURI":"http://127.0.0.1:9"}})"}};
  spec.exports = {{"e1", R"({"_id":"e1","_connectionId":"c","adaptorType":"HTTPExport","type":"delta",
                             "http":{"relativeURI":"/x?since={{lastExportDateTime}}"}})"}};
  const char* import = R"({"_connectionId":"c","adaptorType":"HTTPImport","http":{"method":["POST"],"relativeURI":["/y"]}})";
  spec.imports = {{"i1", import}, {"i2", import}};
  return spec;
}

flow_plan plan_of(const job_doc& job) {
  std::size_t first = 0;
  auto plan = flow_plan::for_job(spec_of_flow(), job, t0, first);
  BOOST_REQUIRE_MESSAGE(plan, why_not(plan));
  return std::move(*plan);
}

job_doc queued_job(const std::string& type = "flow") {
  job_doc j;
  j.id = "jjjjjjjjjjjjjjjjjjjjjjjj";
  j.type = type;
  j.flow_id = "f";
  j.status = job_status::queued;
  return j;
}

job_ledger ledger_of(const job_doc& job) {
  return job_ledger(account, job, object_id_generator({1, 2, 3, 4, 5}, 0));
}

stage_report report(std::int32_t step, job_counts counts) {
  stage_report r;
  r.step = step;
  r.counts = counts;
  return r;
}

job_counts counts(std::int64_t exported, std::int64_t success, std::int64_t pages_processed = 0) {
  job_counts c;
  c.num_export = exported;
  c.num_success = success;
  c.num_pages_processed = pages_processed;
  return c;
}

std::size_t puts_in(const write_batch& b, std::string_view space) {
  return static_cast<std::size_t>(std::count_if(b.ops().begin(), b.ops().end(), [&](const auto& op) {
    return op.space == space && !op.erase;
  }));
}

// The checkpoint a write puts, if any.
std::optional<job_checkpoint> checkpoint_in(const write_batch& b) {
  for (const auto& op : b.ops())
    if (op.space == keys::job_checkpoints_space && !op.erase)
      return job_checkpoint::from_json(op.value);
  return std::nullopt;
}

// A flow run launched and keeping a checkpoint.
struct checkpointed_run {
  job_doc job = queued_job();
  flow_plan plan = plan_of(job);
  job_ledger ledger = ledger_of(job);
  bool due = false;  ///< page_through's errors_due

  checkpointed_run() {
    ledger.launch(plan, 0, t0);
    ledger.keep_checkpoint("digest", t0, plan.generators.size(), 4);
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(job_ledger_test)

BOOST_AUTO_TEST_CASE(launch_makes_a_step_job_per_generator_and_processor) {
  auto job = queued_job();
  auto plan = plan_of(job);
  auto ledger = ledger_of(job);
  ledger.launch(plan, 0, t0);
  BOOST_TEST((ledger.flow_job().status == job_status::running));
  BOOST_TEST(ledger.steps().size() == 3u);
  BOOST_TEST(ledger.generator_steps() == 1u);
  BOOST_TEST(ledger.steps()[0].export_id == "e1");
  BOOST_TEST((ledger.steps()[0].status == job_status::queued));  // until it starts
  BOOST_TEST((ledger.steps()[1].status == job_status::running));
  BOOST_TEST(ledger.steps()[2].import_id == "i2");
  BOOST_TEST(ledger.steps()[2].flow_job_id == job.id);
  ledger.start_generator(0, t0 + 1);
  BOOST_TEST((ledger.steps()[0].status == job_status::running));
  // Every document goes into the write.
  BOOST_TEST(puts_in(ledger.take_writes(), keys::jobs_space) == 4u);
}

BOOST_AUTO_TEST_CASE(the_flow_job_sums_its_steps_and_counts_pages_at_the_last_one) {
  auto job = queued_job();
  auto ledger = ledger_of(job);
  ledger.launch(plan_of(job), 0, t0);
  ledger.book(report(0, counts(10, 0)), t0);
  ledger.book(report(1, counts(0, 10, 1)), t0);
  ledger.book(report(2, counts(0, 10, 1)), t0);
  BOOST_TEST(ledger.flow_job().counts.num_export == 10);
  BOOST_TEST(ledger.flow_job().counts.num_success == 20);
  BOOST_TEST(ledger.flow_job().counts.num_pages_processed == 1);  // the last step's only
  BOOST_TEST(ledger.steps()[1].counts.num_pages_processed == 1);
}

BOOST_AUTO_TEST_CASE(errors_and_retry_data_go_into_the_next_write_and_are_urgent) {
  auto job = queued_job();
  auto ledger = ledger_of(job);
  ledger.launch(plan_of(job), 0, t0);
  ledger.take_writes();
  auto r = report(1, job_counts{});
  r.counts.num_error = 1;
  job_error_entry e;
  e.retry_data_key = "rrrrrrrrrrrrrrrrrrrrrrrr";
  e.retry_data = R"({"id":1})";
  r.errors.push_back(e);
  auto booked = ledger.book(std::move(r), t0);
  BOOST_TEST(booked.urgent);
  BOOST_TEST(!ledger.book(report(1, counts(0, 1)), t0).urgent);  // counts alone wait
  auto b = ledger.take_writes();
  BOOST_TEST(puts_in(b, keys::job_errors_space) == 1u);
  BOOST_TEST(puts_in(b, keys::retry_data_space) == 1u);
  BOOST_TEST(puts_in(ledger.take_writes(), keys::job_errors_space) == 0u);  // taken once
}

BOOST_AUTO_TEST_CASE(an_exhausted_generator_ends_its_step_failed_when_it_failed) {
  auto job = queued_job();
  auto ledger = ledger_of(job);
  ledger.launch(plan_of(job), 0, t0);
  auto r = report(0, job_counts{});
  r.exhausted = true;
  r.fatal = "500 from the source";
  auto booked = ledger.book(std::move(r), t0 + 5);
  BOOST_TEST(booked.generator_ended);
  BOOST_TEST((ledger.steps()[0].status == job_status::failed));
  BOOST_TEST(ledger.fatal() == "500 from the source");
  BOOST_TEST((ledger.finish(nullptr, t0 + 9) == job_status::failed));
}

BOOST_AUTO_TEST_CASE(a_completed_delta_run_moves_its_mark_in_its_last_write) {
  auto job = queued_job();
  auto plan = plan_of(job);
  auto ledger = ledger_of(job);
  ledger.launch(plan, 0, t0);
  BOOST_TEST((ledger.finish(&plan, t0 + 100) == job_status::completed));
  auto b = ledger.take_writes();
  BOOST_TEST(puts_in(b, keys::export_marks_space) == 1u);
  for (const auto& s : ledger.steps()) {
    BOOST_TEST((s.status == job_status::completed));
    BOOST_TEST(s.ended_at == t0 + 100);
  }
}

BOOST_AUTO_TEST_CASE(a_canceled_run_ends_canceled_and_leaves_the_mark) {
  auto job = queued_job();
  auto plan = plan_of(job);
  auto ledger = ledger_of(job);
  ledger.launch(plan, 0, t0);
  BOOST_TEST(ledger.cancel(t0 + 1));
  BOOST_TEST(!ledger.cancel(t0 + 2));  // once
  BOOST_TEST((ledger.flow_job().status == job_status::canceling));
  BOOST_TEST((ledger.finish(&plan, t0 + 3) == job_status::canceled));
  BOOST_TEST(puts_in(ledger.take_writes(), keys::export_marks_space) == 0u);
  BOOST_TEST(!ledger.cancel(t0 + 4));  // over
  // Reports after the end change nothing.
  ledger.book(report(1, counts(0, 5)), t0 + 5);
  BOOST_TEST(ledger.flow_job().counts.num_success == 0);
}

BOOST_AUTO_TEST_CASE(a_job_that_cannot_start_fails_with_a_job_error) {
  auto ledger = ledger_of(queued_job());
  ledger.fail("the flow is not valid JSON", error_code::invalid_flow, t0);
  ledger.fail("a second reason", error_code::invalid_flow, t0);
  BOOST_TEST(ledger.fatal() == "the flow is not valid JSON");
  BOOST_TEST((ledger.flow_job().status == job_status::running));
  BOOST_TEST(ledger.flow_job().started_at == t0);
  BOOST_TEST(ledger.flow_job().counts.num_error == 2);
  BOOST_TEST((ledger.finish(nullptr, t0) == job_status::failed));
  BOOST_TEST(puts_in(ledger.take_writes(), keys::job_errors_space) == 2u);
}

BOOST_AUTO_TEST_CASE(a_retry_has_no_generator_steps_and_counts_replayed_pages_in_the_flow_job) {
  auto job = queued_job("retry");
  job.retry_step_id = "i2";
  std::size_t first = 0;
  auto plan = flow_plan::for_job(spec_of_flow(), job, t0, first);
  BOOST_REQUIRE_MESSAGE(plan, why_not(plan));
  auto ledger = ledger_of(job);
  ledger.launch(*plan, first, t0);
  BOOST_TEST(ledger.generator_steps() == 0u);
  BOOST_TEST(ledger.steps().size() == 1u);  // i2 only
  ledger.book(report(-1, counts(3, 0)), t0);
  ledger.book(report(0, counts(0, 2, 1)), t0);
  BOOST_TEST(ledger.flow_job().counts.num_export == 3);
  BOOST_TEST(ledger.recovered() == 2);
}

BOOST_AUTO_TEST_CASE(a_failed_once_flag_is_an_error_of_its_export_step) {
  auto job = queued_job();
  auto ledger = ledger_of(job);
  ledger.launch(plan_of(job), 0, t0);
  ledger.once_failed(0, "e1", "404 from the source", t0);
  BOOST_TEST(ledger.steps()[0].counts.num_error == 1);
  BOOST_TEST(ledger.flow_job().counts.num_error == 1);
  auto b = ledger.take_writes();
  auto it = std::find_if(b.ops().begin(), b.ops().end(),
                         [](const auto& op) { return op.space == keys::job_errors_space; });
  BOOST_REQUIRE(it != b.ops().end());
  auto e = boost::json::parse(it->value).as_object();
  BOOST_TEST(e.at("code").as_string() == "once_failed");
  BOOST_TEST(e.at("_stepId").as_string() == "e1");
}

BOOST_FIXTURE_TEST_CASE(a_flow_run_writes_its_checkpoint_with_its_counts_and_erases_it_at_the_end, checkpointed_run) {
  auto r = report(0, counts(20, 0));
  r.page = page_origin(0, 1);
  r.after.position = R"({"page":2})";
  r.after.pages = 1;
  ledger.book(std::move(r), t0);
  ledger.page_through(page_origin(0, 1), due);
  auto b = ledger.take_writes();
  BOOST_TEST(puts_in(b, keys::job_checkpoints_space) == 1u);
  auto saved = checkpoint_in(b);
  BOOST_REQUIRE(saved);
  BOOST_TEST(saved->spec_digest == "digest");
  BOOST_TEST(saved->generators[0].at.pages == 1);
  BOOST_REQUIRE(saved->steps.size() == 3u);
  BOOST_TEST(job_doc::from_json(saved->steps[0])->counts.num_export == 20);
  // A resumed ledger takes the steps up, with their counts.
  auto running = ledger.flow_job();
  auto again = ledger_of(running);
  BOOST_TEST(again.resume(plan, 0, *saved, 4, 1000, t0 + 1));
  BOOST_TEST(again.steps().size() == 3u);
  BOOST_TEST(again.steps()[0].counts.num_export == 20);
  BOOST_TEST(again.flow_job().possibly_resent == 1000);
  BOOST_TEST(again.progress()->generators()[0].at.pages == 1);
  // At the end the checkpoint goes.
  ledger.finish(&plan, t0 + 2);
  auto last = ledger.take_writes();
  BOOST_TEST(puts_in(last, keys::job_checkpoints_space) == 0u);
  BOOST_TEST(std::count_if(last.ops().begin(), last.ops().end(),
                           [](const auto& op) { return op.space == keys::job_checkpoints_space && op.erase; })
             == 1);
}

BOOST_FIXTURE_TEST_CASE(a_checkpoint_counts_only_pages_through_the_flow_so_a_resumed_job_counts_each_record_once, checkpointed_run) {
  // Page 1 goes all the way through; page 2 is exported and passed by the
  // first import, not yet by the second.
  for (std::uint64_t n : {1, 2}) {
    auto r = report(0, counts(10, 0));
    r.counts.num_pages_generated = 1;
    r.page = page_origin(0, n);
    r.after.pages = static_cast<std::int64_t>(n);
    ledger.book(std::move(r), t0);
    auto first = report(1, counts(0, 10));
    first.origin = page_origin(0, n);
    ledger.book(std::move(first), t0);
  }
  auto last = report(2, counts(0, 10, 1));
  last.origin = page_origin(0, 1);
  ledger.book(std::move(last), t0);
  ledger.page_through(page_origin(0, 1), due);
  // The job's counts now hold both pages; its checkpoint only page 1.
  BOOST_TEST(ledger.flow_job().counts.num_export == 20);
  BOOST_TEST(ledger.flow_job().counts.num_success == 30);
  auto saved = checkpoint_in(ledger.take_writes());
  BOOST_REQUIRE(saved);
  BOOST_REQUIRE(saved->counts);
  BOOST_TEST(saved->counts->num_export == 10);
  BOOST_TEST(saved->counts->num_success == 20);
  BOOST_TEST(saved->counts->num_pages_generated == 1);
  BOOST_TEST(saved->counts->num_pages_processed == 1);
  BOOST_TEST(job_doc::from_json(saved->steps[0])->counts.num_export == 10);
  BOOST_TEST(job_doc::from_json(saved->steps[1])->counts.num_success == 10);
  BOOST_TEST(job_doc::from_json(saved->steps[2])->counts.num_success == 10);
  // Resumed from it (page 2 is sent again), the job starts from page 1's counts.
  auto again = ledger_of(ledger.flow_job());
  BOOST_TEST(again.resume(plan, 0, *saved, 4, 1000, t0 + 1));
  BOOST_TEST(again.flow_job().counts.num_export == 10);
  BOOST_TEST(again.flow_job().counts.num_success == 20);
  // Once page 2 is through too, the next checkpoint holds it.
  auto rest = report(2, counts(0, 10, 1));
  rest.origin = page_origin(0, 2);
  ledger.book(std::move(rest), t0);
  ledger.page_through(page_origin(0, 2), due);
  auto later = checkpoint_in(ledger.take_writes());
  BOOST_REQUIRE(later && later->counts);
  BOOST_TEST(later->counts->num_export == 20);
  BOOST_TEST(later->counts->num_success == 40);
  // A report that comes after its page is through counts at once.
  auto late = report(1, counts(0, 0));
  late.counts.num_ignore = 3;
  late.origin = page_origin(0, 1);
  ledger.book(std::move(late), t0);
  auto latest = checkpoint_in(ledger.take_writes());
  BOOST_REQUIRE(latest && latest->counts);
  BOOST_TEST(latest->counts->num_ignore == 3);
}

BOOST_FIXTURE_TEST_CASE(counts_of_a_page_through_out_of_order_wait_for_the_pages_before_it, checkpointed_run) {
  // Pages 1 and 2 exported; page 2 gets through first (the import's calls
  // overlap): a resumed job would send page 1 and 2 again, so neither
  // counts in the checkpoint until page 1 is through too.
  for (std::uint64_t n : {1, 2}) {
    auto r = report(0, counts(10, 0));
    r.page = page_origin(0, n);
    r.after.pages = static_cast<std::int64_t>(n);
    ledger.book(std::move(r), t0);
  }
  ledger.page_through(page_origin(0, 2), due);
  auto early = checkpoint_in(ledger.take_writes());
  BOOST_REQUIRE(early && early->counts);
  BOOST_TEST(early->counts->num_export == 0);
  BOOST_TEST(early->generators[0].at.pages == 0);
  ledger.page_through(page_origin(0, 1), due);
  auto both = checkpoint_in(ledger.take_writes());
  BOOST_REQUIRE(both && both->counts);
  BOOST_TEST(both->counts->num_export == 20);
  BOOST_TEST(both->generators[0].at.pages == 2);
}

BOOST_FIXTURE_TEST_CASE(record_errors_wait_for_their_page_to_go_through_so_a_resent_page_stores_them_once, checkpointed_run) {
  auto failed = [](std::uint64_t origin) {
    auto r = report(1, counts(0, 0));
    r.counts.num_error = 1;
    r.origin = origin;
    job_error_entry e;
    e.message = "refused";
    r.errors.push_back(e);
    return r;
  };
  // Page 1's error waits (not urgent, not written) until page 1 is through.
  BOOST_TEST(!ledger.book(failed(page_origin(0, 1)), t0).urgent);
  BOOST_TEST(puts_in(ledger.take_writes(), keys::job_errors_space) == 0u);
  ledger.page_through(page_origin(0, 1), due);
  BOOST_TEST(due);
  BOOST_TEST(puts_in(ledger.take_writes(), keys::job_errors_space) == 1u);
  BOOST_TEST(puts_in(ledger.take_writes(), keys::job_errors_space) == 0u);
  // After its page is through an error is written at once.
  BOOST_TEST(ledger.book(failed(page_origin(0, 1)), t0).urgent);
  BOOST_TEST(puts_in(ledger.take_writes(), keys::job_errors_space) == 1u);
  // A page that never comes through has its errors written at the end.
  ledger.book(failed(page_origin(0, 2)), t0);
  ledger.finish(&plan, t0 + 1);
  BOOST_TEST(puts_in(ledger.take_writes(), keys::job_errors_space) == 1u);
  BOOST_TEST(ledger.flow_job().counts.num_error == 3);
}

BOOST_AUTO_TEST_CASE(a_checkpoint_that_does_not_fit_the_plan_cannot_resume) {
  auto job = queued_job();
  auto plan = plan_of(job);
  auto ledger = ledger_of(job);
  ledger.launch(plan, 0, t0);
  job_checkpoint saved;
  saved.generators.resize(1);
  for (const auto& s : ledger.steps())
    saved.steps.push_back(s.to_json());
  saved.steps.pop_back();  // a processor missing
  BOOST_TEST(!ledger_of(job).resume(plan, 0, saved, 4, 0, t0));
  saved.steps.push_back(saved.steps.back());  // the wrong one
  BOOST_TEST(!ledger_of(job).resume(plan, 0, saved, 4, 0, t0));
  BOOST_TEST(!ledger_of(queued_job("retry")).resume(plan, 0, saved, 4, 0, t0));
}

BOOST_AUTO_TEST_SUITE_END()
