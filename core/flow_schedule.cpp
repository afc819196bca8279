#include "core/flow_schedule.hpp"

#include <boost/json.hpp>

#include "core/cron.hpp"

namespace integrator {

namespace json = boost::json;

namespace {

std::string text(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

bool fires(const std::string& schedule, const std::string& zone, std::int64_t from_ms,
           std::int64_t to_ms) {
  if (schedule.empty())
    return false;
  auto s = parse_cron(schedule);
  auto next = s ? next_fire(*s, zone, from_ms) : std::nullopt;
  return next && *next <= to_ms;
}

}  // namespace

std::vector<scheduled_run> due_runs(const json::object& flow, std::int64_t from_ms,
                                    std::int64_t to_ms) {
  std::vector<scheduled_run> out;
  if (const auto* d = flow.if_contains("disabled"); d && *d == true)
    return out;
  auto zone = text(flow, "timezone");
  std::vector<std::string> follow_flow;  ///< generators on the flow's schedule
  bool any_own = false;
  if (const auto* gens = flow.if_contains("pageGenerators"); gens && gens->is_array())
    for (const auto& g : gens->get_array()) {
      const auto* o = g.if_object();
      if (!o)
        continue;
      auto id = text(*o, "_exportId");
      auto own = text(*o, "schedule");
      if (own.empty()) {
        follow_flow.push_back(id);
        continue;
      }
      any_own = true;
      if (fires(own, zone, from_ms, to_ms))
        out.push_back({{id}});
    }
  if (!follow_flow.empty() && fires(text(flow, "schedule"), zone, from_ms, to_ms))
    out.push_back({any_own ? follow_flow : std::vector<std::string>{}});
  return out;
}

}  // namespace integrator
