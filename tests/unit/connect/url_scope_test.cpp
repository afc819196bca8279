#include "core/connect/url_scope.hpp"

#include <boost/test/unit_test.hpp>

using namespace integrator;

BOOST_AUTO_TEST_SUITE(url_scope_test)

BOOST_AUTO_TEST_CASE(a_target_with_a_place_of_its_own_is_recognised) {
  for (const char* t : {"http://x", "HTTPS://x/y", "//x/y", "javascript:alert(1)", "mailto:a@b",
                        "a+b-c.d:e", "\\\\x\\\\y", "/a\\\\b"})
    BOOST_TEST(names_own_place(t), t);
  for (const char* t : {"/a/b", "a/b", "?q=1", "/a?u=http://x", "/a:b", "1a:b", "", "#f",
                        "/path?x=\\\\"})
    BOOST_TEST(!names_own_place(t), t);
}

BOOST_AUTO_TEST_CASE(dot_segments_resolve_as_rfc_3986_says_also_when_encoded) {
  BOOST_TEST(remove_dot_segments("/a/b/c/./../../g") == "/a/g");
  BOOST_TEST(remove_dot_segments("/a/%2e%2E/b") == "/b");
  BOOST_TEST(remove_dot_segments("/a/b/..") == "/a/");
  BOOST_TEST(remove_dot_segments("/../../x") == "/x");
  BOOST_TEST(remove_dot_segments("/a/.b/..c") == "/a/.b/..c");
  BOOST_TEST(remove_dot_segments("") == "");
}

BOOST_AUTO_TEST_CASE(http_urls_split_into_origin_path_and_rest) {
  auto u = split_http_url("HTTP://Example.COM:81/A/b?x=1#f");
  BOOST_REQUIRE(u.has_value());
  BOOST_TEST(u->origin == "http://example.com:81");
  BOOST_TEST(u->path == "/A/b");
  BOOST_TEST(u->rest == "?x=1#f");
  BOOST_TEST(split_http_url("https://h")->path.empty());
  BOOST_TEST(!split_http_url("ftp://h/x"));
  BOOST_TEST(!split_http_url("http://user:pw@h/x"));  // no userinfo: it hides the real host
  BOOST_TEST(!split_http_url("/relative"));
}

BOOST_AUTO_TEST_CASE(a_path_is_within_its_base_only_at_a_segment_boundary) {
  BOOST_TEST(path_within("/api/v1/x", "/api/v1"));
  BOOST_TEST(path_within("/api/v1", "/api/v1/"));
  BOOST_TEST(!path_within("/api/v10", "/api/v1"));
  BOOST_TEST(!path_within("/admin", "/api"));
  BOOST_TEST(path_within("/anything", ""));
  BOOST_TEST(path_within("/anything", "/"));
}

BOOST_AUTO_TEST_SUITE_END()
