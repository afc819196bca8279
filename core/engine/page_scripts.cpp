#include "core/engine/page_scripts.hpp"

#include <boost/json.hpp>

#include "core/engine/call_options.hpp"
#include "core/engine/flow_plan.hpp"
#include "core/json/json_depth.hpp"
#include "core/json/json_path.hpp"
#include "core/json/json_scan.hpp"

namespace integrator {

namespace json = boost::json;

std::string page_script_options(const flow_plan& plan, const export_step& step, const record_page& page) {
  return with_page_records("records", page,
                           flow_call_options(plan, "_exportId", step.export_id, step.connection_id, json::value()));
}

scripted_page apply_page_script(page_script kind, user_code_answer& answer, const record_page& page,
                                const export_step& step, const json::value& settings,
                                object_id_generator& ids, std::int64_t now_ms) {
  scripted_page out;
  const auto& fn = kind == page_script::transform ? *step.transform_script : *step.filter_script;
  auto named = std::string(kind == page_script::transform ? "transform" : "filter") + " (script " + fn.script_id
               + ", function " + fn.function + ")";
  auto fail = [&](const std::string& code, const std::string& why) {
    for (std::size_t i = 0; i < page.size(); ++i) {
      job_error_entry e;
      e.step_id = step.export_id;
      e.source = kind == page_script::transform ? "transformation" : "output_filter";
      e.code = code.empty() ? "Error" : code;
      e.message = named + " failed: " + why;
      e.occurred_at = now_ms;
      e.retry_data_key = ids.next(static_cast<std::uint32_t>(now_ms / 1000));
      e.retry_data = std::string(page.record(i));
      out.errors.push_back(std::move(e));
    }
    out.page = page_builder(1, 0).take(page.origin());
    return std::move(out);
  };
  if (!answer.ok)
    return fail(answer.code, answer.message);
  std::vector<std::string_view> results;
  auto first = answer.returned.find_first_not_of(" \t\r\n");
  if (first == std::string::npos || answer.returned[first] != '[')
    return fail("invalid_extension_response", "it must return one result per record");
  json_scan scan(answer.returned);
  if (!scan.records({}, results) || results.size() != page.size())
    return fail("invalid_extension_response", "it returned " + std::to_string(results.size()) + " results for "
                                                + std::to_string(page.size()) + " records");
  page_builder next(page.size() + 1, max_page_bytes * 2);
  for (std::size_t i = 0; i < page.size(); ++i) {
    auto r = results[i];
    if (kind == page_script::transform) {
      auto record = r == "null" ? page.record(i) : r;  // nothing returned: the record as it was
      if (step.filter_after_script) {
        boost::system::error_code ec;
        auto doc = parse_json(record, ec);
        if (ec || !step.filter_after_script->matches(doc, settings)) {
          ++out.ignored;
          continue;
        }
      }
      next.append(record);
      continue;
    }
    // A filter keeps what it returns truthy for, as JavaScript would judge it.
    if (js_truthy_text(r))
      next.append(page.record(i));
    else
      ++out.ignored;
  }
  out.page = next.take(page.origin());
  return out;
}

}  // namespace integrator
