#include "actors/catalogue.hpp"

#include <caf/all.hpp>
#include <boost/test/unit_test.hpp>

#include "cluster/node_config.hpp"

using namespace integrator;

namespace {

// What crossing a node does to a value: serialize, then deserialize.
template <class T>
T round_trip(caf::actor_system& sys, T value) {
  std::vector<char> buf;
  caf::binary_serializer sink(sys, buf);
  auto e1 = sink(value);
  BOOST_REQUIRE(!e1);
  T out;
  caf::binary_deserializer source(sys, buf);
  auto e2 = source(out);
  BOOST_REQUIRE(!e2);
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(catalogue_test)

BOOST_AUTO_TEST_CASE(every_message_type_survives_serialization) {
  node_config cfg;
  caf::actor_system sys{cfg};
  api_call call;
  call.op = api_op::license_replace;
  call.kind = resource_kind::license;
  call.scoped = true;
  call.id = "a";
  call.sub_id = "b";
  call.body = R"({"x":1})";
  call.query = {{"skip", "5"}, {"name", "n"}};
  auto c = round_trip(sys, call);
  BOOST_TEST((c.op == call.op && c.kind == call.kind && c.scoped));
  BOOST_TEST(c.body == call.body);
  BOOST_TEST((c.query == call.query));

  auto reply = api_reply::fail(make_api_error(error_code::rate_limited, "slow", "f"));
  reply.retry_after = 3;
  reply.next_skip = 10;
  auto r = round_trip(sys, reply);
  BOOST_TEST((r.status == api_status::failed && r.error.kind() == errc::rate_limited));
  BOOST_TEST(r.error.field == "f");
  BOOST_TEST(r.retry_after == 3);
  BOOST_TEST(r.next_skip == 10);

  principal who;
  who.account_id = "acc";
  who.scope.full = false;
  who.scope.export_ids = {"e1", "e2"};
  auto w = round_trip(sys, who);
  BOOST_TEST(w.account_id == "acc");
  BOOST_TEST(!w.scope.full);
  BOOST_TEST(w.scope.export_ids.size() == 2u);
  // A one-time token's reach crosses too (a node may authenticate for another).
  who.scope.connector_id = "k7";
  who.scope.invoke_only = true;
  w = round_trip(sys, who);
  BOOST_TEST(w.scope.connector_id == "k7");
  BOOST_TEST(w.scope.invoke_only);

  write_batch batch;
  batch.put("tokens", "k", "v");
  batch.erase("accounts", "a");
  batch.expect("state", "lease", std::string("3|n1"));
  batch.expect("state", "fresh", std::nullopt);
  auto b = round_trip(sys, batch);
  BOOST_TEST_REQUIRE(b.ops().size() == 2u);
  BOOST_TEST(b.ops()[0].value == "v");
  BOOST_TEST(b.ops()[1].erase);
  // A fence travels with its batch.
  BOOST_TEST_REQUIRE(b.expectations().size() == 2u);
  BOOST_TEST(b.expectations()[0].value == "3|n1");
  BOOST_TEST(!b.expectations()[0].absent);
  BOOST_TEST(b.expectations()[1].absent);
}

BOOST_AUTO_TEST_CASE(engine_messages_survive_serialization) {
  node_config cfg;
  caf::actor_system sys{cfg};
  page_builder builder(10, 1 << 20);
  builder.append(R"({"id":1})");
  builder.append(R"({"id":2,"name":"x"})");
  auto page = builder.take();
  auto p = round_trip(sys, page);
  BOOST_TEST_REQUIRE(p.size() == 2u);
  BOOST_TEST(p.record(0) == R"({"id":1})");
  BOOST_TEST(p.record(1) == R"({"id":2,"name":"x"})");
  BOOST_TEST(p.data() != page.data());  // a fresh buffer on the far side
  BOOST_TEST(!p.has_lanes());
  BOOST_TEST(p.readable(0) >= p.bytes() + json_padding);  // parsed in place there too
  BOOST_TEST(round_trip(sys, record_page()).size() == 0u);

  page_builder routed(10, 1 << 20);
  routed.append(R"({"id":1})");
  routed.append(R"({"id":1})", 3);
  auto lanes = round_trip(sys, routed.take());
  BOOST_TEST_REQUIRE(lanes.size() == 2u);
  BOOST_TEST(lanes.lane(0) == 0);
  BOOST_TEST(lanes.lane(1) == 3);

  stage_report report;
  report.step = 2;
  report.counts.num_success = 7;
  report.counts.num_pages_processed = 1;
  job_error_entry e;
  e.error_id = "e1";
  e.retry_data = R"({"id":3})";
  e.occurred_at = 1700000000000;
  report.errors.push_back(e);
  report.fatal = "boom";
  report.exhausted = true;
  auto r = round_trip(sys, report);
  BOOST_TEST(r.step == 2);
  BOOST_TEST(r.counts.num_success == 7);
  BOOST_TEST_REQUIRE(r.errors.size() == 1u);
  BOOST_TEST(r.errors[0].retry_data == e.retry_data);
  BOOST_TEST(r.errors[0].occurred_at == e.occurred_at);
  BOOST_TEST(r.fatal == "boom");
  BOOST_TEST(r.exhausted);

  outbound_response resp;
  resp.status = 429;
  resp.headers = {{"Retry-After", "3"}};
  resp.body = "{}";
  resp.attempts = 4;
  auto o = round_trip(sys, resp);
  BOOST_TEST(o.status == 429);
  BOOST_TEST(find_header(o.headers, "retry-after") == "3");
  BOOST_TEST(o.attempts == 4);

  job_spec spec;
  spec.flow = R"({"_id":"f"})";
  spec.connections = {{"c1", R"({"type":"http"})"}};
  auto s = round_trip(sys, spec);
  BOOST_TEST(s.flow == spec.flow);
  BOOST_TEST_REQUIRE(s.connections.size() == 1u);
  BOOST_TEST(s.connections[0].second == spec.connections[0].second);

  auto j = round_trip(sys, job_ref{"a", "f", "j"});
  BOOST_TEST(j.job_id == "j");
}

BOOST_AUTO_TEST_CASE(types_are_registered_under_fixed_names) {
  node_config cfg;
  caf::actor_system sys{cfg};
  for (auto name : {"integrator.api_call", "integrator.api_reply", "integrator.write_batch",
                    "integrator.principal", "integrator.registry_actor",
                    "integrator.account_shard_actor", "integrator.rate_bucket_actor",
                    "integrator.account_store_actor", "integrator.engine_actor",
                    "integrator.record_page", "integrator.stage_report", "integrator.job_spec",
                    "integrator.outbound_response", "integrator.job_ref", "integrator.once_calls"})
    BOOST_TEST(sys.types().make_value(name) != nullptr, name);
}

BOOST_AUTO_TEST_SUITE_END()
