#include "core/api/pre_save.hpp"

#include <boost/json.hpp>

#include "core/api/document_rules.hpp"
#include "core/json/json_depth.hpp"
#include "core/json/json_path.hpp"

namespace integrator {

namespace json = boost::json;

namespace {

bool takes_pre_save(resource_kind kind) {
  return kind == resource_kind::integration || kind == resource_kind::flow || kind == resource_kind::export_
         || kind == resource_kind::import_ || kind == resource_kind::connection;
}

}  // namespace

api_error run_pre_save(const account_context& ctx, const std::string& account, resource_kind kind,
                       json::value& doc, const json::value* old) {
  const auto* o = doc.if_object();
  const auto* ref = o && takes_pre_save(kind) ? o->if_contains("preSave") : nullptr;
  if (!ref || ref->is_null())
    return {};
  const auto* r = ref->if_object();
  auto script_id = r ? string_member(*r, "_scriptId") : std::string();
  auto function = r ? string_member(*r, "function") : std::string();
  if (script_id.empty() || function.empty())
    return make_api_error(error_code::invalid_field, "preSave names a script and its function: {_scriptId, function}",
                          "preSave");
  auto script = ctx.resources.load(resource_kind::script, account, script_id);
  if (!script || !script->is_object())
    return make_api_error(error_code::invalid_reference, "Invalid reference: preSave._scriptId", "preSave._scriptId");
  if (!ctx.validation.run_script)
    return make_api_error(error_code::user_code_unavailable,
                          "preSave scripts cannot run on this node (no Node.js worker pool); nothing was saved",
                          "preSave");
  json::object options{{"newResource", doc}, {"oldResource", old ? *old : json::value()}, {"sandbox", false}};
  auto returned = ctx.validation.run_script(script_id, string_member(script->get_object(), "content"), function,
                                            json::serialize(options));
  auto named = "preSave (script " + script_id + ", function " + function + ")";
  if (!returned)
    return make_api_error(error_code::pre_save_rejected, named + " rejected the save: " + returned.error().message,
                          "preSave");
  boost::system::error_code ec;
  auto saved = parse_json(*returned, ec);
  if (ec || !saved.is_object())
    return make_api_error(error_code::pre_save_rejected, named + " must return the resource to save (an object)",
                          "preSave");
  doc = std::move(saved);
  // What it returned is checked as the sent document was.
  return prepare_document(kind, doc, ctx.validation);
}

}  // namespace integrator
