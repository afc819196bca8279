#include "core/engine/flow_schedule.hpp"
#include "core/json/json_depth.hpp"

#include <boost/json.hpp>

#include "core/util/cron.hpp"
#include "core/resources/key_codec.hpp"
#include "core/util/object_id.hpp"
#include "core/engine/run_queue.hpp"

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

std::vector<job_ref> fire_schedules(const resource_store& resources, object_id_generator& ids,
                                    std::int64_t now_ms) {
  auto& store = resources.store();
  static constexpr std::string_view tick_key = "scheduler/tick";
  auto last = store.get(keys::meta_space, tick_key);
  std::int64_t from = last ? std::stoll(*last) : now_ms;
  // The window (from, now] is claimed before its runs are queued: of the
  // nodes of a cluster that tick together, one claims it and the others
  // hear a conflict and fire nothing, so each slot fires once. (A node that
  // dies between its claim and its queuing loses that minute's runs.)
  write_batch claim;
  claim.expect(keys::meta_space, std::string(tick_key), last);
  claim.put(keys::meta_space, std::string(tick_key), std::to_string(now_ms));
  try {
    store.write(claim);
  } catch (const store_failure& e) {
    if (e.why == store_failure::cause::conflict)
      return {};
    throw;
  }
  std::vector<job_ref> out;
  if (from < now_ms) {
    std::vector<std::pair<std::string, json::object>> flows;
    store.scan(keys::space_of(resource_kind::flow), "", [&](std::string_view key, std::string_view value) {
      if (value.find("\"schedule\"") == std::string_view::npos)
        return true;  // unscheduled: not worth parsing
      boost::system::error_code ec;
      auto v = parse_json(value, ec);
      if (!ec && v.is_object() && key.size() > 24)
        flows.emplace_back(std::string(key), std::move(v.get_object()));
      return true;
    });
    for (const auto& [key, flow] : flows)
      for (const auto& run : due_runs(flow, from, now_ms)) {
        auto account = key.substr(0, 24), flow_id = key.substr(24);
        auto job_id = ids.next(static_cast<std::uint32_t>(now_ms / 1000));
        run_options options;
        options.export_ids = run.export_ids;
        if (enqueue_run(resources, account, flow_id, job_id, options, now_ms))
          out.push_back({account, flow_id, job_id});
      }
  }
  return out;
}

}  // namespace integrator
