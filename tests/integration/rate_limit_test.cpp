#include <chrono>
#include <thread>

#include "tests/integration/fixture.hpp"

using namespace integrator::test;

BOOST_FIXTURE_TEST_SUITE(rate_limit, api_fixture)

// 100 at once, then 30 per second: what passes depends on how long the burst
// took (a loaded machine answers slower), so the bound is computed from it.
// A flood of bad tokens is limited per client address: 20 failures at once,
// then 1 per second; meanwhile the address gets 429 before its requests are
// looked at, whatever token they carry.
BOOST_AUTO_TEST_CASE(failed_authentications_are_limited_per_address) {
  int unauthorized = 0, limited = 0;
  auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < 200; ++i) {
    auto r = as("0123456789abcdef0123456789abcdef", "GET", "/v1/tokenInfo");
    if (r.status == 401u)
      ++unauthorized;
    if (r.status == 429u) {
      ++limited;
      BOOST_TEST(std::stoi(r.header("retry-after")) >= 1);
      BOOST_TEST(r.error_code() == "rate_limited");
    }
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  BOOST_TEST(unauthorized >= 20);
  BOOST_TEST(unauthorized <= 20 + static_cast<int>(seconds) + 1, unauthorized << " in " << seconds << " s");
  BOOST_TEST(unauthorized + limited == 200);
  // The address is refused even with a good token, until a failure's worth refilled.
  auto blocked = api("GET", "/v1/tokenInfo");
  BOOST_TEST(blocked.status == 429u);
  std::this_thread::sleep_for(std::chrono::seconds(std::stoi(blocked.header("retry-after"))));
  BOOST_TEST(api("GET", "/v1/tokenInfo").status == 200u);
}

BOOST_AUTO_TEST_CASE(burst_of_150_is_limited_per_the_bucket_with_retry_after) {
  int ok = 0, limited = 0;
  auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < 150; ++i) {
    auto r = api("GET", "/v1/tokenInfo");
    if (r.status == 200u)
      ++ok;
    if (r.status == 429u) {
      ++limited;
      BOOST_TEST(std::stoi(r.header("retry-after")) >= 1);
      BOOST_TEST(r.error_code() == "rate_limited");
    }
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  int refilled = static_cast<int>(30 * seconds) + 1;
  BOOST_TEST(ok >= 100);
  BOOST_TEST(ok <= 100 + refilled);
  BOOST_TEST(limited >= std::max(1, 50 - refilled));
  BOOST_TEST(ok + limited == 150);
  BOOST_TEST_MESSAGE("burst took " << seconds << " s: " << ok << " passed, " << limited << " limited");
}

BOOST_AUTO_TEST_CASE(accounts_have_separate_buckets_and_operator_can_raise_one) {
  std::string id;
  auto other = new_account("bucket", &id);
  // Until the bucket runs dry: 100 calls and what refilled meanwhile (30 a
  // second; a slow, instrumented build refills more on the way).
  bool limited = false;
  for (int i = 0; i < 2000 && !limited; ++i)
    limited = api("GET", "/v1/tokenInfo").status == 429u;
  BOOST_TEST(limited);
  BOOST_TEST(as(other, "GET", "/v1/tokenInfo").status == 200u);
  BOOST_TEST(admin("PUT", "/accounts/" + id + "/rateLimit", R"({"bucketSize":5,"fillRate":1})").status == 200u);
  // Level is clipped to the new size at once.
  int ok = 0;
  for (int i = 0; i < 10; ++i)
    ok += as(other, "GET", "/v1/tokenInfo").status == 200u;
  BOOST_TEST(ok <= 6);
  auto limits = admin("GET", "/accounts/" + id + "/rateLimit").json();
  BOOST_TEST(limits.at("bucketSize").to_number<double>() == 5);
  BOOST_TEST(admin("PUT", "/accounts/" + id + "/rateLimit", R"({"bucketSize":-1,"fillRate":1})").status == 422u);
}

BOOST_AUTO_TEST_SUITE_END()
