#include "core/resources/secrets.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

using namespace integrator;
namespace json = boost::json;

BOOST_AUTO_TEST_SUITE(secrets_test)

BOOST_AUTO_TEST_CASE(masks_named_secrets_and_encrypted_blocks) {
  auto doc = json::parse(R"({"type":"http","http":{"baseURI":"x",
    "auth":{"type":"token","token":{"token":"T0K","location":"header"},
            "basic":{"username":"u","password":"pw"}},
    "encrypted":{"apiKey":"k"}},
    "s3":{"accessKeyId":"AK","secretAccessKey":"SK"},
    "webhook":{"key":"hmac"},"other":{"key":"not secret"}})");
  auto secrets = extract_secrets(doc);
  BOOST_TEST(secrets.size() == 5u);
  BOOST_TEST(secrets.at("/http/auth/token/token") == "T0K");
  BOOST_TEST(secrets.at("/http/auth/basic/password") == "pw");
  BOOST_TEST(secrets.at("/s3/secretAccessKey") == "SK");
  BOOST_TEST(secrets.at("/webhook/key") == "hmac");
  BOOST_TEST(json::parse(secrets.at("/http/encrypted")) == json::parse(R"({"apiKey":"k"})"));
  auto text = json::serialize(doc);
  for (auto plain : {"T0K", "\"pw\"", "SK", "hmac", "\"k\""})
    BOOST_TEST(text.find(plain) == std::string::npos, plain);
  BOOST_TEST(text.find("not secret") != std::string::npos);
  BOOST_TEST(text.find("\"AK\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(mask_sent_back_keeps_the_stored_secret) {
  auto doc = json::parse(R"({"http":{"auth":{"basic":{"password":"******"}},"encrypted":"******"}})");
  auto incoming = extract_secrets(doc);
  BOOST_TEST(incoming.empty());
  secret_map stored{{"/http/auth/basic/password", "SEALED1"}, {"/http/encrypted", "SEALED2"},
                    {"/gone/password", "SEALED3"}};
  auto merged = merge_secrets(doc, incoming, stored);
  BOOST_TEST(merged.size() == 2u);
  BOOST_TEST(merged.at("/http/auth/basic/password") == "SEALED1");
}

BOOST_AUTO_TEST_CASE(new_value_replaces_the_stored_secret) {
  auto doc = json::parse(R"({"http":{"auth":{"basic":{"password":"new"}}}})");
  auto incoming = extract_secrets(doc);
  auto merged = merge_secrets(doc, incoming, {{"/http/auth/basic/password", "OLD"}});
  BOOST_TEST(merged.at("/http/auth/basic/password") == "new");
}

BOOST_AUTO_TEST_CASE(reveal_restores_plaintext_and_structure) {
  auto doc = json::parse(R"({"http":{"auth":{"basic":{"password":"pw"}},"encrypted":{"a":[1]}}})");
  auto original = doc;
  auto secrets = extract_secrets(doc);
  reveal_secrets(doc, secrets);
  BOOST_TEST(doc == original);
}

BOOST_AUTO_TEST_SUITE_END()
