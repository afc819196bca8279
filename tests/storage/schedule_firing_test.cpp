// The scheduler's tick on a real store (both stores): each minute's slot
// fires once, also when several nodes of a cluster tick at the same time.

#include "core/engine/flow_schedule.hpp"

#include <boost/test/unit_test.hpp>

#include "core/engine/job_store.hpp"
#include "core/resources/key_codec.hpp"
#include "core/resources/resource_store.hpp"
#include "core/util/object_id.hpp"
#include "core/util/secret_box.hpp"
#include "tests/storage/temp_store.hpp"

using namespace integrator;

namespace {

const std::string account = "aaaaaaaaaaaaaaaaaaaaaaaa";
const std::string flow = "ffffffffffffffffffffffff";
constexpr std::int64_t minute = 60'000;
constexpr std::int64_t t0 = 1'700'000'040'000;  // 40 s into a minute

// A store seen by a node that read the tick before another node moved it:
// its reads of the tick answer what that node read.
struct racing_view final : document_store {
  document_store& real;
  std::optional<std::string> tick_it_read;
  racing_view(document_store& r, std::optional<std::string> t) : real(r), tick_it_read(std::move(t)) {}
  std::optional<std::string> get(std::string_view space, std::string_view key) override {
    if (space == keys::meta_space && key == "scheduler/tick")
      return tick_it_read;
    return real.get(space, key);
  }
  void scan(std::string_view space, std::string_view prefix,
            const std::function<bool(std::string_view, std::string_view)>& visit) override {
    real.scan(space, prefix, visit);
  }
  void write(const write_batch& batch) override { real.write(batch); }
};

int queued_jobs(document_store& store) {
  int n = 0;
  store.scan(keys::jobs_space, account, [&](std::string_view, std::string_view) { return ++n > 0; });
  return n;
}

struct schedule_fixture {
  test::temp_store ts;
  secret_box box{*secret_box::key_from_hex(random_hex(32))};
  object_id_generator ids{{1, 2, 3, 4, 5}, 0};
  schedule_fixture() {
    write_batch b;
    b.put(keys::space_of(resource_kind::flow), account + flow,
          R"({"_id":")" + flow + R"(","name":"every minute","schedule":"? * * * * *","pageGenerators":[{"_exportId":"eeeeeeeeeeeeeeeeeeeeeeee"}]})");
    ts.store->write(b);
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(schedule_firing_test, schedule_fixture)

BOOST_AUTO_TEST_CASE(each_minute_fires_once_and_a_missed_one_after_downtime) {
  resource_store resources(*ts.store, box);
  BOOST_TEST(fire_schedules(resources, ids, t0).empty());  // the first tick only starts the clock
  BOOST_TEST(fire_schedules(resources, ids, t0 + minute).size() == 1u);
  BOOST_TEST(fire_schedules(resources, ids, t0 + minute + 500).empty());  // same slot
  BOOST_TEST(fire_schedules(resources, ids, t0 + 4 * minute).size() == 1u);  // three missed: one run
  BOOST_TEST(queued_jobs(*ts.store) == 2);
}

BOOST_AUTO_TEST_CASE(of_two_nodes_ticking_together_one_fires_the_slot) {
  resource_store resources(*ts.store, box);
  fire_schedules(resources, ids, t0);
  auto before = ts.store->get(keys::meta_space, "scheduler/tick");
  // Node A fires the next minute; node B read the tick before A moved it.
  BOOST_TEST(fire_schedules(resources, ids, t0 + minute).size() == 1u);
  racing_view b_view(*ts.store, before);
  resource_store b_resources(b_view, box);
  object_id_generator b_ids{{9, 9, 9, 9, 9}, 0};
  BOOST_TEST(fire_schedules(b_resources, b_ids, t0 + minute + 20).empty());
  BOOST_TEST(queued_jobs(*ts.store) == 1);
}

BOOST_AUTO_TEST_SUITE_END()
