// URL building from templates (§1 of issue 14): whatever target a template
// renders, the request goes under the connection's baseURI or is refused.
// The target aborts when a resolved URL leaves the base.
#include <boost/json.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/connect/http_endpoint.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace integrator;
  static const auto endpoint = *http_endpoint::from_connection(boost::json::parse(
    R"({"type":"http","http":{"baseURI":"https://api.example.com/v1/","auth":{"type":"basic","basic":{"username":"u","password":"p"}}}})"));
  std::string_view target(reinterpret_cast<const char*>(data), size);
  auto url = endpoint.resolve(target);
  // The base collection itself ("/v1", with or without a query) is inside.
  auto inside = [](std::string_view u) {
    constexpr std::string_view base = "https://api.example.com/v1";
    return u.starts_with(base) && (u.size() == base.size() || u[base.size()] == '/'
                                   || u[base.size()] == '?' || u[base.size()] == '#');
  };
  if (url && !inside(*url))
    std::abort();  // credentials would go outside the base
  return 0;
}
