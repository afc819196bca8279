#include "core/api/operations.hpp"

#include <boost/test/unit_test.hpp>

#include "core/api/route.hpp"

using namespace integrator;

namespace {

const std::string id = "5a0c3d0b8e4f2a1b3c4d5e6f";

// A concrete path for `pattern`: every parameter given a valid value.
std::vector<std::string> example_path(std::string_view pattern) {
  std::vector<std::string> out;
  std::size_t start = 1;
  while (start <= pattern.size()) {
    auto slash = pattern.find('/', start);
    std::string seg(pattern.substr(start, slash == std::string_view::npos ? slash : slash - start));
    if (seg == "{collection}" || seg == "{cloneable}")
      seg = "exports";
    else if (seg == "{key}")
      seg = "counter";
    else if (seg == "{apiIdentifier}")
      seg = "i1a2b3c4";
    else if (seg.front() == '{')
      seg = id;
    else if (auto bar = seg.find('|'); bar != std::string::npos)
      seg = seg.substr(0, bar);
    if (!seg.empty() && seg.front() == '~')
      seg = seg.substr(1);
    out.push_back(seg);
    if (slash == std::string_view::npos)
      break;
    start = slash + 1;
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(operations_test)

BOOST_AUTO_TEST_CASE(every_operation_has_a_row) {
  for (std::size_t i = 0; i < api_op_count; ++i) {
    auto op = static_cast<api_op>(i);
    BOOST_TEST((operation_of(op).op == op), "op " << i);
  }
}

BOOST_AUTO_TEST_CASE(a_row_has_one_handler_for_where_it_runs) {
  for (const auto& row : operations()) {
    int handlers = (row.on_store != nullptr) + (row.on_engine != nullptr) + (row.on_operator != nullptr);
    BOOST_TEST(handlers == (row.op == api_op::token_info ? 0 : 1), row.method << " " << row.path);
    // Only store reads may run against the memory-only view; lists page.
    if (row.reads_only)
      BOOST_TEST((row.runner() == op_runner::store && std::string(row.method) == "GET"), row.path);
    if (row.paged)
      BOOST_TEST((row.takes_query && row.reads_only), row.path);
  }
}

BOOST_AUTO_TEST_CASE(every_row_is_reached_by_its_own_path) {
  for (const auto& row : operations()) {
    bool admin = row.runner() == op_runner::operator_;
    auto path = example_path(row.path);
    auto routed = route(row.method, admin, path);
    BOOST_TEST(!routed.error, row.method << " " << row.path << ": " << routed.error.message);
    BOOST_TEST((routed.call.op == row.op), row.method << " " << row.path);
    BOOST_TEST(routed.call.scoped == row.scoped, row.path);
  }
}

BOOST_AUTO_TEST_CASE(a_malformed_id_is_named_when_the_rest_of_the_path_matches) {
  auto r = route("PUT", false, {"jobs", id, "joberrors", "nope", "resolve"});
  BOOST_TEST(r.error.message == "Invalid job error id");
  r = route("GET", false, {"jobs", id, "joberrors", "nope", "resolve"});  // before the method
  BOOST_TEST(r.error.message == "Invalid job error id");
  r = route("POST", false, {"flows", "nope", "run"});
  BOOST_TEST(r.error.message == "Invalid flow id");
  r = route("GET", false, {"flows", id, "nope", "errors"});
  BOOST_TEST(r.error.message == "Invalid step id");
  r = route("DELETE", true, {"tokens", "nope"});
  BOOST_TEST(r.error.message == "Invalid token id");
}

BOOST_AUTO_TEST_CASE(collections_and_legacy_segments_match_in_any_case) {
  BOOST_TEST((route("POST", false, {"Flows", id, "run"}).call.op == api_op::flow_run));
  BOOST_TEST((route("GET", false, {"jobs", id, "JobErrors"}).call.op == api_op::job_errors));
  BOOST_TEST((route("GET", false, {"jobs", id, "errors"}).call.op == api_op::job_errors));
  auto long_form = route("GET", false, {"flows", id, "imports", id, "errors"});
  BOOST_TEST((long_form.call.op == api_op::step_errors));
  BOOST_TEST(long_form.call.sub_id == id);
}

BOOST_AUTO_TEST_SUITE_END()
