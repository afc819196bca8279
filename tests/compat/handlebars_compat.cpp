// Compares core/handlebars with handlebars.js: reads the cases and the
// outputs node rendered for them (run_handlebars_compat.sh) and checks ours
// render the same text. Prints "N passed, M failed".
//
// usage: handlebars_compat CASES.json EXPECTED.json (CASES: a list of
// {template, data}, or a matrix {templates, data})

#include <boost/json.hpp>

#include <fstream>
#include <iostream>
#include <sstream>

#include "core/lang/handlebars.hpp"

namespace {

boost::json::value read_json(const char* path) {
  std::ifstream f(path);
  std::stringstream s;
  s << f.rdbuf();
  return boost::json::parse(s.str());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: handlebars_compat CASES.json EXPECTED.json\n";
    return 2;
  }
  // A matrix {templates, data} stands for every template with every data
  // set, in the order render_handlebars.js expands it.
  auto file = read_json(argv[1]);
  boost::json::array cases;
  if (file.is_array()) {
    cases = file.as_array();
  } else {
    for (const auto& t : file.at("templates").as_array())
      for (const auto& d : file.at("data").as_array())
        cases.push_back(boost::json::object{{"template", t}, {"data", d}});
  }
  auto expected = read_json(argv[2]).as_array();
  if (cases.size() != expected.size()) {
    std::cerr << "case and output counts differ\n";
    return 2;
  }
  int passed = 0, failed = 0;
  for (size_t i = 0; i < cases.size(); ++i) {
    auto tpl = std::string(cases[i].at("template").as_string());
    auto t = integrator::handlebars_template::compile(tpl);
    auto text = t ? t->render(cases[i].at("data")) : integrator::result<std::string>(t.error());
    std::string ours = text ? *text : "<" + text.error().message + ">";
    auto theirs = std::string(expected[i].as_string());
    if (ours == theirs) {
      ++passed;
    } else {
      ++failed;
      std::cout << "case " << i << " " << boost::json::serialize(boost::json::value(tpl))
                << "\n  handlebars.js: " << boost::json::serialize(boost::json::value(theirs))
                << "\n  ours:          " << boost::json::serialize(boost::json::value(ours)) << "\n";
    }
  }
  std::cout << passed << " passed, " << failed << " failed\n";
  return failed == 0 ? 0 : 1;
}
