// List queries: any query string (split as the router splits it) for any
// collection is read or refused with an error, never a crash.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/resources/list_query.hpp"
#include "core/resources/resource_kind.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace integrator;
  if (size < 1)
    return 0;
  const auto& kinds = all_resource_kinds();
  auto kind = kinds[data[0] % kinds.size()];
  std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  query_params params;
  while (!text.empty()) {
    auto amp = text.find('&');
    auto pair = text.substr(0, amp);
    auto eq = pair.find('=');
    params.emplace_back(std::string(pair.substr(0, eq)),
                        eq == std::string_view::npos ? std::string() : std::string(pair.substr(eq + 1)));
    text = amp == std::string_view::npos ? std::string_view() : text.substr(amp + 1);
  }
  list_query out;
  (void)parse_list_query(kind, params, out);
  return 0;
}
