// API bodies through validation: any JSON body for any kind of resource is
// accepted or refused with an error naming a field, never a crash.
#include <boost/json.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/json/json_depth.hpp"
#include "core/resources/resource_kind.hpp"
#include "core/resources/validation.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace integrator;
  if (size < 1)
    return 0;
  const auto& kinds = all_resource_kinds();
  auto kind = kinds[data[0] % kinds.size()];
  boost::system::error_code ec;
  auto doc = parse_json(std::string_view(reinterpret_cast<const char*>(data + 1), size - 1), ec);
  if (ec)
    return 0;
  validation_context ctx;
  ctx.is_time_zone = [](std::string_view tz) { return tz == "UTC" || tz == "America/New_York"; };
  (void)validate_resource(kind, doc, ctx);
  return 0;
}
