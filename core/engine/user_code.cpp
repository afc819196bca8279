#include "core/engine/user_code.hpp"

#include <boost/json.hpp>

#include <algorithm>

#include "core/json/json_path.hpp"

namespace integrator {

namespace json = boost::json;

namespace {

bool runs_hook(hooks_run runs, std::string_view name) {
  return std::find(runs.begin(), runs.end(), name) != runs.end();
}

// hooks.<name> = {_scriptId|_stackId, function}, or the 2016 form
// hooks._<name>Id = "<script id>"; those in `runs` do not count.
std::optional<std::string> hook_in(const json::object& o, hooks_run runs) {
  const auto* hooks = o.if_contains("hooks");
  if (!hooks || !hooks->is_object())
    return std::nullopt;
  for (const auto& [key, hook] : hooks->get_object()) {
    std::string_view name(key.data(), key.size());
    bool old_form = name.size() > 3 && name.starts_with("_") && name.ends_with("Id");
    if (runs_hook(runs, old_form ? name.substr(1, name.size() - 3) : name))
      continue;
    if (hook.is_string() && !hook.get_string().empty())
      return "hooks." + std::string(name) + " (script " + std::string(hook.get_string()) + ")";
    const auto* h = hook.if_object();
    if (!h)
      continue;
    auto script = string_member(*h, "_scriptId");
    auto stack = string_member(*h, "_stackId");
    auto function = string_member(*h, "function");
    if (script.empty() && stack.empty() && function.empty())
      continue;  // a hook object naming no code configures nothing
    std::string where = script.empty() ? (stack.empty() ? "" : "stack " + stack) : "script " + script;
    if (!function.empty())
      where += std::string(where.empty() ? "" : ", ") + "function " + function;
    return "hooks." + std::string(name) + " (" + where + ")";
  }
  return std::nullopt;
}

// {"type":"script","script":{"_scriptId","function"}} under `key`.
std::optional<std::string> script_block_in(const json::object& o, std::string_view key) {
  const auto* block = o.if_contains(key);
  if (!block || !block->is_object() || string_member(block->get_object(), "type") != "script")
    return std::nullopt;
  std::string where = std::string(key) + " (a script";
  if (const auto* s = block->get_object().if_contains("script"); s && s->is_object()) {
    if (auto id = string_member(s->get_object(), "_scriptId"); !id.empty())
      where += " " + id;
    if (auto function = string_member(s->get_object(), "function"); !function.empty())
      where += ", function " + function;
  }
  return where + ")";
}

std::optional<std::string> user_code_of(const json::value& v, hooks_run runs) {
  const auto* o = v.if_object();
  if (!o)
    return std::nullopt;
  if (auto hook = hook_in(*o, runs))
    return hook;
  for (auto key : {"filter", "inputFilter", "transform"})
    if (!runs_hook(runs, key))
      if (auto script = script_block_in(*o, key))
        return script;
  if (runs_hook(runs, "wrapper"))
    return std::nullopt;
  if (string_member(*o, "adaptorType").starts_with("Wrapper"))
    return "a wrapper (" + string_member(*o, "adaptorType") + ")";
  if (const auto* w = o->if_contains("wrapper"); w && w->is_object() && !w->get_object().empty())
    return std::string("a wrapper");
  return std::nullopt;
}

}  // namespace

std::optional<std::string> configured_user_code(const json::value& doc, const json::value& processor_entry,
                                                 hooks_run runs) {
  if (auto in_doc = user_code_of(doc, runs))
    return in_doc;
  return user_code_of(processor_entry, runs);
}

std::optional<api_error> refuse_user_code(std::string_view step, const json::value& doc,
                                          const json::value& processor_entry, hooks_run runs) {
  auto use = configured_user_code(doc, processor_entry, runs);
  if (!use)
    return std::nullopt;
  return api_error{error_code::user_code_unavailable,
                   std::string(step) + " configures " + *use
                     + ": this server does not run that kind of user code here yet, so the step "
                       "does not run rather than run as if that code were absent",
                   ""};
}

}  // namespace integrator
