// TLS to a connection: a real TLS server (openssl s_server) with a
// self-signed certificate on 127.0.0.1. Certificate checks are on unless
// the connection says disableStrictSSL.
#include <boost/test/unit_test.hpp>

#include <sys/wait.h>
#include <csignal>
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "tests/integration/fixture.hpp"

using namespace integrator::test;

namespace {

// A fresh self-signed certificate for 127.0.0.1 (cert.pem, key.pem) in a
// folder of its own, removed with it.
struct self_signed {
  std::string dir;
  self_signed() {
    char tmpl[] = "/tmp/integrator-tls-XXXXXX";  // mkdtemp() replaces the six X's
    dir = ::mkdtemp(tmpl);
    auto cmd = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 -addext "
               "subjectAltName=IP:127.0.0.1 -keyout " + dir + "/key.pem -out " + dir + "/cert.pem >/dev/null 2>&1";
    BOOST_REQUIRE_MESSAGE(std::system(cmd.c_str()) == 0, "openssl could not make a certificate");
  }
  ~self_signed() { std::filesystem::remove_all(dir); }
  std::string cert() const { return dir + "/cert.pem"; }
  std::string key() const { return dir + "/key.pem"; }
};

// openssl s_server with a fresh self-signed certificate; -www answers
// every GET with a status page.
struct tls_server : self_signed {
  int pid = -1;
  unsigned short port = 0;

  tls_server() {
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
  }
};

// Runs `cmd` in a shell; its standard output, and its exit status in `rc`.
std::string shell(const std::string& cmd, int& rc) {
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  BOOST_REQUIRE(p);
  char buf[4096];
  while (auto n = std::fread(buf, 1, sizeof buf, p))
    out.append(buf, n);
  int status = ::pclose(p);
  rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

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

// --tls-cert/--tls-key: the API answers over HTTPS only, TLS 1.2 or later.
BOOST_AUTO_TEST_CASE(the_api_is_served_over_https_when_given_a_certificate) {
  self_signed files;
  server_process https({"--tls-cert", files.cert(), "--tls-key", files.key()});
  auto url = "https://127.0.0.1:" + std::to_string(https.port());
  int rc = 0;
  auto body = shell("curl -sS --cacert " + files.cert() + " -H 'Authorization: Bearer " + https.initial_token()
                      + "' " + url + "/v1/tokenInfo",
                    rc);
  BOOST_TEST(rc == 0);
  BOOST_TEST(body.find("_userId") != std::string::npos, body);
  // Keep-alive and a write over the same TLS connection.
  body = shell("curl -sS --cacert " + files.cert() + " -H 'Authorization: Bearer " + https.initial_token()
                 + "' -H 'Content-Type: application/json' -d '{\"name\":\"tls\"}' " + url + "/v1/scripts --next --cacert "
                 + files.cert() + " -H 'Authorization: Bearer " + https.initial_token() + "' " + url + "/v1/scripts",
               rc);
  BOOST_TEST(rc == 0);
  BOOST_TEST(body.find("\"tls\"") != std::string::npos, body);
  // TLS 1.1 and older are refused by the server (the client allows them).
  shell("openssl s_client -connect 127.0.0.1:" + std::to_string(https.port())
          + " -tls1_1 -cipher 'DEFAULT@SECLEVEL=0' </dev/null >/dev/null 2>&1",
        rc);
  BOOST_TEST(rc != 0);
  shell("openssl s_client -connect 127.0.0.1:" + std::to_string(https.port())
          + " -tls1_2 </dev/null >/dev/null 2>&1",
        rc);
  BOOST_TEST(rc == 0);
  // Plain HTTP on the HTTPS port gets no API answer; the server lives on.
  shell("curl -sS -m 5 -o /dev/null -w '%{http_code}' http://127.0.0.1:" + std::to_string(https.port())
          + "/v1/tokenInfo 2>/dev/null",
        rc);
  BOOST_TEST(rc != 0);
  BOOST_TEST(https.stop() == 0);
}

BOOST_AUTO_TEST_CASE(a_certificate_without_its_key_is_refused_at_start) {
  self_signed files;
  int rc = 0;
  auto out = shell(std::string(INTEGRATORD_PATH) + " --data-dir " + files.dir + "/data --listen 127.0.0.1:0 --tls-cert "
                     + files.cert() + " 2>&1",
                   rc);
  BOOST_TEST(rc == 2);
  BOOST_TEST(out.find("tls-key") != std::string::npos, out);
  out = shell(std::string(INTEGRATORD_PATH) + " --data-dir " + files.dir + "/data --listen 127.0.0.1:0 --tls-cert "
                + files.cert() + " --tls-key " + files.cert() + " 2>&1",
              rc);
  BOOST_TEST(rc != 0);
  BOOST_TEST(out.find("TLS key") != std::string::npos, out);
}

BOOST_AUTO_TEST_SUITE_END()
