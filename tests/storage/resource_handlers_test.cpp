#include "core/api/resource_handlers.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "core/resources/key_codec.hpp"
#include "tests/storage/account_fixture.hpp"

using namespace integrator;
namespace json = boost::json;

using namespace integrator::test;

namespace {

using fixture = account_fixture;

}  // namespace

BOOST_FIXTURE_TEST_SUITE(resource_handlers_test, fixture)

BOOST_AUTO_TEST_CASE(create_stamps_ids_and_times_and_ignores_client_ids) {
  auto r = call(api_op::create, resource_kind::script,
                {}, R"({"_id":"","name":"s","createdAt":"1999-01-01T00:00:00.000Z"})");
  BOOST_TEST((r.status == api_status::created));
  auto doc = body_of(r);
  BOOST_TEST(is_object_id(doc.at("_id").as_string()));
  BOOST_TEST(doc.at("createdAt").as_string() == "2023-11-14T22:13:20.000Z");
  BOOST_TEST(doc.at("lastModified").as_string() == "2023-11-14T22:13:20.000Z");
}

BOOST_AUTO_TEST_CASE(secrets_are_masked_and_sealed_at_rest) {
  auto id = connection();
  auto got = body_of(call(api_op::get, resource_kind::connection, id));
  BOOST_TEST(got.at("http").at("auth").at("basic").at("password").as_string() == "******");
  bool plaintext = false;
  for (auto space : {"connections", "secrets"})
    ts.store->scan(space, "", [&](std::string_view, std::string_view v) {
      plaintext = plaintext || v.find("hunter2") != std::string_view::npos;
      return true;
    });
  BOOST_TEST(!plaintext);
  BOOST_TEST(resources.open_secrets(resource_kind::connection, acc_a, id).at("/http/auth/basic/password")
             == "hunter2");
  // PUT with the mask keeps the secret; a new value replaces it.
  auto masked = json::serialize(got);
  BOOST_TEST((call(api_op::replace, resource_kind::connection, id, masked).status == api_status::ok));
  BOOST_TEST(resources.open_secrets(resource_kind::connection, acc_a, id).at("/http/auth/basic/password")
             == "hunter2");
  auto changed = masked;
  changed.replace(changed.find("******"), 6, "newpass");
  call(api_op::replace, resource_kind::connection, id, changed);
  BOOST_TEST(resources.open_secrets(resource_kind::connection, acc_a, id).at("/http/auth/basic/password")
             == "newpass");
}

BOOST_AUTO_TEST_CASE(references_must_exist_in_the_same_account) {
  auto conn = connection();
  auto bad = call(api_op::create, resource_kind::export_, {},
                  R"({"adaptorType":"HTTPExport","_connectionId":"5a0c3d0b8e4f2a1b3c4d5e71"})");
  BOOST_TEST((bad.error.kind() == errc::validation_failed));
  BOOST_TEST(bad.error.message == "Invalid reference: _connectionId");
  BOOST_TEST(bad.error.field == "_connectionId");
  auto elsewhere = call(api_op::create, resource_kind::export_, {},
                        R"({"adaptorType":"HTTPExport","_connectionId":")" + conn + "\"}", {}, other);
  BOOST_TEST(elsewhere.error.message == "Invalid reference: _connectionId");
  auto wrong_type = call(api_op::create, resource_kind::export_, {},
                         R"({"adaptorType":"FTPExport","_connectionId":")" + conn + "\"}");
  BOOST_TEST(wrong_type.error.field == "_connectionId");
  create(resource_kind::export_, R"({"adaptorType":"HTTPExport","_connectionId":")" + conn + "\"}");
}

BOOST_AUTO_TEST_CASE(delete_refuses_while_referenced) {
  auto conn = connection();
  auto exp = create(resource_kind::export_,
                    R"({"name":"E","adaptorType":"HTTPExport","_connectionId":")" + conn + "\"}");
  auto flow = create(resource_kind::flow,
                     R"({"name":"F","pageGenerators":[{"_exportId":")" + exp + "\"}]}");
  auto r = call(api_op::remove, resource_kind::connection, conn);
  BOOST_TEST((r.error.kind() == errc::validation_failed));
  BOOST_TEST(r.error.message.find("export " + exp + " (E)") != std::string::npos);
  BOOST_TEST(call(api_op::remove, resource_kind::export_, exp).error.message.find("flow") != std::string::npos);
  BOOST_TEST((call(api_op::remove, resource_kind::flow, flow).status == api_status::no_content));
  BOOST_TEST((call(api_op::remove, resource_kind::export_, exp).status == api_status::no_content));
  BOOST_TEST((call(api_op::remove, resource_kind::connection, conn).status == api_status::no_content));
  BOOST_TEST((call(api_op::get, resource_kind::connection, conn).error.kind() == errc::not_found));
}

BOOST_AUTO_TEST_CASE(lists_page_filter_and_use_indexes) {
  auto conn = connection();
  auto conn2 = connection();
  for (int i = 0; i < 5; ++i)
    create(resource_kind::export_, R"({"name":"E)" + std::to_string(i)
                                     + R"(","adaptorType":"HTTPExport","_connectionId":")"
                                     + (i % 2 ? conn : conn2) + "\"}");
  auto page = call(api_op::list, resource_kind::export_, {}, {}, {{"limit", "2"}, {"skip", "2"}});
  BOOST_TEST(body_of(page).as_array().size() == 2u);
  BOOST_TEST(page.next_skip == 4);
  BOOST_TEST(page.prev_skip == 0);
  auto by_conn = call(api_op::list, resource_kind::export_, {}, {}, {{"_connectionId", conn}});
  BOOST_TEST(body_of(by_conn).as_array().size() == 2u);
  auto by_name = call(api_op::list, resource_kind::export_, {}, {}, {{"name", "E3"}});
  BOOST_TEST(body_of(by_name).as_array().size() == 1u);
  auto none = call(api_op::list, resource_kind::export_, {}, {}, {{"adaptorType", "FTPExport"}});
  BOOST_TEST(body_of(none).as_array().empty());
  auto bad = call(api_op::list, resource_kind::export_, {}, {}, {{"colour", "red"}});
  BOOST_TEST(code_name(bad.error.code) == "invalid_query_params");
  auto theirs = call(api_op::list, resource_kind::export_, {}, {}, {}, other);
  BOOST_TEST(body_of(theirs).as_array().empty());
}

BOOST_AUTO_TEST_CASE(patch_touches_only_allowed_fields_and_revalidates) {
  auto exp = create(resource_kind::flow, R"({"name":"F"})");
  auto ok = call(api_op::patch, resource_kind::flow, exp,
                 R"([{"op":"replace","path":"/schedule","value":"? */5 * * * *"},{"op":"add","path":"/disabled","value":true}])");
  BOOST_TEST((ok.status == api_status::no_content), ok.error.message);
  auto doc = body_of(call(api_op::get, resource_kind::flow, exp));
  BOOST_TEST(doc.at("schedule").as_string() == "? */5 * * * *");
  auto denied = call(api_op::patch, resource_kind::flow, exp,
                     R"([{"op":"replace","path":"/_integrationId","value":"x"}])");
  BOOST_TEST(denied.error.field == "/_integrationId");
  auto bad_cron = call(api_op::patch, resource_kind::flow, exp,
                       R"([{"op":"replace","path":"/schedule","value":"* * * * *"}])");
  BOOST_TEST(bad_cron.error.field == "schedule");
}

BOOST_AUTO_TEST_CASE(clone_copies_with_new_id_name_and_connection_map) {
  auto c1 = connection();
  auto c2 = connection();
  auto exp = create(resource_kind::export_,
                    R"({"name":"E","adaptorType":"HTTPExport","_connectionId":")" + c1 + "\"}");
  auto r = call(api_op::clone, resource_kind::export_, exp,
                R"({"connectionMap":{")" + c1 + R"(":")" + c2 + "\"}}");
  BOOST_TEST((r.status == api_status::created));
  auto doc = body_of(r);
  BOOST_TEST(doc.at("_id").as_string() != exp);
  BOOST_TEST(doc.at("name").as_string() == "Clone - E");
  BOOST_TEST(doc.at("_connectionId").as_string() == c2);
}

BOOST_AUTO_TEST_CASE(state_global_and_scoped) {
  auto put = [&](bool scoped, std::string id, std::string key, std::string value) {
    api_call c;
    c.op = api_op::state_put;
    c.kind = resource_kind::script;
    c.scoped = scoped;
    c.id = std::move(id);
    c.sub_id = std::move(key);
    c.body = std::move(value);
    return handle(acc_a, c);
  };
  auto r = put(false, {}, "seq", R"({"n":1})");
  BOOST_TEST((r.status == api_status::ok && r.text && r.body == "OK"));
  auto script = create(resource_kind::script, R"({"name":"s"})");
  BOOST_TEST(put(true, script, "k", "5").body == "Created");
  BOOST_TEST(put(true, script, "k", "6").body == "OK");
  BOOST_TEST((put(true, "5a0c3d0b8e4f2a1b3c4d5e71", "k", "5").error.kind() == errc::not_found));
  BOOST_TEST(put(false, {}, "bad", "{nope").error.kind() == errc::invalid_json);
  api_call keys_call;
  keys_call.op = api_op::state_keys;
  BOOST_TEST(handle(acc_a, keys_call).body == R"({"keys":["seq"]})");
  // Deleting the resource deletes its state.
  call(api_op::remove, resource_kind::script, script);
  bool left = false;
  ts.store->scan(keys::state_space, keys::resource_state_prefix(acc_a, resource_kind::script, script),
                 [&](std::string_view, std::string_view) { return !(left = true); });
  BOOST_TEST(!left);
}

BOOST_AUTO_TEST_CASE(malformed_json_is_invalid_json) {
  auto r = call(api_op::create, resource_kind::flow, {}, "{\"name\":");
  BOOST_TEST((r.error.kind() == errc::invalid_json));
  auto arr = call(api_op::create, resource_kind::flow, {}, "[1]");
  BOOST_TEST((arr.error.kind() == errc::validation_failed));
}

BOOST_AUTO_TEST_SUITE_END()
