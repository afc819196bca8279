#include "core/engine/import_hooks.hpp"

#include <boost/json.hpp>

#include "core/engine/call_options.hpp"
#include "core/engine/flow_plan.hpp"
#include "core/engine/hook_results.hpp"
#include "core/json/json_path.hpp"

namespace integrator {

namespace json = boost::json;

const user_function* import_hooks::of(import_hook h) const {
  switch (h) {
    case import_hook::pre_map: return pre_map.get();
    case import_hook::post_map: return post_map.get();
    case import_hook::post_submit: return post_submit.get();
    case import_hook::post_response_map: return post_response_map.get();
    case import_hook::input_filter: return input_filter.get();
    case import_hook::wrapper: return wrapper.get();
  }
  return nullptr;
}

const char* hook_name(import_hook h) {
  switch (h) {
    case import_hook::pre_map: return "preMap";
    case import_hook::post_map: return "postMap";
    case import_hook::post_submit: return "postSubmit";
    case import_hook::post_response_map: return "postResponseMap";
    case import_hook::input_filter: return "inputFilter";
    case import_hook::wrapper: return "the import wrapper";
  }
  return "";
}

const char* hook_source(import_hook h) {
  switch (h) {
    case import_hook::pre_map: return "pre_map_hook";
    case import_hook::post_map: return "post_map_hook";
    case import_hook::post_submit: return "post_submit_hook";
    // The documented sources have no hook of its own for it (api §5).
    case import_hook::post_response_map: return "response_mapping";
    case import_hook::input_filter: return "input_filter";
    case import_hook::wrapper: return "application";  // the wrapper stands for the target application
  }
  return "";
}

result<import_hooks> import_hooks::resolve(const json::value& doc, const json::value& entry,
                                           const document_texts& stacks, const document_texts& scripts,
                                           bool lookup) {
  import_hooks out;
  auto take = [&](const json::value& from, import_hook h, std::shared_ptr<const user_function>& into) -> api_error {
    auto f = resolve_hook(from, hook_name(h), stacks, scripts);
    if (!f)
      return f.error();
    if (*f)
      into = std::make_shared<const user_function>(std::move(**f));
    return {};
  };
  if (!lookup)
    for (auto [h, into] : {std::pair{import_hook::pre_map, &out.pre_map}, std::pair{import_hook::post_map, &out.post_map},
                           std::pair{import_hook::post_submit, &out.post_submit}})
      if (auto e = take(doc, h, *into))
        return e;
  if (auto e = take(entry, import_hook::post_response_map, out.post_response_map))
    return e;
  // The flow entry's inputFilter, when it has one, takes the import's
  // filter's place (as import_plan::compile reads them).
  bool entry_filters = entry.is_object() && entry.get_object().contains("inputFilter");
  if (entry_filters || doc.is_object()) {
    auto filter = entry_filters ? resolve_script_block(entry, "inputFilter", scripts)
                                : resolve_script_block(doc, lookup ? "inputFilter" : "filter", scripts);
    if (!filter)
      return filter.error();
    if (*filter)
      out.input_filter = std::make_shared<const user_function>(std::move(**filter));
  }
  return out;
}

std::vector<std::size_t> records_in_play(import_hook h, const std::vector<record_outcome>& outcomes,
                                         std::size_t count) {
  std::vector<std::size_t> in_play;
  for (std::size_t i = 0; i < count; ++i) {
    bool pending = i >= outcomes.size() || outcomes[i].what == record_outcome::kind::pending;
    // postSubmit: the records a request carried (they have its status).
    bool submitted = i < outcomes.size() && outcomes[i].status_code != 0;
    if (h == import_hook::post_submit ? submitted : pending)
      in_play.push_back(i);
  }
  return in_play;
}

std::string import_hook_options(import_hook h, const flow_plan& plan, const import_step& step,
                                const std::vector<std::size_t>& in_play, const std::vector<json::value>& records,
                                const mapped_page* mapped, const std::vector<record_outcome>& outcomes) {
  const auto& fn = *step.hooks.of(h);
  auto o = flow_call_options(plan, step.lookup ? "_exportId" : "_importId", step.import_id, step.connection_id,
                             fn.configuration);
  auto pick = [&](const std::vector<json::value>& from) {
    json::array a;
    a.reserve(in_play.size());
    for (auto i : in_play)
      a.push_back(i < from.size() ? from[i] : json::value());
    return a;
  };
  if (h == import_hook::input_filter) {
    o["records"] = pick(records);  // (the function sees each as options.record)
  } else if (h == import_hook::pre_map) {
    o["data"] = pick(records);
  } else if (h == import_hook::post_response_map) {
    o["postResponseMapData"] = pick(records);
  } else {
    o["preMapData"] = pick(records);
    o["postMapData"] = mapped ? pick(mapped->mapped) : pick(records);
  }
  if (h == import_hook::wrapper)
    o["connection"] = step.hooks.wrapper_connection;
  if (h == import_hook::post_submit || h == import_hook::post_response_map) {
    json::array responses;
    responses.reserve(in_play.size());
    for (auto i : in_play)
      responses.push_back(import_plan::result_of(outcomes[i]));
    o["responseData"] = std::move(responses);
  }
  return json::serialize(o);
}

namespace {

void fail_record(record_outcome& out, import_hook h, std::string code, std::string message) {
  out.what = record_outcome::kind::failed;
  out.code = code.empty() ? "Error" : std::move(code);
  out.message = std::move(message);
  out.source = hook_source(h);
}

// postSubmit's edit of one record's response: {statusCode, id, ignored, errors}.
void apply_response(record_outcome& out, const json::value& item, import_hook h) {
  const auto* o = item.if_object();
  if (!o)
    return;
  if (const auto* id = o->if_contains("id"); id && (id->is_string() || id->is_number()))
    out.id = id->is_string() ? std::string(id->get_string()) : json::serialize(*id);
  if (const auto* sc = o->if_contains("statusCode"); sc && sc->is_int64())
    out.status_code = static_cast<int>(sc->get_int64());
  const auto* errors = o->if_contains("errors");
  bool has_errors = errors && errors->is_array() && !errors->get_array().empty();
  if (has_errors) {
    const auto* first = errors->get_array().front().if_object();
    auto text = [&](const char* k) {
      const auto* v = first ? first->if_contains(k) : nullptr;
      return v && v->is_string() ? std::string(v->get_string()) : std::string();
    };
    fail_record(out, h, text("code"), text("message"));
    return;
  }
  if (const auto* ig = o->if_contains("ignored"); ig && ig->is_bool() && ig->get_bool()) {
    out.what = record_outcome::kind::ignored;
    return;
  }
  if (out.what == record_outcome::kind::failed) {  // the hook cleared its errors
    out.what = record_outcome::kind::succeeded;
    out.code.clear();
    out.message.clear();
    out.source = nullptr;
  }
}

}  // namespace

std::vector<job_error_entry> apply_import_hook(import_hook h, user_code_answer& answer,
                                               const std::vector<std::size_t>& in_play,
                                               std::vector<json::value>& records, mapped_page* mapped,
                                               std::vector<record_outcome>& outcomes, std::int64_t now_ms) {
  std::vector<job_error_entry> logged;
  if (outcomes.size() < records.size())
    outcomes.resize(records.size());
  auto fail_all = [&](const std::string& code, const std::string& message) {
    for (auto i : in_play)
      fail_record(outcomes[i], h, code, std::string(hook_name(h)) + " failed: " + message);
    return logged;
  };
  if (!answer.ok)
    return fail_all(answer.code, answer.message);
  auto value = returned_value(answer, hook_name(h));
  if (!value)
    return fail_all("invalid_extension_response", value.error().message);
  if (h == import_hook::input_filter) {
    const auto* a = value->if_array();
    if (!a || a->size() != in_play.size())
      return fail_all("invalid_extension_response", "the filter must return one result per record");
    for (std::size_t j = 0; j < in_play.size(); ++j)
      if (!js_truthy((*a)[j]))
        outcomes[in_play[j]].what = record_outcome::kind::filtered;
    return logged;
  }
  if (h == import_hook::post_response_map) {
    const auto* a = value->if_array();
    if (!a || a->size() != in_play.size())
      return fail_all("invalid_extension_response",
                      "postResponseMap must return postResponseMapData: an array of " + std::to_string(in_play.size())
                        + " records, one per record, in order");
    for (std::size_t j = 0; j < in_play.size(); ++j)
      records[in_play[j]] = (*a)[j];
    return logged;
  }
  if (h == import_hook::post_submit || h == import_hook::wrapper) {
    const auto* a = value->if_array();
    if (!a || a->size() != in_play.size())
      return fail_all("invalid_extension_response",
                      std::string(h == import_hook::wrapper ? "the import wrapper must return" : "postSubmit must return responseData:")
                        + " an array of " + std::to_string(in_play.size()) + " responses, one per record, in order");
    for (std::size_t j = 0; j < in_play.size(); ++j) {
      auto& out = outcomes[in_play[j]];
      if (h == import_hook::wrapper) {  // sent: it succeeded unless the answer says otherwise
        out.what = record_outcome::kind::succeeded;
        out.status_code = 200;
      }
      apply_response(out, (*a)[j], h);
    }
    return logged;
  }
  auto read = read_record_hook(hook_name(h), *value, in_play.size());
  if (!read)
    return fail_all("invalid_extension_response", read.error().message);
  auto& target = h == import_hook::pre_map || !mapped ? records : mapped->mapped;
  for (std::size_t j = 0; j < in_play.size(); ++j) {
    auto i = in_play[j];
    auto& r = (*read)[j];
    if (r.ignored()) {
      outcomes[i].what = record_outcome::kind::ignored;
      continue;
    }
    if (!r.has_data) {  // errors only: the record fails
      fail_record(outcomes[i], h, r.errors.front().code, r.errors.front().message);
      continue;
    }
    target[i] = std::move(r.data);
    for (auto& e : r.errors) {  // processed, and the errors logged
      job_error_entry entry;
      entry.source = hook_source(h);
      entry.code = e.code;
      entry.message = std::move(e.message);
      entry.occurred_at = now_ms;
      logged.push_back(std::move(entry));
    }
  }
  return logged;
}

}  // namespace integrator
