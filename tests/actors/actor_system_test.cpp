#include "actors/local_names.hpp"
#include "actors/supervisor.hpp"

#include <caf/all.hpp>
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "actors/interfaces.hpp"
#include "cluster/node_config.hpp"
#include "core/api/account_book.hpp"
#include "tests/storage/temp_store.hpp"

using namespace integrator;
using namespace std::chrono_literals;

namespace {

// A real node without sockets: store, supervisor, registry, shards.
struct node_fixture {
  test::temp_dir dir;
  std::shared_ptr<rocks_store> store =
    std::make_shared<rocks_store>((dir.path / "db").string());
  std::string operator_token = random_hex(16);
  std::string token;
  std::shared_ptr<node_services> services = std::make_shared<node_services>();
  node_config cfg;
  std::optional<caf::actor_system> sys;
  caf::actor supervisor;

  node_fixture() {
    account_book book(object_id_generator({1, 1, 1, 1, 1}, 0));
    write_batch b;
    std::string body, id;
    book.create_account(boost::json::parse(R"({"name":"A","email":"a@x.io"})"), 1700000000000, b,
                        body, id);
    store->write(b);
    token = std::string(boost::json::parse(body).at("token").as_string());
    services->store = store;
    services->box = std::make_shared<secret_box>(*secret_box::key_from_hex(random_hex(32)));
    services->operator_token_hash = token_hash(operator_token);
    services->default_limits = {5, 1};
    services->test_hooks = true;
    cfg.services = services;
    sys.emplace(cfg);
    supervisor = spawn_supervisor(*sys, 2);
  }

  ~node_fixture() {
    caf::anon_send_exit(supervisor, caf::exit_reason::user_shutdown);
    sys.reset();
  }

  /// Sends `call` through the registry as the API does.
  api_reply submit(const std::string& bearer, api_call call) {
    caf::scoped_actor self{*sys};
    api_reply out;
    self->request(current_registry(*sys), 5s, auth_atom::value, bearer, std::move(call))
      .receive([&](api_reply& r) { out = std::move(r); },
               [&](caf::error& e) { BOOST_FAIL("request failed: " << caf::to_string(e)); });
    return out;
  }

  api_reply token_info(const std::string& bearer) {
    api_call call;
    call.op = api_op::token_info;
    return submit(bearer, call);
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(actor_system_test, node_fixture)

BOOST_AUTO_TEST_CASE(registry_authenticates_and_bucket_limits) {
  BOOST_TEST((token_info("wrong").error.kind() == errc::unauthorized));
  int ok = 0, limited = 0;
  for (int i = 0; i < 8; ++i) {
    auto r = token_info(token);
    ok += r.status == api_status::ok;
    limited += r.error.kind() == errc::rate_limited;
    if (r.error.kind() == errc::rate_limited)
      BOOST_TEST(r.retry_after >= 1);
    else
      BOOST_TEST(r.body.find("\"email\":\"a@x.io\"") != std::string::npos);
  }
  BOOST_TEST(ok == 5);
  BOOST_TEST(limited == 3);
}

BOOST_AUTO_TEST_CASE(calls_reach_the_shard_through_registry_and_bucket) {
  api_call call;
  call.op = api_op::create;
  call.kind = resource_kind::script;
  call.body = R"({"name":"s"})";
  auto reply = submit(token, call);
  BOOST_TEST((reply.status == api_status::created), reply.error.message);
  BOOST_TEST(reply.body.find("\"name\":\"s\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(supervisor_restarts_a_crashed_registry) {
  auto before = current_registry(*sys);
  caf::scoped_actor self{*sys};
  self->request(before, 5s, crash_atom::value).receive([](bool) {}, [](caf::error&) {});
  // The supervisor publishes a new incarnation; it answers like the old one.
  for (int i = 0; i < 100 && current_registry(*sys) == before; ++i)
    std::this_thread::sleep_for(10ms);
  BOOST_TEST((current_registry(*sys) != before));
  BOOST_TEST((token_info(token).status == api_status::ok));
}

BOOST_AUTO_TEST_SUITE_END()
