#include "core/util/encoding.hpp"

#include <boost/test/unit_test.hpp>

using namespace integrator;

BOOST_AUTO_TEST_SUITE(encoding_test)

BOOST_AUTO_TEST_CASE(base64_is_standard_and_padded) {
  BOOST_TEST(to_base64("") == "");
  BOOST_TEST(to_base64("f") == "Zg==");
  BOOST_TEST(to_base64("fo") == "Zm8=");
  BOOST_TEST(to_base64("foo") == "Zm9v");
  BOOST_TEST(to_base64("user:p\xc3\xa4ss") == "dXNlcjpww6Rzcw==");
}

BOOST_AUTO_TEST_CASE(hex_round_trips_and_refuses_what_is_not_hex) {
  const std::uint8_t bytes[] = {0x00, 0x7f, 0xab, 0xff};
  BOOST_TEST(to_hex(bytes, 4) == "007fabff");
  auto back = from_hex("007FabfF");
  BOOST_REQUIRE(back.has_value());
  BOOST_TEST((*back == std::vector<std::uint8_t>{0x00, 0x7f, 0xab, 0xff}));
  BOOST_TEST(!from_hex("abc"));   // odd length
  BOOST_TEST(!from_hex("zz"));
  BOOST_TEST(!from_hex("ab cd"));
  BOOST_TEST(from_hex("")->empty());
  BOOST_TEST(hex_value('F') == 15);
  BOOST_TEST(hex_value('g') == -1);
}

BOOST_AUTO_TEST_SUITE_END()
