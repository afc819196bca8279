#include "core/engine/router_scripts.hpp"

#include <boost/json.hpp>

#include "core/engine/call_options.hpp"
#include "core/engine/flow_plan.hpp"
#include "core/json/json_path.hpp"

namespace integrator {

namespace json = boost::json;

result<router_code> router_code::resolve(const router_step& step, const json::value& doc,
                                         const document_texts& scripts) {
  router_code out;
  auto where = [&](const api_error& e) {
    return api_error{e.code, "router " + step.id + ": " + e.message, e.field};
  };
  if (step.by_script) {
    auto script = resolve_script_ref(doc, "script", scripts);
    if (!script)
      return where(script.error());
    if (!*script)
      return invalid_input("router " + step.id + " routes records using a script but names none "
                           "(script: {_scriptId, function})", "routers");
    out.script = std::make_shared<const user_function>(std::move(**script));
    return out;
  }
  const auto* branches = doc.is_object() ? doc.get_object().if_contains("branches") : nullptr;
  out.branch_filters.resize(step.branches.size());
  for (std::size_t b = 0; b < step.branches.size(); ++b) {
    if (!step.branches[b].scripted || !branches || !branches->is_array() || b >= branches->get_array().size())
      continue;
    auto filter = resolve_script_block(branches->get_array()[b], "inputFilter", scripts);
    if (!filter)
      return where(filter.error());
    if (*filter)
      out.branch_filters[b] = std::make_shared<const user_function>(std::move(**filter));
  }
  return out;
}

std::vector<router_call> router_calls(const router_code& code) {
  std::vector<router_call> calls;
  if (code.script)
    calls.push_back({-1, code.script.get()});
  for (std::size_t b = 0; b < code.branch_filters.size(); ++b)
    if (code.branch_filters[b])
      calls.push_back({static_cast<int>(b), code.branch_filters[b].get()});
  return calls;
}

std::string router_call_options(const flow_plan& plan, const router_step& step, const record_page& routed) {
  auto o = flow_call_options(plan, "_routerId", step.id, "", json::value());
  o.erase("_connectionId");
  json::array names;
  for (const auto& b : step.branches)
    names.emplace_back(b.name);
  o["branches"] = std::move(names);
  return with_page_records("records", routed, o);
}

namespace {

// A router script's answer for one record: branch indices (an array, or
// one number; null or nothing: none).
bool read_branches(const json::value& v, std::vector<std::uint32_t>& into) {
  auto take = [&](const json::value& n) {
    if (!n.is_number())
      return false;
    auto d = n.to_number<double>();
    if (d < 0 || d != static_cast<double>(static_cast<std::uint32_t>(d)))
      return false;
    into.push_back(static_cast<std::uint32_t>(d));
    return true;
  };
  if (v.is_null())
    return true;
  if (const auto* a = v.if_array()) {
    for (const auto& n : *a)
      if (!take(n))
        return false;
    return true;
  }
  return take(v);
}

}  // namespace

bool read_router_answer(const router_call& call, user_code_answer& answer, const router_step& step,
                        std::size_t routed, route_decisions& decided, std::string& why, std::string& code) {
  auto named = std::string(call.branch < 0 ? "the router's script" : "branch " + std::to_string(call.branch) + "'s inputFilter")
               + " (" + call.fn->describe() + ")";
  if (!answer.ok) {
    code = answer.code;
    why = named + " failed: " + answer.message;
    return false;
  }
  code = "invalid_extension_response";
  auto value = returned_value(answer, call.fn->function);
  const auto* results = value ? value->if_array() : nullptr;
  if (!results || results->size() != routed) {
    why = named + " must return one result per record (" + std::to_string(routed) + ")";
    return false;
  }
  if (call.branch < 0) {
    decided.chosen.assign(routed, {});
    for (std::size_t k = 0; k < routed; ++k)
      if (!read_branches((*results)[k], decided.chosen[k])) {
        why = named + " must return branch indices (0 to " + std::to_string(step.branches.size() - 1)
              + ") for each record; record " + std::to_string(k) + " got " + json::serialize((*results)[k]);
        return false;
      }
    return true;
  }
  decided.takes.resize(step.branches.size());
  auto& takes = decided.takes[static_cast<std::size_t>(call.branch)];
  takes.resize(routed);
  for (std::size_t k = 0; k < routed; ++k)
    takes[k] = js_truthy((*results)[k]);
  return true;
}

std::vector<job_error_entry> router_errors(const router_step& step, const record_page& routed,
                                           const std::string& code, const std::string& why,
                                           object_id_generator& ids, std::int64_t now_ms) {
  std::vector<job_error_entry> errors;
  for (std::size_t i = 0; i < routed.size(); ++i) {
    job_error_entry e;
    e.step_id = step.id;  // a retry goes back into this router
    e.source = "input_filter";
    e.code = code.empty() ? "Error" : code;
    e.message = "router " + step.id + ": " + why;
    e.occurred_at = now_ms;
    e.retry_data_key = ids.next(static_cast<std::uint32_t>(now_ms / 1000));
    e.retry_data = std::string(routed.record(i));
    errors.push_back(std::move(e));
  }
  return errors;
}

}  // namespace integrator
