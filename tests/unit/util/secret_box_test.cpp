#include "core/util/secret_box.hpp"

#include <boost/test/unit_test.hpp>

using namespace integrator;

BOOST_AUTO_TEST_SUITE(secret_box_test)

BOOST_AUTO_TEST_CASE(seals_and_opens_with_the_same_key_only) {
  auto key = *integrator::secret_box::key_from_hex(random_hex(32));
  integrator::secret_box box(key);
  auto sealed = box.seal("p@ssw0rd");
  BOOST_TEST(sealed.find("p@ssw0rd") == std::string::npos);
  BOOST_TEST(*box.open(sealed) == "p@ssw0rd");
  BOOST_TEST(box.seal("p@ssw0rd") != sealed);  // fresh nonce each time
  integrator::secret_box other(*integrator::secret_box::key_from_hex(random_hex(32)));
  BOOST_TEST(!other.open(sealed).has_value());
  BOOST_TEST(!box.open("not base64 !").has_value());
}

BOOST_AUTO_TEST_CASE(key_must_be_64_hex_digits) {
  BOOST_TEST(!integrator::secret_box::key_from_hex("abc").has_value());
  BOOST_TEST(!integrator::secret_box::key_from_hex(std::string(64, 'g')).has_value());
  BOOST_TEST(integrator::secret_box::key_from_hex(std::string(64, 'a')).has_value());
}

BOOST_AUTO_TEST_CASE(token_hash_is_stable_and_hides_the_token) {
  auto h = token_hash("abc");
  BOOST_TEST(h.size() == 64u);
  BOOST_TEST(token_hash("abc") == h);
  BOOST_TEST(token_hash("abd") != h);
  BOOST_TEST(random_hex(16).size() == 32u);
}

BOOST_AUTO_TEST_SUITE_END()
