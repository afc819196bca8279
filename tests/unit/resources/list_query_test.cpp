#include "core/resources/list_query.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

using namespace integrator;
namespace json = boost::json;

BOOST_AUTO_TEST_SUITE(list_query_test)

BOOST_AUTO_TEST_CASE(parses_paging_projection_and_filters) {
  integrator::list_query q;
  BOOST_TEST(!parse_list_query(resource_kind::export_,
                               {{"skip", "10"}, {"limit", "5000"}, {"include", "name,http.method"},
                                {"adaptorType", "HTTPExport"}},
                               q));
  BOOST_TEST(q.skip == 10u);
  BOOST_TEST(q.limit == default_list_limit);
  BOOST_TEST(q.include.size() == 2u);
  BOOST_TEST(q.filters.size() == 1u);
}

BOOST_AUTO_TEST_CASE(rejects_bad_queries_with_invalid_query_params) {
  for (query_params p : {query_params{{"skip", "-1"}}, query_params{{"limit", "0"}},
                         query_params{{"limit", "abc"}}, query_params{{"bogus", "1"}},
                         query_params{{"include", "a"}, {"exclude", "b"}}}) {
    integrator::list_query q;
    auto e = parse_list_query(resource_kind::export_, p, q);
    BOOST_TEST((e.kind() == errc::invalid_request));
    BOOST_TEST((e.code == error_code::invalid_query_params));
  }
}

BOOST_AUTO_TEST_CASE(filters_compare_strings_and_booleans) {
  auto doc = json::parse(R"({"type":"http","disabled":true,"n":3})");
  BOOST_TEST(matches_filters(doc, {{"type", "http"}}));
  BOOST_TEST(!matches_filters(doc, {{"type", "ftp"}}));
  BOOST_TEST(matches_filters(doc, {{"disabled", "true"}}));
  BOOST_TEST(matches_filters(doc, {{"n", "3"}}));
  BOOST_TEST(matches_filters(json::parse("{}"), {{"disabled", "false"}}));
  BOOST_TEST(!matches_filters(json::parse("{}"), {{"type", "http"}}));
}

BOOST_AUTO_TEST_CASE(projects_include_exclude_and_list_omissions) {
  auto doc = json::parse(R"({"_id":"x","name":"n","http":{"method":"GET","relativeURI":"/a"}})");
  integrator::list_query q;
  q.include = {"http.method"};
  BOOST_TEST(project(resource_kind::export_, doc, q)
             == json::parse(R"({"_id":"x","http":{"method":"GET"}})"));
  integrator::list_query ex;
  ex.exclude = {"http.relativeURI", "name"};
  BOOST_TEST(project(resource_kind::export_, doc, ex)
             == json::parse(R"({"_id":"x","http":{"method":"GET"}})"));
  auto script = json::parse(R"({"_id":"s","name":"n","content":"code"})");
  BOOST_TEST(project(resource_kind::script, script, {}) == json::parse(R"({"_id":"s","name":"n"})"));
}

BOOST_AUTO_TEST_SUITE_END()
