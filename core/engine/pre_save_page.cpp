#include "core/engine/pre_save_page.hpp"

#include <boost/json.hpp>

#include "core/engine/call_options.hpp"
#include "core/engine/flow_plan.hpp"
#include "core/engine/hook_results.hpp"

namespace integrator {

namespace json = boost::json;

namespace {

constexpr const char* hook_source = "pre_save_page_hook";

job_error_entry hook_error_entry(const export_step& step, std::string code, std::string message,
                                 std::int64_t now_ms) {
  job_error_entry e;
  e.step_id = step.export_id;
  e.source = hook_source;
  e.code = code.empty() ? "Error" : std::move(code);
  e.message = std::move(message);
  e.occurred_at = now_ms;
  return e;
}

void keep_for_retry(job_error_entry& e, std::string record, object_id_generator& ids, std::int64_t now_ms) {
  e.retry_data_key = ids.next(static_cast<std::uint32_t>(now_ms / 1000));
  e.retry_data = std::move(record);
}

// Every record of `page` as an error with `code` and `message`.
std::vector<job_error_entry> page_as_errors(const record_page& page, const export_step& step,
                                            const std::string& code, const std::string& message,
                                            object_id_generator& ids, std::int64_t now_ms) {
  std::vector<job_error_entry> out;
  out.reserve(page.size());
  for (std::size_t i = 0; i < page.size(); ++i) {
    auto e = hook_error_entry(step, code, message, now_ms);
    keep_for_retry(e, std::string(page.record(i)), ids, now_ms);
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace

std::string pre_save_page_options(const flow_plan& plan, const export_step& step, const record_page& page) {
  const auto& hook = *step.pre_save_page;
  auto o = flow_call_options(plan, "_exportId", step.export_id, step.connection_id, hook.configuration);
  o["errors"] = json::array();
  o["retryData"] = json::object();
  auto number = origin_number(page.origin());  // from 1, across resumes too
  o["pageIndex"] = number > 0 ? number - 1 : 0;
  if (step.window) {
    json::object dates;
    step.window->expose(dates);
    for (auto& [k, v] : dates)
      o[k] = v;
  }
  return with_page_records("data", page, o);
}

hooked_page apply_pre_save_page(user_code_answer& answer, const record_page& page,
                                const export_step& step, object_id_generator& ids, std::int64_t now_ms) {
  hooked_page out;
  const auto& hook = *step.pre_save_page;
  auto fail = [&](std::string code, const std::string& why) {
    out.fatal = "preSavePage (" + hook.describe() + ") of export " + step.export_id + " failed: " + why;
    out.errors = page_as_errors(page, step, code, why, ids, now_ms);
    return std::move(out);
  };
  if (!answer.ok)
    return fail(answer.code, answer.message);
  auto read = read_pre_save_page(answer.returned);
  if (!read)
    return fail("invalid_extension_response", read.error().message);
  page_builder next(read->data.size() + 1, max_page_bytes * 2);
  for (auto record : read->data)
    next.append(record);
  out.page = next.take(page.origin());
  out.abort = read->abort;
  for (const auto& e : read->errors)
    out.errors.push_back(hook_error_entry(step, e.code, e.message, now_ms));
  for (const auto& r : read->new_errors_and_retry_data)
    for (const auto& e : r.errors) {
      auto entry = hook_error_entry(step, e.code, e.message, now_ms);
      keep_for_retry(entry, json::serialize(r.retry_data), ids, now_ms);
      out.errors.push_back(std::move(entry));
    }
  return out;
}

std::vector<job_error_entry> unhooked_records(const record_page& page, const export_step& step,
                                              const std::string& why, object_id_generator& ids,
                                              std::int64_t now_ms) {
  return page_as_errors(page, step, "hook_not_run", why, ids, now_ms);
}

}  // namespace integrator
