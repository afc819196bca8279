// The nesting scan and the parser agree: what the parser refuses as too
// deep, the scan calls too deep; what the parser accepts, the scan lets pass.
#include <boost/json.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/json/json_depth.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace integrator;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  boost::system::error_code ec;
  parse_json(text, ec);
  bool deep = nests_deeper_than(text);
  if (!ec && deep)
    std::abort();  // parsed, yet called too deep
  if (ec == boost::json::error::too_deep && !deep)
    std::abort();  // refused as too deep, yet the scan let it pass
  return 0;
}
