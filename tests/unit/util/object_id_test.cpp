#include "core/util/object_id.hpp"

#include <boost/test/unit_test.hpp>

#include <set>

using namespace integrator;

BOOST_AUTO_TEST_SUITE(object_id_test)

BOOST_AUTO_TEST_CASE(generated_ids_are_24_hex_unique_and_time_ordered) {
  object_id_generator gen({1, 2, 3, 4, 5}, 0xFFFFF0);
  std::set<std::string> seen;
  std::string prev;
  for (std::uint32_t s = 1700000000; s < 1700000003; ++s)
    for (int i = 0; i < 100; ++i) {
      auto id = gen.next(s);
      BOOST_TEST(is_object_id(id));
      BOOST_TEST(object_id_seconds(id) == s);
      BOOST_TEST(seen.insert(id).second);
      if (!prev.empty() && object_id_seconds(prev) < s)
        BOOST_TEST(prev < id);
      prev = id;
    }
}

BOOST_AUTO_TEST_CASE(rejects_malformed_ids) {
  BOOST_TEST(is_object_id("5a0c3d0b8e4f2a1b3c4d5e6f"));
  BOOST_TEST(is_object_id("5A0C3D0B8E4F2A1B3C4D5E6F"));
  BOOST_TEST(!is_object_id("123ab456c789de1011fg12h13i"));  // the docs' scrubbed sample
  BOOST_TEST(!is_object_id("5a0c3d0b8e4f2a1b3c4d5e6"));
  BOOST_TEST(!is_object_id("5a0c3d0b8e4f2a1b3c4d5e6fa"));
  BOOST_TEST(!is_object_id(""));
  BOOST_TEST(object_id_seconds("nope") == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
