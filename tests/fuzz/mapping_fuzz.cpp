// Import mappings (1.0 and Mapper 2.0): any mapping compiles or is refused
// (a 422 on save), and a compiled one maps any record without crashing.
// Input: a byte choosing the mapper, then {"mapping":…,"lookups":…,"record":…}.
#include <boost/json.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/json/json_depth.hpp"
#include "core/lang/mapper2.hpp"
#include "core/lang/mapping.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace integrator;
  if (size < 1)
    return 0;
  boost::system::error_code ec;
  auto input = parse_json(std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1), ec);
  if (ec || !input.is_object())
    return 0;
  const auto& o = input.get_object();
  auto part = [&](const char* key) { return o.contains(key) ? o.at(key) : boost::json::value(); };
  std::vector<std::string> errors;
  if (data[0] % 2 == 0) {
    if (auto m = mapping_v1::compile(part("mapping"), part("lookups")))
      (void)boost::json::serialize(m->apply(part("record"), errors));
  } else {
    if (auto m = mapper_v2::compile(part("mapping"), part("lookups")))
      (void)boost::json::serialize(m->apply(part("record"), errors));
  }
  return 0;
}
