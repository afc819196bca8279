#include "core/api/account_book.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>


#include "core/resources/key_codec.hpp"
#include "tests/storage/temp_store.hpp"

using namespace integrator;
namespace json = boost::json;

namespace {

object_id_generator gen() {
  return object_id_generator({9, 9, 9, 9, 9}, 0);
}

constexpr std::int64_t t0 = 1700000000000;

// A store and a book holding one account "A" <a@x.io>, durable.
struct book_fixture {
  test::temp_store ts;
  integrator::account_book book{gen()};
  std::string id;
  book_fixture() {
    write_batch b;
    std::string body;
    book.create_account(json::parse(R"({"name":"A","email":"a@x.io"})"), t0, b, body, id);
    ts.store->write(b);
    book.commit(b);
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(account_book_test)

BOOST_AUTO_TEST_CASE(creates_accounts_with_a_token_that_authenticates) {
  test::temp_store ts;
  auto& store = *ts.store;
  integrator::account_book book(gen());
  write_batch b;
  std::string body, id;
  BOOST_TEST(!book.create_account(json::parse(R"({"name":"A","email":"a@x.io"})"), t0, b, body, id));
  BOOST_TEST(!book.authenticate("anything", t0));  // nothing until committed
  store.write(b);
  book.commit(b);
  auto token = std::string(json::parse(body).at("token").as_string());
  auto who = book.authenticate(token, t0);
  BOOST_REQUIRE(who);
  BOOST_TEST(who->account_id == id);
  BOOST_TEST(who->email == "a@x.io");
  BOOST_TEST(who->scope.full);
  // Only the hash is stored.
  bool plaintext = false;
  store.scan(keys::tokens_space, "", [&](std::string_view, std::string_view v) {
    plaintext = plaintext || v.find(token) != std::string_view::npos;
    return true;
  });
  BOOST_TEST(!plaintext);
  // A second book loaded from the store knows the same token.
  integrator::account_book reloaded(gen());
  reloaded.load(store);
  BOOST_TEST(reloaded.authenticate(token, t0).has_value());
}

BOOST_AUTO_TEST_CASE(validates_account_input) {
  integrator::account_book book(gen());
  write_batch b;
  std::string body, id;
  BOOST_TEST(book.create_account(json::parse(R"({"name":"A"})"), t0, b, body, id).field == "email");
  BOOST_TEST(book.create_account(json::parse(R"({"name":"A","email":"nope"})"), t0, b, body, id).field
             == "email");
  BOOST_TEST(b.empty());
}

BOOST_AUTO_TEST_CASE(custom_tokens_revocation_and_auto_purge) {
  book_fixture f;
  auto& store = *f.ts.store;
  auto& book = f.book;
  auto& id = f.id;
  write_batch tb;
  std::string tbody;
  BOOST_TEST(!book.create_token(
    id, json::parse(R"({"scope":"custom","_connectionIds":["5a0c3d0b8e4f2a1b3c4d5e6f"],"autoPurge":"1h"})"),
    t0, tb, tbody));
  store.write(tb);
  book.commit(tb);
  auto tok = json::parse(tbody);
  auto plain = std::string(tok.at("token").as_string());
  auto who = book.authenticate(plain, t0 + 1000);
  BOOST_REQUIRE(who);
  BOOST_TEST(!who->scope.full);
  BOOST_TEST(who->scope.connection_ids.count("5a0c3d0b8e4f2a1b3c4d5e6f") == 1u);
  std::string purged;
  BOOST_TEST(!book.authenticate(plain, t0 + 3600 * 1000, &purged));
  BOOST_TEST(purged == std::string(tok.at("_id").as_string()));
  write_batch rb;
  BOOST_TEST(!book.revoke_token(purged, rb));
  store.write(rb);
  book.commit(rb);
  BOOST_TEST(!book.authenticate(plain, t0));
  std::string list;
  book.tokens_json(id, list);
  BOOST_TEST(list.find("\"token\"") == std::string::npos);  // secrets never listed
  write_batch bad;
  BOOST_TEST(book.create_token(id, json::parse(R"({"autoPurge":"2h"})"), t0, bad, tbody).field
             == "autoPurge");
  BOOST_TEST(book.create_token(id, json::parse(R"({"scope":"root"})"), t0, bad, tbody).field
             == "scope");
}

BOOST_AUTO_TEST_CASE(rate_limits_persist) {
  book_fixture f;
  auto& store = *f.ts.store;
  auto& book = f.book;
  auto& id = f.id;
  write_batch rb;
  bucket_limits limits;
  BOOST_TEST(!book.set_rate_limit(id, json::parse(R"({"bucketSize":5000,"fillRate":1000})"), rb, limits));
  store.write(rb);
  book.commit(rb);
  BOOST_TEST(book.find_account(id)->rate_limit->capacity == 5000);
  BOOST_TEST(book.set_rate_limit(id, json::parse(R"({"bucketSize":0,"fillRate":1})"), rb, limits).field
             == "bucketSize");
}

BOOST_AUTO_TEST_SUITE_END()
