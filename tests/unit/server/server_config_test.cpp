#include "server/server_config.hpp"

#include <boost/test/unit_test.hpp>

#include <fstream>
#include <map>
#include <sstream>

using namespace integrator;

namespace {
std::function<const char*(const char*)> env(std::map<std::string, std::string> vars) {
  auto shared = std::make_shared<std::map<std::string, std::string>>(std::move(vars));
  return [shared](const char* n) -> const char* {
    auto it = shared->find(n);
    return it == shared->end() ? nullptr : it->second.c_str();
  };
}
}  // namespace

BOOST_AUTO_TEST_SUITE(server_config_test)

BOOST_AUTO_TEST_CASE(defaults_are_loopback_and_a_local_folder) {
  integrator::server_config c;
  std::string err;
  BOOST_TEST(load_server_config({}, env({}), c, err));
  BOOST_TEST(c.listen == "127.0.0.1:8080");
  BOOST_TEST(c.data_dir == "./integrator-data");
  BOOST_TEST(c.body_limit >= 5000000u);
  BOOST_TEST(c.rate_bucket_size == 100);
  BOOST_TEST(c.rate_fill_rate == 30);
}

BOOST_AUTO_TEST_CASE(flags_beat_environment_which_beats_file) {
  integrator::server_config c;
  std::string err;
  BOOST_TEST(apply_config_text("listen = 0.0.0.0:1\nbody-limit=2048 # comment\n", c, err));
  BOOST_TEST(c.listen == "0.0.0.0:1");
  BOOST_TEST(load_server_config({"--data-dir", "/x", "--listen=127.0.0.1:9"},
                                env({{"INTEGRATOR_LISTEN", "127.0.0.1:7"},
                                     {"INTEGRATOR_RATE_FILL_RATE", "300"}}),
                                c, err));
  BOOST_TEST(c.data_dir == "/x");
  BOOST_TEST(c.listen == "127.0.0.1:9");
  BOOST_TEST(c.rate_fill_rate == 300);
  BOOST_TEST(c.body_limit == 2048u);
}

BOOST_AUTO_TEST_CASE(rejects_unknown_flags_and_bad_values) {
  integrator::server_config c;
  std::string err;
  BOOST_TEST(!load_server_config({"--bogus", "1"}, env({}), c, err));
  BOOST_TEST(err.find("bogus") != std::string::npos);
  BOOST_TEST(!load_server_config({"--io-threads", "zero"}, env({}), c, err));
  BOOST_TEST(!load_server_config({"--listen"}, env({}), c, err));
  BOOST_TEST(!apply_config_text("no equals sign", c, err));
  // HTTPS takes a certificate and its key, both.
  BOOST_TEST(!load_server_config({"--tls-cert", "c.pem"}, env({}), c, err));
  BOOST_TEST(err.find("tls-key") != std::string::npos, err);
  integrator::server_config tls;
  BOOST_TEST(load_server_config({"--tls-cert", "c.pem", "--tls-key", "k.pem"}, env({}), tls, err), err);
  BOOST_TEST(tls.tls_key == "k.pem");
  BOOST_TEST(load_server_config({"--help"}, env({}), c, err));
  BOOST_TEST(c.help);
  BOOST_TEST(server_config_help().find("--data-dir") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(example_config_file_parses_and_lists_every_setting) {
  std::ifstream f(std::string(INTEGRATOR_SOURCE_DIR) + "/docs/integratord.conf.example");
  BOOST_REQUIRE(f);
  std::stringstream text;
  text << f.rdbuf();
  integrator::server_config c;
  std::string err;
  BOOST_TEST(apply_config_text(text.str(), c, err), err);
  // Every --flag of the help text is a key of the example.
  std::istringstream help(server_config_help());
  std::string line;
  while (std::getline(help, line)) {
    auto dash = line.find("  --");
    if (dash != 0)
      continue;
    auto key = line.substr(4, line.find(' ', 4) - 4);
    if (key == "config" || key == "help")
      continue;
    BOOST_TEST(text.str().find(key + " =") != std::string::npos, key);
  }
}

BOOST_AUTO_TEST_SUITE_END()
