// Access before validation, on every route of the operations table: a
// caller who names another account's resource learns only that it does not
// exist (404), whatever else is wrong with the request (a malformed body, a
// missing header). The routes come from core/api/operations.cpp, so a new
// row is walked too.
#include <boost/test/unit_test.hpp>

#include <map>
#include <set>
#include <sstream>

#include "core/api/operations.hpp"
#include "tests/integration/fixture.hpp"

using namespace integrator::test;

namespace {

// Each alternative of one pattern segment ("a|b", "~x" for any case).
std::vector<std::string> alternatives(const std::string& segment) {
  std::vector<std::string> out;
  std::stringstream in(segment);
  for (std::string alt; std::getline(in, alt, '|');)
    out.push_back(alt.starts_with('~') ? alt.substr(1) : alt);
  return out;
}

struct foreign_resources : api_fixture {
  std::string other = new_account("other");
  std::map<std::string, std::string> id_of;  ///< collection → a resource of the fixture's account
  std::string job, api_identifier;

  foreign_resources() {
    auto conn = create("connections", R"({"type":"http","name":"c","http":{"baseURI":"http://127.0.0.1:1"}})");
    auto exp = create("exports", R"({"name":"e","adaptorType":"HTTPExport","_connectionId":")" + conn
                                   + R"(","http":{"relativeURI":"/x"}})");
    auto imp_reply = api("POST", "/v1/imports", R"({"name":"i","adaptorType":"HTTPImport","_connectionId":")"
                                                    + conn + R"(","http":{"method":["POST"],"relativeURI":["/y"]}})");
    BOOST_REQUIRE_MESSAGE(imp_reply.status == 201u, imp_reply.body);
    auto imp = std::string(imp_reply.json().at("_id").as_string());
    api_identifier = std::string(imp_reply.json().at("apiIdentifier").as_string());
    auto integration = create("integrations", R"({"name":"n"})");
    auto flow = create("flows", R"({"name":"f","_integrationId":")" + integration
                                  + R"(","pageGenerators":[{"_exportId":")" + exp
                                  + R"("}],"pageProcessors":[{"type":"import","_importId":")" + imp + R"("}]})");
    id_of = {{"connections", conn}, {"exports", exp},   {"imports", imp},
             {"flows", flow},       {"integrations", integration},
             {"scripts", create("scripts", R"({"name":"s"})")}};
    auto run = api("POST", "/v1/flows/" + flow + "/run");
    BOOST_REQUIRE_MESSAGE(run.status == 201u, run.body);
    job = std::string(run.json().at("_jobId").as_string());
  }

  // Concrete paths of `pattern`, each naming at least one resource of the
  // fixture's account; none when the pattern names no resource.
  std::vector<std::string> expand(const std::string& pattern) {
    std::vector<std::pair<std::string, bool>> paths{{"", false}};  // path, names a resource
    std::string collection;
    std::stringstream in(pattern.substr(1));
    for (std::string seg; std::getline(in, seg, '/');) {
      std::vector<std::pair<std::string, bool>> next;
      for (const auto& [path, named] : paths) {
        auto add = [&, &path = path, &named = named](const std::string& s, bool names) {
          next.emplace_back(path + "/" + s, named || names);
        };
        if (seg == "{collection}" || seg == "{cloneable}") {
          for (const auto& [c, id] : id_of)
            add(c, false);
        } else if (seg == "{id}") {
          // The collection is the segment before.
          auto c = path.substr(path.rfind('/') + 1);
          add(id_of.count(c) ? id_of[c] : "0123456789abcdef01234567", id_of.count(c) > 0);
        } else if (seg == "{job}") {
          add(job, true);
        } else if (seg == "{step}") {
          add(id_of["imports"], true);
        } else if (seg == "{apiIdentifier}") {
          add(api_identifier, true);
        } else if (seg == "{key}") {
          add("k", false);
        } else if (seg.starts_with('{')) {  // error, retry, license: ids of nothing
          add("0123456789abcdef01234567", false);
        } else {
          for (const auto& alt : alternatives(seg))
            add(alt, false);
        }
      }
      paths = std::move(next);
    }
    std::vector<std::string> out;
    for (const auto& [path, named] : paths)
      if (named)
        out.push_back(path);
    return out;
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(route_access, foreign_resources)

BOOST_AUTO_TEST_CASE(every_route_answers_404_for_another_accounts_resource_before_reading_the_request) {
  std::set<std::string> walked;
  for (const auto& row : integrator::operations()) {
    if (row.on_operator)
      continue;  // /admin/v1 is the operator's, not an account's
    for (const auto& path : expand(row.path)) {
      if (!walked.insert(std::string(row.method) + " " + path).second)
        continue;
      // A body that is not JSON, no Integrator-* headers: every check
      // that reads the request would fail, but access comes first.
      auto r = as(other, row.method, "/v1" + path, "{not json");
      BOOST_TEST(r.status == 404u, row.method << " " << path << " (" << row.path << "): " << r.status << " "
                                              << r.body);
    }
  }
  BOOST_TEST(walked.size() > 40u);
  // The owner still reaches them: the walk named real resources.
  BOOST_TEST(api("GET", "/v1/connections/" + id_of["connections"]).status == 200u);
}

BOOST_AUTO_TEST_SUITE_END()
