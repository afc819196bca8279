#include "core/engine/lookup_hooks.hpp"

#include <boost/json.hpp>

#include "core/engine/call_options.hpp"
#include "core/engine/flow_plan.hpp"
#include "core/engine/hook_results.hpp"
#include "core/json/json_depth.hpp"

namespace integrator {

namespace json = boost::json;

std::string lookup_pre_save_page_options(const flow_plan& plan, const import_step& step, const json::value& found) {
  const auto& hook = *step.hooks.lookup_pre_save_page;
  auto o = flow_call_options(plan, "_exportId", step.import_id, step.connection_id, hook.configuration);
  o["data"] = found.is_array() ? found : json::array();
  o["errors"] = json::array();
  o["retryData"] = json::object();
  o["pageIndex"] = 0;
  return json::serialize(o);
}

std::vector<job_error_entry> apply_lookup_pre_save_page(user_code_answer& answer, const import_step& step,
                                                        record_outcome& outcome, std::int64_t now_ms) {
  const char* source = hook_source(import_hook::lookup_pre_save_page);
  auto fail = [&](std::string code, std::string message) {
    outcome.what = record_outcome::kind::failed;
    outcome.code = code.empty() ? "Error" : std::move(code);
    outcome.message = "preSavePage (" + step.hooks.lookup_pre_save_page->describe() + ") of lookup "
                      + step.import_id + " failed: " + message;
    outcome.source = source;
    return std::vector<job_error_entry>{};
  };
  if (!answer.ok)
    return fail(answer.code, answer.message);
  auto read = read_pre_save_page(answer.returned);
  if (!read)
    return fail("invalid_extension_response", read.error().message);
  json::array data;
  for (auto record : read->data) {
    boost::system::error_code ec;
    data.push_back(parse_json(record, ec));
  }
  outcome.response = json::value(std::move(data));
  std::vector<job_error_entry> logged;
  auto log = [&](const hook_error& e) {
    job_error_entry entry;
    entry.source = source;
    entry.code = e.code.empty() ? "Error" : e.code;
    entry.message = e.message;
    entry.occurred_at = now_ms;
    logged.push_back(std::move(entry));
  };
  for (const auto& e : read->errors)
    log(e);
  for (const auto& r : read->new_errors_and_retry_data)
    for (const auto& e : r.errors)
      log(e);
  return logged;
}

}  // namespace integrator
