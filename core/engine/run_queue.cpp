#include "core/engine/run_queue.hpp"

#include <boost/json.hpp>

#include <algorithm>

#include "core/engine/job_store.hpp"
#include "core/json/json_path.hpp"

namespace integrator {

namespace json = boost::json;

namespace {

bool is_generator(const json::object& flow, std::string_view export_id) {
  const auto* gens = flow.if_contains("pageGenerators");
  if (!gens || !gens->is_array())
    return false;
  const auto& list = gens->get_array();
  return std::any_of(list.begin(), list.end(), [&](const json::value& g) {
    return g.is_object() && string_member(g.get_object(), "_exportId") == export_id;
  });
}

}  // namespace

result<job_doc> enqueue_run(const resource_store& resources, const std::string& account,
                            const std::string& flow_id, const std::string& job_id,
                            const run_options& options, std::int64_t now_ms) {
  auto flow = resources.load(resource_kind::flow, account, flow_id);
  if (!flow)
    return make_api_error(error_code::not_found, "No flow with that id");
  const auto& f = flow->get_object();
  if (auto it = f.find("disabled"); it != f.end() && it->value() == true)
    return make_api_error(error_code::flow_disabled, "The flow is disabled",
                          "disabled");
  auto gens = f.find("pageGenerators");
  if (gens == f.end() || !gens->value().is_array() || gens->value().get_array().empty())
    return make_api_error(error_code::missing_page_generator,
                          "The flow has no page generator", "pageGenerators");
  for (const auto& id : options.export_ids)
    if (!is_generator(f, id))
      return make_api_error(error_code::invalid_body,
                            "_exportIds names an export that is not a page generator of the flow",
                            "_exportIds");
  job_doc j;
  j.id = job_id;
  j.type = "flow";
  j.flow_id = flow_id;
  j.integration_id = string_member(f, "_integrationId");
  j.export_ids = options.export_ids;
  j.start_date = options.start_date;
  j.end_date = options.end_date;
  j.status = job_status::queued;
  j.created_at = now_ms;
  j.last_modified = now_ms;
  write_batch b;
  job_store::put(b, account, j);
  resources.store().write(b);
  return j;
}

std::deque<std::string> left_runs_first(const std::vector<job_ref>& left, std::deque<std::string> queued,
                                        const std::string& running) {
  std::deque<std::string> out;
  auto add = [&](std::string id) {
    if (id != running && std::find(out.begin(), out.end(), id) == out.end())
      out.push_back(std::move(id));
  };
  for (const auto& j : left)
    add(j.job_id);
  for (auto& id : queued)
    add(std::move(id));
  return out;
}

}  // namespace integrator
