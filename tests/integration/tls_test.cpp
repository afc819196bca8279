// TLS to a connection: a real TLS server (openssl s_server) with a
// self-signed certificate on 127.0.0.1. Certificate checks are on unless
// the connection says disableStrictSSL.
#include <boost/test/unit_test.hpp>

#include <sys/wait.h>
#include <csignal>
#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "tests/integration/fixture.hpp"

using namespace integrator::test;

namespace {

// openssl s_server with a fresh self-signed certificate; -www answers
// every GET with a status page.
struct tls_server {
  std::string dir;
  int pid = -1;
  unsigned short port = 0;

  tls_server() {
    char tmpl[] = "/tmp/integrator-tls-XXXXXX";
    dir = ::mkdtemp(tmpl);
    auto cmd = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 -keyout " + dir
               + "/key.pem -out " + dir + "/cert.pem >/dev/null 2>&1";
    BOOST_REQUIRE_MESSAGE(std::system(cmd.c_str()) == 0, "openssl could not make a certificate");
    for (int attempt = 0; attempt < 20 && pid < 0; ++attempt) {
      port = static_cast<unsigned short>(20000 + (::getpid() * 7 + attempt * 131) % 20000);
      int child = ::fork();
      if (child == 0) {
        int devnull = ::open("/dev/null", O_RDWR);
        ::dup2(devnull, 0);
        ::dup2(devnull, 1);
        ::dup2(devnull, 2);
        auto p = std::to_string(port);
        auto cert = dir + "/cert.pem", key = dir + "/key.pem";
        ::execlp("openssl", "openssl", "s_server", "-accept", ("127.0.0.1:" + p).c_str(), "-cert",
                 cert.c_str(), "-key", key.c_str(), "-www", "-quiet", nullptr);
        ::_exit(127);
      }
      // Wait until it listens (or gave up: port taken).
      for (int i = 0; i < 50; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        int status = 0;
        if (::waitpid(child, &status, WNOHANG) == child)
          break;
        auto probe = "exec 3<>/dev/tcp/127.0.0.1/" + std::to_string(port);
        if (std::system(("bash -c '" + probe + "' 2>/dev/null").c_str()) == 0) {
          pid = child;
          break;
        }
      }
    }
    BOOST_REQUIRE_MESSAGE(pid > 0, "openssl s_server did not start");
  }
  ~tls_server() {
    if (pid > 0) {
      ::kill(pid, SIGTERM);
      ::waitpid(pid, nullptr, 0);
    }
    std::filesystem::remove_all(dir);
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(tls)

BOOST_FIXTURE_TEST_CASE(certificates_are_checked_unless_disable_strict_ssl, api_fixture) {
  tls_server server_tls;
  auto base = "https://127.0.0.1:" + std::to_string(server_tls.port);
  auto strict = api("POST", "/v1/connections/ping",
                    R"({"type":"http","http":{"baseURI":")" + base + R"("}})");
  BOOST_TEST(strict.status == 422u);
  BOOST_TEST(strict.body.find("certificate") != std::string::npos);
  auto lenient = api("POST", "/v1/connections/ping",
                     R"({"type":"http","http":{"baseURI":")" + base + R"(","disableStrictSSL":true}})");
  BOOST_TEST(lenient.status == 200u, lenient.body);
}

BOOST_AUTO_TEST_SUITE_END()
