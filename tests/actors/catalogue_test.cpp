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

BOOST_AUTO_TEST_SUITE(catalogue)

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

  auto reply = api_reply::fail(make_api_error(errc::rate_limited, "rate_limited", "slow", "f"));
  reply.retry_after = 3;
  reply.next_skip = 10;
  auto r = round_trip(sys, reply);
  BOOST_TEST((r.status == api_status::failed && r.error.kind == errc::rate_limited));
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

  write_batch batch;
  batch.put("tokens", "k", "v");
  batch.erase("accounts", "a");
  auto b = round_trip(sys, batch);
  BOOST_TEST_REQUIRE(b.ops().size() == 2u);
  BOOST_TEST(b.ops()[0].value == "v");
  BOOST_TEST(b.ops()[1].erase);
}

BOOST_AUTO_TEST_CASE(types_are_registered_under_fixed_names) {
  node_config cfg;
  caf::actor_system sys{cfg};
  for (auto name : {"integrator.api_call", "integrator.api_reply", "integrator.write_batch",
                    "integrator.principal", "integrator.registry_actor",
                    "integrator.account_shard_actor", "integrator.rate_bucket_actor",
                    "integrator.account_store_actor"})
    BOOST_TEST(sys.types().make_value(name) != nullptr, name);
}

BOOST_AUTO_TEST_SUITE_END()
