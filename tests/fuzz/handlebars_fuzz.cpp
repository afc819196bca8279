// Handlebars: any text compiles or is refused with a message, and a compiled
// template renders within its work budget, whatever it is.
#include <boost/json.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/lang/handlebars.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace integrator;
  static const boost::json::value context = boost::json::parse(
    R"({"record":{"id":1,"name":"a<b>","tags":["x","y","z"],"items":[{"n":1},{"n":2}],"nested":{"deep":{"v":true}}},
        "settings":{"flag":false,"list":[1,2,3,4,5,6,7,8,9,10]},"id":7,"a":[1,2,3]})");
  auto t = handlebars_template::compile(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!t)
    return 0;
  // A small budget keeps each input quick; the limits are what is tested.
  render_limits limits;
  limits.max_steps = 200000;
  limits.max_output = 1 << 20;
  (void)t->render(context, template_escape::html, limits);
  (void)t->render(context, template_escape::url, limits);
  return 0;
}
