#include "tests/integration/fixture.hpp"

#include <filesystem>
#include <fstream>
#include <iterator>

using namespace integrator::test;

namespace {

// True when any file under `dir` contains `needle` byte for byte.
bool any_file_contains(const std::string& dir, const std::string& needle) {
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file())
      continue;
    std::ifstream f(entry.path(), std::ios::binary);
    std::string content((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    if (content.find(needle) != std::string::npos)
      return true;
  }
  return false;
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(secrets, api_fixture)

BOOST_AUTO_TEST_CASE(secrets_never_come_back_and_never_reach_disk_in_plaintext) {
  const std::string secrets[] = {"p4ssw0rd-SECRET", "tok-SECRET-123", "AKIA-SECRET-KEY", "cs-SECRET-9",
                                 "systok-SECRET"};
  auto conn = http_connection();
  auto token_conn = create("connections",
                           R"({"type":"http","http":{"baseURI":"https://x","auth":{"type":"token","token":{"token":"tok-SECRET-123","location":"header","scheme":"Bearer"}}}})");
  create("connections", R"({"type":"s3","s3":{"region":"us-east-1","accessKeyId":"AKIA","secretAccessKey":"AKIA-SECRET-KEY"}})");
  create("iClients", R"({"provider":"shopify","oauth2":{"clientId":"id","clientSecret":"cs-SECRET-9"}})");
  create("stacks", R"({"name":"s","type":"server","server":{"hostURI":"http://127.0.0.1:1","systemToken":"systok-SECRET"}})");
  std::string everything;
  for (auto coll : {"connections", "iClients", "stacks"})
    everything += api("GET", std::string("/v1/") + coll).body;
  everything += api("GET", "/v1/connections/" + conn).body;
  for (const auto& s : secrets)
    BOOST_TEST(everything.find(s) == std::string::npos, s);
  BOOST_TEST(everything.find("******") != std::string::npos);
  // Sending the mask back keeps the secret; the document still reads masked.
  auto doc = api("GET", "/v1/connections/" + token_conn).body;
  auto put = api("PUT", "/v1/connections/" + token_conn, doc);
  BOOST_TEST(put.status == 200u);
  BOOST_TEST(put.body.find("******") != std::string::npos);
  server.stop();  // flush everything RocksDB holds in memory to files
  for (const auto& s : secrets)
    BOOST_TEST(!(any_file_contains(server.data_dir(), s) || server.pg_store_contains(s)), s);
}

BOOST_AUTO_TEST_CASE(api_tokens_are_stored_only_as_hashes) {
  std::string id;
  auto t = new_account("hashme", &id);
  server.stop();
  std::filesystem::remove(server.data_dir() + "/initial-token");
  BOOST_TEST(!(any_file_contains(server.data_dir(), t) || server.pg_store_contains(t)));
  BOOST_TEST(!(any_file_contains(server.data_dir(), token) || server.pg_store_contains(token)));
}

BOOST_AUTO_TEST_SUITE_END()
