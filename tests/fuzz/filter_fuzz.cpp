// Filter expressions: any JSON compiles or is refused, and a compiled
// filter judges records without crashing.
#include <boost/json.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/json/json_depth.hpp"
#include "core/lang/filter_expression.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace integrator;
  static const boost::json::value records[] = {
    boost::json::parse(R"({"id":1,"name":"Ann","tier":"gold","amount":12.5,"tags":["a","b"],"when":"2024-01-02T03:04:05Z"})"),
    boost::json::parse(R"({"id":"x","nested":{"a":[1,{"b":null}]}})"),
    boost::json::parse("[]"),
  };
  boost::system::error_code ec;
  auto rules = parse_json(std::string_view(reinterpret_cast<const char*>(data), size), ec);
  if (ec)
    return 0;
  for (auto compiled : {filter_expression::compile(rules), filter_expression::compile_filter(rules)})
    if (compiled)
      for (const auto& r : records)
        (void)compiled->matches(r);
  return 0;
}
