// error_store over a real store: what retention purges, and how a
// finished retry moves its records from error to success in the parent.
#include "core/engine/error_store.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "core/resources/key_codec.hpp"
#include "core/util/object_id.hpp"
#include "tests/storage/temp_store.hpp"

using namespace integrator;
namespace json = boost::json;

namespace {

constexpr std::int64_t day = 24LL * 3600 * 1000;
constexpr std::int64_t t0 = 1700000000000;
const std::string account = "aaaaaaaaaaaaaaaaaaaaaaaa";
const std::string flow = "ffffffffffffffffffffffff";
const std::string step = "cccccccccccccccccccccccc";

struct errors_fixture {
  test::temp_store ts;
  object_id_generator ids{{1, 2, 3, 4, 5}, 0};
  job_doc parent;

  errors_fixture() {
    parent.id = ids.next(1);
    parent.flow_id = flow;
    parent.status = job_status::completed;
    parent.counts.num_success = 8;
    parent.counts.num_error = 2;
    write_batch b;
    b.put(keys::jobs_space, keys::resource(account, parent.id), parent.to_json());
    ts.store->write(b);
  }

  // An error of the parent job at `at`, with retry data; returns its id.
  job_error_entry add_error(std::int64_t at) {
    job_error_entry e;
    e.error_id = ids.next(2);
    e.job_id = parent.id;
    e.flow_job_id = parent.id;
    e.flow_id = flow;
    e.step_id = step;
    e.source = "import";
    e.retry_data_key = ids.next(3);
    e.occurred_at = at;
    write_batch b;
    b.put(keys::job_errors_space, keys::job_error(account, parent.id, e.error_id), e.to_json());
    b.put(keys::retry_data_space, keys::resource(account, e.retry_data_key), R"({"id":1})");
    ts.store->write(b);
    return e;
  }
  bool has_error(const job_error_entry& e) {
    return ts.store->get(keys::job_errors_space, keys::job_error(account, parent.id, e.error_id)).has_value();
  }
  bool has_retry_data(const job_error_entry& e) {
    return ts.store->get(keys::retry_data_space, keys::resource(account, e.retry_data_key)).has_value();
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(error_store_test)

BOOST_FIXTURE_TEST_CASE(retention_purges_old_errors_with_their_retry_data, errors_fixture) {
  auto old_one = add_error(t0 - 31 * day);
  auto recent = add_error(t0 - 29 * day);
  error_store errors(*ts.store);
  BOOST_TEST(errors.purge(t0 - 30 * day, 100) == 1u);
  BOOST_TEST(!has_error(old_one));
  BOOST_TEST(!has_retry_data(old_one));
  BOOST_TEST(has_error(recent));
  BOOST_TEST(has_retry_data(recent));
  BOOST_TEST(errors.purge(t0 - 30 * day, 100) == 0u);
}

BOOST_FIXTURE_TEST_CASE(a_finished_retry_resolves_and_counts_toward_the_parent, errors_fixture) {
  add_error(t0);
  add_error(t0);
  error_store errors(*ts.store);
  auto jobs = errors.retry_job(account, parent.id, "", ids, t0 + 1000);
  BOOST_REQUIRE(jobs.has_value());
  BOOST_REQUIRE_EQUAL(jobs->size(), 1u);
  const auto& retry = jobs->front();
  BOOST_TEST(retry.retry_errors.size() == 2u);
  BOOST_TEST(errors.retry_records(account, retry).size() == 2u);
  // The stored retry job reads back whole.
  auto stored = job_doc::from_json(*ts.store->get(keys::jobs_space, keys::resource(account, retry.id)));
  BOOST_REQUIRE(stored);
  BOOST_TEST(stored->retry_of_job_id == parent.id);
  BOOST_TEST(stored->retry_step_id == step);
  BOOST_TEST((stored->retry_errors == retry.retry_errors));
  // One of the two now succeeded.
  ts.store->write(errors.retry_done(account, retry, 1, t0 + 2000));
  auto after = job_doc::from_json(*ts.store->get(keys::jobs_space, keys::resource(account, parent.id)));
  BOOST_TEST(after->counts.num_success == 9);
  BOOST_TEST(after->counts.num_error == 1);
  // Both were retried: neither is open any more.
  auto again = errors.retry_job(account, parent.id, "", ids, t0 + 3000);
  BOOST_TEST(again.has_error());
  BOOST_TEST(code_name(again.error().code) == "nothing_to_retry");
}

BOOST_FIXTURE_TEST_CASE(a_retry_claims_its_errors_until_it_ends, errors_fixture) {
  auto a = add_error(t0);
  auto b = add_error(t0);
  error_store errors(*ts.store);
  auto first = errors.retry_step(account, flow, step, {std::nullopt, std::set<std::string>{a.error_id}}, ids, t0 + 1);
  BOOST_REQUIRE(first.has_value());
  // The same error again, by either route, while the first retry is queued.
  auto twice = errors.retry_step(account, flow, step, {std::nullopt, std::set<std::string>{a.error_id}}, ids, t0 + 2);
  BOOST_TEST(twice.has_error());
  BOOST_TEST(code_name(twice.error().code) == "nothing_to_retry");
  // The whole job: only the unclaimed one.
  auto rest = errors.retry_job(account, parent.id, "", ids, t0 + 3);
  BOOST_REQUIRE(rest.has_value());
  BOOST_REQUIRE_EQUAL(rest->size(), 1u);
  BOOST_REQUIRE_EQUAL(rest->front().retry_errors.size(), 1u);
  BOOST_TEST(rest->front().retry_errors.front().first == b.error_id);
  // The first retry is canceled before it resolved anything: its claim lapses.
  auto canceled = first->front();
  canceled.status = job_status::canceled;
  write_batch w;
  w.put(keys::jobs_space, keys::resource(account, canceled.id), canceled.to_json());
  ts.store->write(w);
  auto later = errors.retry_step(account, flow, step, {std::nullopt, std::set<std::string>{a.error_id}}, ids, t0 + 4);
  BOOST_TEST(later.has_value());
}

BOOST_FIXTURE_TEST_CASE(an_error_resolved_after_a_retry_claimed_it_is_not_sent, errors_fixture) {
  auto a = add_error(t0);
  add_error(t0);
  error_store errors(*ts.store);
  auto retry = errors.retry_job(account, parent.id, "", ids, t0 + 1);
  BOOST_REQUIRE(retry.has_value());
  BOOST_TEST(errors.resolve_job(account, parent.id, a.error_id, t0 + 2).has_value());
  BOOST_TEST(errors.retry_records(account, retry->front()).size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
