#include "core/engine/user_function.hpp"

#include <boost/json.hpp>

#include <algorithm>

#include "core/json/json_depth.hpp"
#include "core/json/json_path.hpp"
#include "core/util/iso_time.hpp"

namespace integrator {

namespace json = boost::json;

namespace {

const json::object* hooks_of(const json::value& doc) { return object_member(doc, "hooks"); }

// "_preSavePageId" → "preSavePage"; "" when `key` is not of that form.
std::string old_form_name(std::string_view key) {
  if (key.size() < 4 || key.front() != '_' || !key.ends_with("Id"))
    return {};
  return std::string(key.substr(1, key.size() - 3));
}

const std::string* find_text(const document_texts& docs, const std::string& id) {
  auto it = std::find_if(docs.begin(), docs.end(), [&](const auto& d) { return d.first == id; });
  return it == docs.end() ? nullptr : &it->second;
}

void add_once(std::vector<std::string>& ids, std::string id) {
  if (!id.empty() && std::find(ids.begin(), ids.end(), id) == ids.end())
    ids.push_back(std::move(id));
}

const json::object* script_block_of(const json::value& doc, std::string_view key) {
  const auto* block = object_member(doc, key);
  if (!block || string_member(*block, "type") != "script")
    return nullptr;
  const auto* script = block->if_contains("script");
  return script ? script->if_object() : nullptr;
}


}  // namespace

std::optional<hook_ref> hook_of(const json::value& doc, std::string_view name) {
  const auto* hooks = hooks_of(doc);
  if (!hooks)
    return std::nullopt;
  if (const auto* h = hooks->if_contains(name); h && h->is_object()) {
    const auto& o = h->get_object();
    hook_ref r;
    r.script_id = string_member(o, "_scriptId");
    r.stack_id = string_member(o, "_stackId");
    r.function = string_member(o, "function");
    if (const auto* c = o.if_contains("configuration"))
      r.configuration = *c;
    if (r.script_id.empty() && r.stack_id.empty() && r.function.empty())
      return std::nullopt;  // a hook object naming no code configures nothing
    return r;
  }
  for (const auto& [key, value] : *hooks)
    if (old_form_name(key) == name && value.is_string() && !value.get_string().empty()) {
      hook_ref r;
      r.script_id = value.get_string();
      r.function = std::string(name);
      return r;
    }
  return std::nullopt;
}

void hook_code_ids(const json::value& doc, std::vector<std::string>& scripts,
                   std::vector<std::string>& stacks) {
  for (auto key : {"filter", "inputFilter", "transform"})
    if (const auto* block = script_block_of(doc, key))
      add_once(scripts, string_member(*block, "_scriptId"));
  if (const auto* ref = object_member(doc, "script"))
    add_once(scripts, string_member(*ref, "_scriptId"));
  const auto* hooks = hooks_of(doc);
  if (!hooks)
    return;
  for (const auto& [key, value] : *hooks) {
    if (value.is_string() && !old_form_name(key).empty()) {
      add_once(scripts, std::string(value.get_string()));
    } else if (const auto* o = value.if_object()) {
      add_once(scripts, string_member(*o, "_scriptId"));
      add_once(stacks, string_member(*o, "_stackId"));
    }
  }
}

std::string user_function::describe() const {
  return (stack ? "stack " + stack->id : "script " + script_id) + ", function " + function;
}

namespace {

// A script's function, for messages naming `where`.
result<std::optional<user_function>> script_function(const std::string& where, const std::string& script_id,
                                                     std::string function, json::value configuration,
                                                     const document_texts& scripts) {
  if (function.empty())
    return invalid_input(where + " names no function", where + ".function");
  if (script_id.empty())
    return invalid_input(where + " names neither a _scriptId nor a _stackId", where);
  const auto* text = find_text(scripts, script_id);
  if (!text)
    return invalid_input(where + ": script " + script_id + " not found", where + "._scriptId");
  boost::system::error_code ec;
  auto script = parse_json(*text, ec);
  user_function f;
  f.function = std::move(function);
  f.configuration = std::move(configuration);
  f.script_id = script_id;
  f.script_code = script.is_object() ? string_member(script.get_object(), "content") : std::string();
  if (script.is_object())
    f.debug_until_ms = parse_iso_ms(string_member(script.get_object(), "debugUntil")).value_or(0);
  return std::optional<user_function>(std::move(f));
}

}  // namespace

result<std::optional<user_function>> resolve_script_block(const json::value& doc, std::string_view key,
                                                          const document_texts& scripts) {
  const auto* block = script_block_of(doc, key);
  if (!block)
    return std::optional<user_function>{};
  auto f = script_function(std::string(key) + ".script", string_member(*block, "_scriptId"),
                           string_member(*block, "function"), json::value(), scripts);
  if (f && *f)
    (*f)->each_record = true;
  return f;
}

result<std::optional<user_function>> resolve_script_ref(const json::value& doc, std::string_view key,
                                                        const document_texts& scripts) {
  const auto* ref = object_member(doc, key);
  if (!ref || (string_member(*ref, "_scriptId").empty() && string_member(*ref, "function").empty()))
    return std::optional<user_function>{};
  auto f = script_function(std::string(key), string_member(*ref, "_scriptId"), string_member(*ref, "function"),
                           json::value(), scripts);
  if (f && *f)
    (*f)->each_record = true;
  return f;
}

result<std::optional<user_function>> resolve_hook(const json::value& doc, std::string_view name,
                                                  const document_texts& stacks,
                                                  const document_texts& scripts) {
  auto ref = hook_of(doc, name);
  if (!ref)
    return std::optional<user_function>{};
  auto where = "hooks." + std::string(name);
  if (ref->function.empty())
    return invalid_input(where + " names no function", where + ".function");
  user_function f;
  f.function = ref->function;
  f.configuration = std::move(ref->configuration);
  if (!ref->stack_id.empty()) {
    const auto* text = find_text(stacks, ref->stack_id);
    if (!text)
      return invalid_input(where + ": stack " + ref->stack_id + " not found", where + "._stackId");
    boost::system::error_code ec;
    auto stack = stack_target::from_document(parse_json(*text, ec));
    if (!stack)
      return api_error{stack.error().code, where + ": " + stack.error().message, stack.error().field};
    f.stack = std::move(*stack);
    return std::optional<user_function>(std::move(f));
  }
  return script_function(where, ref->script_id, std::move(f.function), std::move(f.configuration), scripts);
}

bool is_script_block(const json::value* v) {
  const auto* o = v ? v->if_object() : nullptr;
  const auto* type = o ? o->if_contains("type") : nullptr;
  return type && *type == "script";
}

}  // namespace integrator
