#include "core/engine/call_options.hpp"

#include <boost/json.hpp>

#include "core/engine/flow_plan.hpp"

namespace integrator {

namespace json = boost::json;

json::object flow_call_options(const flow_plan& plan, std::string_view step_key, std::string_view step_id,
                               std::string_view connection_id, const json::value& configuration) {
  json::object o;
  o[step_key] = step_id;
  o["_connectionId"] = connection_id;
  o["_flowId"] = plan.flow_id;
  o["_integrationId"] = plan.integration_id;
  o["settings"] = plan.settings;
  if (!configuration.is_null())  // passed through when the function has one
    o["configuration"] = configuration;
  return o;
}

std::string with_page_records(std::string_view key, const record_page& page, const json::object& rest) {
  auto tail = json::serialize(rest);
  std::string text;
  text.reserve(page.bytes() + page.size() + key.size() + tail.size() + 8);
  text += '{';
  text += json::serialize(json::string(key));
  text += ":[";
  for (std::size_t i = 0; i < page.size(); ++i) {
    if (i > 0)
      text += ',';
    text += page.record(i);
  }
  text += ']';
  if (tail.size() > 2)  // more than "{}"
    text += ',';
  text.append(tail, 1);  // without its opening brace
  return text;
}

}  // namespace integrator
