#include "core/engine/export_preview.hpp"
#include "core/json/json_depth.hpp"

#include <boost/json.hpp>

#include <algorithm>

#include "core/engine/export_window.hpp"
#include "core/engine/flow_plan.hpp"
#include "core/util/api_error.hpp"

namespace integrator {

namespace json = boost::json;

namespace {

json::object stage(const char* name, json::value data, json::array errors = {}) {
  return json::object{{"name", name}, {"data", std::move(data)}, {"errors", std::move(errors)}};
}

json::array one_error(const std::string& code, const std::string& message) {
  return json::array{json::object{{"code", code}, {"message", message}}};
}

std::string preview_body(json::array data, json::array stages) {
  return json::serialize(json::object{
    {"data", std::move(data)}, {"dataURIs", json::array()}, {"stages", std::move(stages)}});
}

}  // namespace

export_preview export_preview::of(const json::object& body, const export_step& step) {
  export_preview p;
  p.plan_ = step.paging;
  if (step.selection.record_limit > 0)
    p.limit_ = step.selection.record_limit;
  else if (const auto* test = body.if_contains("test"); test && test->is_object())
    if (const auto* limit = test->get_object().if_contains("limit"); limit && limit->is_int64()
                                                                     && limit->get_int64() > 0)
      p.limit_ = static_cast<std::size_t>(std::min<std::int64_t>(limit->get_int64(), 100));
  // Script forms run as user code after these stages; an expression filter
  // after a script transform goes with it (export_step::filter_after_script).
  if (!step.transform_script)
    p.transform_ = step.transform;
  if (!step.filter_script)
    p.filter_ = step.output_filter;
  json::object ctx;
  ctx["settings"] = json::object{{"flow", json::object()}};
  if (const auto* post = body.if_contains("postData"); post && post->is_object())
    for (const char* key : {"lastExportDateTime", "currentExportDateTime"})
      if (const auto* v = post->get_object().if_contains(key); v && v->is_string())
        ctx[key] = *v;
  p.context_ = std::move(ctx);
  return p;
}

record_page export_preview::page_of(const outcome& seen) {
  page_builder records(1, 0);
  for (const auto& r : seen.data)
    records.append(json::serialize(r));
  return records.take();
}

json::object export_preview::code_stage(const export_page_code& code, export_page_code::op op,
                                        std::size_t errors_before) {
  json::array errors, data;
  for (auto i = errors_before; i < code.errors().size(); ++i)
    errors.push_back(export_page_code::answered_error(code.errors()[i]));
  if (!code.failure().empty())
    errors.push_back(json::object{{"code", code_name(error_code::extension_failed)}, {"message", code.failure()}});
  const auto& page = code.current();
  for (std::size_t i = 0; i < page.size(); ++i) {
    boost::system::error_code ec;
    data.push_back(parse_json(page.record(i), ec));
  }
  return stage(export_page_code::stage_name(op), std::move(data), std::move(errors));
}

std::string export_preview::answer(outcome seen) {
  return preview_body(std::move(seen.data), std::move(seen.stages));
}

export_preview::outcome export_preview::read(const export_request& req, const std::string& url,
                                             const outbound_response& r, const export_pager::outcome& got) const {
  json::array stages;
  stages.push_back(stage("request", json::object{{"method", req.method}, {"url", url}, {"body", req.body}}));
  json::array raw_errors;
  if (got.error)
    raw_errors = one_error(r.status ? std::to_string(r.status) : std::string(code_name(error_code::connection_error)), *got.error);
  stages.push_back(stage("raw", json::object{{"statusCode", r.status}, {"body", r.body}}, std::move(raw_errors)));
  if (got.error)
    return {{}, std::move(stages)};
  json::array parsed, parse_errors;
  for (auto text : got.records) {
    boost::system::error_code ec;
    auto v = parse_json(text, ec);
    if (ec)
      parse_errors = one_error(std::string(code_name(error_code::invalid_record)), "a record is " + json_parse_failure(text));
    else
      parsed.push_back(std::move(v));
  }
  stages.push_back(stage("parse", parsed, std::move(parse_errors)));
  json::array records = std::move(parsed);
  if (transform_) {
    json::array reshaped, errors;
    for (const auto& rec : records) {
      std::vector<std::string> why;
      reshaped.push_back(transform_->apply(rec, why));
      for (auto& w : why)
        errors.push_back(json::object{{"code", code_name(error_code::transform_failed)}, {"message", w}});
    }
    stages.push_back(stage("transform", reshaped, std::move(errors)));
    records = std::move(reshaped);
  }
  if (filter_) {
    json::array kept;
    for (auto& rec : records)
      if (filter_->matches(rec, context_.at("settings")))
        kept.push_back(std::move(rec));
    stages.push_back(stage("filter", kept));
    records = std::move(kept);
  }
  if (records.size() > limit_)
    records.resize(limit_);
  return {std::move(records), std::move(stages)};
}

std::string export_preview::answer_unsent(const std::string& why) const {
  json::array stages;
  stages.push_back(stage("request", nullptr, one_error("invalid_request", why)));
  return preview_body({}, std::move(stages));
}

}  // namespace integrator
