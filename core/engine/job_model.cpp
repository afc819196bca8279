#include "core/engine/job_model.hpp"
#include "core/json/json_depth.hpp"

#include <boost/json.hpp>

#include "core/util/iso_time.hpp"

namespace integrator {

namespace json = boost::json;

namespace {

constexpr std::string_view status_names[] = {"queued", "running", "completed",
                                             "failed", "canceling", "canceled"};

void put_id(json::object& o, std::string_view key, const std::string& v) {
  if (!v.empty())
    o[key] = v;
}

void put_time(json::object& o, std::string_view key, std::int64_t ms) {
  if (ms >= 0)
    o[key] = format_iso_ms(ms);
}

std::string id_of(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it != o.end() && it->value().is_string() ? std::string(it->value().get_string()) : "";
}

std::int64_t count_of(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it != o.end() && it->value().is_int64() ? it->value().get_int64() : 0;
}

std::int64_t time_of(const json::object& o, std::string_view key) {
  auto s = id_of(o, key);
  if (s.empty())
    return -1;
  return parse_iso_ms(s).value_or(-1);
}

}  // namespace

std::string_view status_name(job_status s) {
  return status_names[static_cast<int>(s)];
}

std::optional<job_status> parse_job_status(std::string_view s) {
  if (s == "cancelling")
    return job_status::canceling;
  if (s == "cancelled")
    return job_status::canceled;
  for (int i = 0; i < 6; ++i)
    if (status_names[i] == s)
      return static_cast<job_status>(i);
  return std::nullopt;
}

bool is_final(job_status s) {
  return s == job_status::completed || s == job_status::failed || s == job_status::canceled;
}

namespace {

// Each count and its name in a job's JSON: the one list the arithmetic and
// the JSON go by.
struct count_field {
  std::int64_t job_counts::*member;
  const char* name;
};
constexpr count_field count_fields[] = {
  {&job_counts::num_export, "numExport"},
  {&job_counts::num_success, "numSuccess"},
  {&job_counts::num_error, "numError"},
  {&job_counts::num_ignore, "numIgnore"},
  {&job_counts::num_pages_generated, "numPagesGenerated"},
  {&job_counts::num_pages_processed, "numPagesProcessed"},
};

}  // namespace

job_counts& job_counts::operator+=(const job_counts& o) {
  for (const auto& f : count_fields)
    this->*f.member += o.*f.member;
  return *this;
}

job_counts& job_counts::operator-=(const job_counts& o) {
  for (const auto& f : count_fields)
    this->*f.member -= o.*f.member;
  return *this;
}

void job_counts::put_into(json::object& o) const {
  for (const auto& f : count_fields)
    o[f.name] = this->*f.member;
}

job_counts job_counts::read_from(const json::object& o) {
  job_counts c;
  for (const auto& f : count_fields)
    c.*f.member = count_of(o, f.name);
  return c;
}

std::string job_doc::to_json() const {
  json::object o;
  o["_id"] = id;
  o["type"] = type;
  put_id(o, "_flowId", flow_id);
  put_id(o, "_integrationId", integration_id);
  put_id(o, "_exportId", export_id);
  put_id(o, "_importId", import_id);
  put_id(o, "_flowJobId", flow_job_id);
  put_id(o, "_retryOfJobId", retry_of_job_id);
  put_id(o, "_retryStepId", retry_step_id);
  if (!retry_errors.empty()) {
    json::array errors;
    for (const auto& [error_id, key] : retry_errors)
      errors.push_back(json::object{{"errorId", error_id}, {"retryDataKey", key}});
    o["retryErrors"] = std::move(errors);
  }
  if (!export_ids.empty()) {
    json::array ids;
    for (const auto& id : export_ids)
      ids.emplace_back(id);
    o["_exportIds"] = std::move(ids);
  }
  put_time(o, "startDate", start_date);
  put_time(o, "endDate", end_date);
  o["status"] = status_name(status);
  counts.put_into(o);
  o["retriable"] = counts.num_error > 0;
  if (interruptions > 0)
    o["interruptions"] = interruptions;
  if (possibly_resent > 0)
    o["numPossiblyResent"] = possibly_resent;
  put_time(o, "startedAt", started_at);
  put_time(o, "endedAt", ended_at);
  put_time(o, "createdAt", created_at);
  put_time(o, "lastModified", last_modified);
  return json::serialize(o);
}

std::optional<job_doc> job_doc::from_json(std::string_view text) {
  boost::system::error_code ec;
  auto v = parse_json(text, ec);
  if (ec || !v.is_object())
    return std::nullopt;
  const auto& o = v.get_object();
  job_doc j;
  j.id = id_of(o, "_id");
  j.type = id_of(o, "type");
  j.flow_id = id_of(o, "_flowId");
  j.integration_id = id_of(o, "_integrationId");
  j.export_id = id_of(o, "_exportId");
  j.import_id = id_of(o, "_importId");
  j.flow_job_id = id_of(o, "_flowJobId");
  j.retry_of_job_id = id_of(o, "_retryOfJobId");
  j.retry_step_id = id_of(o, "_retryStepId");
  if (const auto* errors = o.if_contains("retryErrors"); errors && errors->is_array())
    for (const auto& e : errors->get_array())
      if (const auto* eo = e.if_object())
        j.retry_errors.emplace_back(id_of(*eo, "errorId"), id_of(*eo, "retryDataKey"));
  if (const auto* ids = o.if_contains("_exportIds"); ids && ids->is_array())
    for (const auto& id : ids->get_array())
      if (id.is_string())
        j.export_ids.emplace_back(id.get_string());
  j.start_date = time_of(o, "startDate");
  j.end_date = time_of(o, "endDate");
  j.status = parse_job_status(id_of(o, "status")).value_or(job_status::failed);
  j.counts = job_counts::read_from(o);
  j.started_at = time_of(o, "startedAt");
  j.ended_at = time_of(o, "endedAt");
  j.created_at = time_of(o, "createdAt");
  j.last_modified = time_of(o, "lastModified");
  j.interruptions = count_of(o, "interruptions");
  j.possibly_resent = count_of(o, "numPossiblyResent");
  return j;
}

std::string job_error_entry::to_json() const {
  json::object o;
  o["errorId"] = error_id;
  o["occurredAt"] = format_iso_ms(occurred_at);
  o["source"] = source;
  o["code"] = code;
  o["message"] = message;
  o["traceKey"] = trace_key;
  o["retryDataKey"] = retry_data_key;
  o["_jobId"] = job_id;
  o["_flowJobId"] = flow_job_id;
  put_id(o, "_flowId", flow_id);
  put_id(o, "_stepId", step_id);
  o["resolved"] = false;
  return json::serialize(o);
}

}  // namespace integrator
