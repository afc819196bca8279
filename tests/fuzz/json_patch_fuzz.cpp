// JSON Patch: any patch applies or is refused, and never leaves the
// document broken or nested past the limit without saying so.
#include <boost/json.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/json/json_depth.hpp"
#include "core/json/json_patch.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace integrator;
  boost::system::error_code ec;
  auto patch = parse_json(std::string_view(reinterpret_cast<const char*>(data), size), ec);
  if (ec)
    return 0;
  auto doc = boost::json::parse(R"({"name":"f","pageGenerators":[{"_exportId":"e","schedule":"? 5 * * * *"}],
                                    "pageProcessors":[{"type":"import","_importId":"i"}],"settings":{"a":{"b":[1,2]}}})");
  (void)apply_json_patch(doc, patch);
  // What the API does next: serialize it (iteratively) and check its depth.
  (void)nests_deeper_than(boost::json::serialize(doc));
  return 0;
}
