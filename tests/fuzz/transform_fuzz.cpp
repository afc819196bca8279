// Export transforms (rules 1.0 and 2.0): any transform block compiles or
// is refused, and a compiled one reshapes any record without crashing.
// Input: {"transform":…,"record":…}.
#include <boost/json.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/json/json_depth.hpp"
#include "core/lang/transform.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace integrator;
  boost::system::error_code ec;
  auto input = parse_json(std::string_view(reinterpret_cast<const char*>(data), size), ec);
  if (ec || !input.is_object())
    return 0;
  const auto& o = input.get_object();
  auto part = [&](const char* key) { return o.contains(key) ? o.at(key) : boost::json::value(); };
  std::vector<std::string> errors;
  if (auto t = record_transform::compile(part("transform")))
    (void)boost::json::serialize(t->apply(part("record"), errors));
  return 0;
}
