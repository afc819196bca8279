#include "core/api/engine_operations.hpp"
#include "core/json/json_depth.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>

#include "core/api/job_handlers.hpp"
#include "core/api/request_body.hpp"
#include "core/engine/error_store.hpp"
#include "core/engine/flow_plan.hpp"
#include "core/engine/job_store.hpp"
#include "core/engine/run_queue.hpp"
#include "core/engine/stack_call.hpp"
#include "core/engine/wrappers.hpp"
#include "core/json/json_path.hpp"
#include "core/resources/key_codec.hpp"
#include "core/util/iso_time.hpp"

namespace integrator {

namespace json = boost::json;

namespace {

engine_step answer(api_reply r) {
  engine_step s;
  s.reply = std::move(r);
  return s;
}

engine_step fail(api_error e) {
  return answer(api_reply::fail(std::move(e)));
}

engine_step ask(engine_request request) {
  engine_step s;
  s.request = std::move(request);
  return s;
}

// A saved export or import, secrets opened.
std::optional<json::object> load_step(account_context& ctx, resource_kind kind, const principal& who,
                                      const std::string& id) {
  auto doc = ctx.resources.load_revealed(kind, who.account_id, who.scope, id);
  if (!doc || !doc->is_object())
    return std::nullopt;
  return std::move(doc->get_object());
}

// A connection the caller may use, secrets opened, as JSON.
std::optional<std::string> load_connection(account_context& ctx, const principal& who,
                                           const std::string& id) {
  // Its secrets go to the engine, never back to the caller (a hook's
  // one-time token reaches the connections it runs through, too).
  auto doc = ctx.resources.load_revealed(resource_kind::connection, who.account_id, who.scope, id);
  if (!doc)
    return std::nullopt;
  return json::serialize(*doc);
}

api_error no_connection() {
  return make_api_error(error_code::not_found, "Connection not found");
}

// The job_spec of `doc` (an export, or an import) run alone on connection
// `connection_id` (standalone_spec); nullopt when the caller may not use
// that connection.
std::optional<job_spec> spec_alone(account_context& ctx, const principal& who, json::object doc, bool is_import,
                                   const std::string& connection_id) {
  auto conn = ctx.resources.load_revealed(resource_kind::connection, who.account_id, who.scope, connection_id);
  if (!conn)
    return std::nullopt;
  return standalone_spec(ctx.resources, who.account_id, std::move(doc), is_import, connection_id, *conn);
}

// The records of the call's body through import `doc` alone.
engine_step import_alone(account_context& ctx, const principal& who, json::object doc,
                         const std::string& connection_id, const api_call& call) {
  auto spec = spec_alone(ctx, who, std::move(doc), true, connection_id);
  if (!spec)
    return fail(no_connection());
  return ask(standalone_import{who.account_id, std::move(*spec), call.body});
}

// The optional run body {_exportIds, startDate, endDate}.
result<run_options> read_run_body(const std::string& text) {
  run_options run;
  if (text.empty())
    return run;
  boost::system::error_code ec;
  auto v = parse_json(text, ec);
  if (ec || !v.is_object())
    return make_api_error(error_code::invalid_json, "The run body is not a JSON object", "");
  const auto& o = v.get_object();
  for (const char* k : {"startDate", "endDate"})
    if (const auto* d = o.if_contains(k); d && !d->is_null()) {
      auto ms = d->is_string() ? parse_iso_ms(d->get_string()) : std::nullopt;
      if (!ms)
        return make_api_error(error_code::invalid_date, std::string(k) + " is not a date", k);
      (std::string_view(k) == "startDate" ? run.start_date : run.end_date) = *ms;
    }
  if (run.start_date >= 0 && run.end_date >= 0 && run.end_date < run.start_date)
    return make_api_error(error_code::invalid_date, "endDate is before startDate", "endDate");
  if (const auto* ids = o.if_contains("_exportIds"); ids && !ids->is_null()) {
    if (!ids->is_array())
      return make_api_error(error_code::invalid_body, "_exportIds must be an array", "_exportIds");
    for (const auto& id : ids->get_array()) {
      if (!id.is_string())
        return make_api_error(error_code::invalid_body,
                              "_exportIds names an export that is not a page generator of the flow",
                              "_exportIds");
      run.export_ids.emplace_back(id.get_string());
    }
  }
  return run;
}

// Retry jobs queued: each runs on its flow like any run. One step retried
// answers its job; a job's retry, one job per step.
engine_step start_retries(const principal& who, result<std::vector<job_doc>> jobs, bool one_step) {
  if (!jobs)
    return fail(jobs.error());
  engine_step s;
  std::string body = "[";
  for (const auto& j : *jobs) {
    s.runs.push_back({who.account_id, j.flow_id, j.id});
    body += (body.size() > 1 ? "," : "") + j.to_json();
  }
  body += "]";
  s.reply = api_reply::json(api_status::created, one_step ? jobs->front().to_json() : body);
  return s;
}

// An import on its connection, for the engine.
engine_step invoke_saved_import(account_context& ctx, const principal& who, const std::optional<std::string>& id,
                        const api_call& call) {
  auto saved = id ? load_step(ctx, resource_kind::import_, who, *id) : std::nullopt;
  if (!saved)
    return fail(make_api_error(error_code::not_found, "Import not found"));
  auto connection_id = string_member(*saved, "_connectionId");
  return import_alone(ctx, who, std::move(*saved), connection_id, call);
}

}  // namespace

engine_step run_flow(account_context& ctx, const principal& who, const api_call& call,
                     std::int64_t now_ms) {
  if (!who.scope.full)
    return fail(make_api_error(error_code::forbidden, "This token may not run flows"));
  auto options = read_run_body(call.body);
  if (!options)
    return fail(options.error());
  auto job_id = ctx.ids.next(static_cast<std::uint32_t>(now_ms / 1000));
  auto job = enqueue_run(ctx.resources, who.account_id, call.id, job_id, *options, now_ms);
  if (!job)
    return fail(job.error());
  auto body = json::parse(job->to_json()).as_object();
  body["_jobId"] = job->id;
  auto s = answer(api_reply::json(api_status::created, json::serialize(body)));
  s.runs.push_back({who.account_id, call.id, job->id});
  return s;
}

engine_step retry_step_errors(account_context& ctx, const principal& who, const api_call& call,
                              std::int64_t now_ms) {
  if (auto no = refuse_jobs(who, "retry jobs"))
    return answer(*no);
  if (!ctx.resources.load_visible(resource_kind::flow, who.account_id, who.scope, call.id))
    return fail(make_api_error(error_code::not_found, "Flow not found"));
  auto invalid = make_api_error(error_code::invalid_body,
                                "The body takes retryDataKeys or errorIds, arrays of strings", "");
  auto body = object_body(call.body, "an object");
  if (!body || body->contains("errorFileId"))
    return fail(invalid);
  auto keys = string_set(*body, "retryDataKeys");
  auto error_ids = string_set(*body, "errorIds");
  if (!keys || !error_ids)
    return fail(invalid);
  retry_selection selection{std::move(*keys), std::move(*error_ids)};
  return start_retries(who,
                       error_store(ctx.store())
                         .retry_step(who.account_id, call.id, call.sub_id, selection, ctx.ids, now_ms),
                       true);
}

engine_step retry_job_errors(account_context& ctx, const principal& who, const api_call& call,
                             std::int64_t now_ms) {
  if (auto no = refuse_jobs(who, "retry jobs"))
    return answer(*no);
  return start_retries(
    who, error_store(ctx.store()).retry_job(who.account_id, call.id, call.sub_id, ctx.ids, now_ms),
    false);
}

engine_step cancel_job(account_context& ctx, const principal& who, const api_call& call,
                       std::int64_t) {
  if (auto no = refuse_jobs(who, "cancel jobs"))
    return answer(*no);
  auto job = job_store(ctx.store()).load(who.account_id, call.id);
  if (!job)
    return fail(make_api_error(error_code::not_found, "Job not found"));
  if (is_final(job->status))
    return fail(make_api_error(error_code::job_finished,
                               "The job is already " + std::string(status_name(job->status)), ""));
  if (!job->flow_job_id.empty())
    return fail(make_api_error(error_code::not_a_flow_job,
                               "Cancel the flow job " + job->flow_job_id, ""));
  return ask(cancel_request{who.account_id, job->flow_id, job->id});
}

// A ping of `connection` (JSON); a wrapper connection's goes with its stack.
engine_step ask_ping(account_context& ctx, const principal& who, std::string connection, std::string id) {
  ping_request req{std::move(connection), who.account_id, ""};
  boost::system::error_code ec;
  if (auto stack_id = wrapper_stack_id(parse_json(req.connection, ec)); !stack_id.empty()) {
    auto stack = ctx.resources.load_revealed(resource_kind::stack, who.account_id, who.scope, stack_id);
    if (!stack)
      return fail(make_api_error(error_code::ping_failed, "the wrapper's stack " + stack_id + " was not found",
                                 "wrapper._stackId"));
    req.stack = json::serialize(*stack);
  }
  return ask(ping_call{std::move(req), std::move(id)});
}

engine_step ping_connection(account_context& ctx, const principal& who, const api_call& call,
                            std::int64_t) {
  auto conn = load_connection(ctx, who, call.id);
  if (!conn)
    return fail(no_connection());
  return ask_ping(ctx, who, std::move(*conn), call.id);
}

engine_step ping_unsaved_connection(account_context& ctx, const principal& who, const api_call& call,
                                    std::int64_t) {
  return ask_ping(ctx, who, call.body, "");
}

engine_step proxy_call(account_context& ctx, const principal& who, const api_call& call,
                       std::int64_t) {
  auto uri = header_of(call, "integrator-relative-uri");
  auto method = header_of(call, "integrator-method");
  if (uri.empty())
    return fail(make_api_error(error_code::missing_header,
                               "Integrator-Relative-URI is required", ""));
  for (auto& c : method)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  auto conn = load_connection(ctx, who, call.id);
  if (!conn)
    return fail(no_connection());
  return ask(proxy_request{*conn, method.empty() ? std::string("GET") : method, uri, call.body});
}

engine_step ping_stack(account_context& ctx, const principal& who, const api_call& call, std::int64_t) {
  auto doc = ctx.resources.load_revealed(resource_kind::stack, who.account_id, who.scope, call.id);
  if (!doc)
    return fail(make_api_error(error_code::not_found, "Stack not found"));
  auto stack = stack_target::from_document(*doc);
  if (!stack)
    return fail(stack.error());
  // The stack's host as an http connection whose ping is GET /healthCheck:
  // the ping goes out as a connection's does (no offline flag to keep).
  json::object ping{{"method", "GET"}, {"relativeURI", "/healthCheck"}};
  json::object http{{"baseURI", stack->host_uri}, {"ping", std::move(ping)}};
  json::object conn{{"type", "http"}, {"http", std::move(http)}};
  return ask(ping_call{ping_request{json::serialize(conn), who.account_id, ""}, ""});
}

namespace {

// The opts of the connector's license bound to `integration_id` ({} when none).
json::value license_opts(account_context& ctx, const std::string& account, const std::string& integration_id) {
  json::value opts = json::object();
  ctx.store().scan(keys::space_of(resource_kind::license), account, [&](std::string_view, std::string_view value) {
    boost::system::error_code ec;
    auto lic = parse_json(value, ec);
    if (ec || !lic.is_object() || string_member(lic.get_object(), "_integrationId") != integration_id)
      return true;
    if (const auto* o = lic.get_object().if_contains("opts"))
      opts = *o;
    return false;
  });
  return opts;
}

}  // namespace

engine_step call_connector_function(account_context& ctx, const principal& who, const api_call& call, std::int64_t) {
  auto integration = ctx.resources.load_visible(resource_kind::integration, who.account_id, who.scope, call.id);
  if (!integration)
    return fail(make_api_error(error_code::not_found, "Integration not found"));
  auto connector_id = string_member(integration->get_object(), "_connectorId");
  if (connector_id.empty())
    return fail(make_api_error(error_code::invalid_field,
                               "The integration is no connector's install (it has no _connectorId)", "_connectorId"));
  auto connector = ctx.resources.load(resource_kind::connector, who.account_id, connector_id);
  auto stack_id = connector && connector->is_object() ? string_member(connector->get_object(), "_stackId") : "";
  if (stack_id.empty())
    return fail(make_api_error(error_code::invalid_field, "The integration's connector names no stack (_stackId)",
                               "_connectorId"));
  access_scope all;
  auto stack = ctx.resources.load_revealed(resource_kind::stack, who.account_id, all, stack_id);
  if (!stack)
    return fail(make_api_error(error_code::invalid_reference, "The connector's stack " + stack_id + " was not found",
                               "_stackId"));
  json::object options;
  if (!call.body.empty()) {
    auto body = object_body(call.body, "an object (the function's options)");
    if (!body)
      return fail(make_api_error(error_code::invalid_body, "The body must be a JSON object: the function's options", ""));
    options = *body;
  }
  options["_integrationId"] = call.id;
  options["_connectorId"] = connector_id;
  options["opts"] = license_opts(ctx, who.account_id, call.id);
  connector_function_request req;
  req.account = who.account_id;
  req.connector_id = connector_id;
  req.stack = json::serialize(*stack);
  req.type = call.op == api_op::integration_installer     ? "installer"
             : call.op == api_op::integration_uninstaller ? "uninstaller"
                                                          : "setting";
  req.function = call.sub_id;
  req.options = json::serialize(options);
  return ask(connector_call{std::move(req), call.id});
}

api_reply answer_connector_call(const resource_store& resources, const principal& who, const connector_call& call,
                                api_reply reply, std::int64_t now_ms) {
  if (reply.status != api_status::ok || call.request.type != "installer")
    return reply;
  boost::system::error_code ec;
  auto answer = parse_json(reply.body, ec);
  const auto* steps = answer.is_object() ? answer.get_object().if_contains("stepsToUpdate") : nullptr;
  if (!steps || !steps->is_array() || steps->get_array().empty())
    return reply;
  auto doc = resources.load(resource_kind::integration, who.account_id, call.integration_id);
  auto* install = doc && doc->is_object() ? doc->get_object().if_contains("install") : nullptr;
  if (!install || !install->is_array())
    return reply;
  for (const auto& update : steps->get_array()) {
    const auto* u = update.if_object();
    auto fn = u ? string_member(*u, "installerFunction") : "";
    for (auto& step : install->get_array())
      if (step.is_object() && !fn.empty() && string_member(step.get_object(), "installerFunction") == fn)
        for (const auto& [k, v] : *u)
          step.get_object()[k] = v;
  }
  bool all_done = std::all_of(install->get_array().begin(), install->get_array().end(), [](const json::value& s) {
    const auto* done = s.is_object() ? s.get_object().if_contains("completed") : nullptr;
    return done && *done == true;
  });
  auto& obj = doc->get_object();
  if (all_done && string_member(obj, "mode") == "install")
    obj["mode"] = "settings";
  obj["lastModified"] = format_iso_ms(now_ms);
  write_batch b;
  b.put(keys::space_of(resource_kind::integration), keys::resource(who.account_id, call.integration_id),
        json::serialize(*doc));
  resources.store().write(b);
  return reply;
}

api_reply wrapper_ping_reply(const user_code_answer& answer) {
  if (auto why = wrapper_ping_failure(answer))
    return api_reply::fail(make_api_error(error_code::ping_failed, *why, ""));
  return api_reply::json(api_status::ok, R"({"code":200})");
}

api_reply connector_function_reply(const user_code_answer& a) {
  if (!a.ok)
    return api_reply::fail(
      make_api_error(error_code::extension_failed, (a.code.empty() ? "" : a.code + ": ") + a.message, ""));
  return api_reply::json(api_status::ok, a.returned.empty() ? std::string("{}") : a.returned);
}

engine_step read_script_logs(account_context&, const principal& who, const api_call& call, std::int64_t) {
  return ask(script_logs_request{who.account_id, call.id});
}

engine_step invoke_import(account_context& ctx, const principal& who, const api_call& call,
                          std::int64_t) {
  return invoke_saved_import(ctx, who, call.id, call);
}

engine_step invoke_import_by_identifier(account_context& ctx, const principal& who,
                                        const api_call& call, std::int64_t) {
  return invoke_saved_import(ctx, who, ctx.resources.import_by_api_identifier(who.account_id, call.id), call);
}

engine_step import_on_connection(account_context& ctx, const principal& who, const api_call& call,
                                 std::int64_t) {
  // {import:{…}, data:[…]}: the import is not saved.
  auto body = object_body(call.body, "{\"import\":{…},\"data\":[…]}");
  const auto* imp = body ? body->if_contains("import") : nullptr;
  if (!imp || !imp->is_object())
    return fail(make_api_error(error_code::invalid_body,
                               "The body must be {\"import\":{…},\"data\":[…]}", "import"));
  return import_alone(ctx, who, imp->get_object(), call.id, call);
}

engine_step invoke_export(account_context& ctx, const principal& who, const api_call& call,
                          std::int64_t) {
  auto saved = load_step(ctx, resource_kind::export_, who, call.id);
  if (!saved)
    return fail(make_api_error(error_code::not_found, "Export not found"));
  auto connection_id = string_member(*saved, "_connectionId");
  auto spec = spec_alone(ctx, who, std::move(*saved), false, connection_id);
  if (!spec)
    return fail(no_connection());
  return ask(export_call{standalone_export{who.account_id, std::move(*spec), "", false}, "", connection_id, {}});
}

engine_step export_on_connection(account_context& ctx, const principal& who, const api_call& call,
                                 std::int64_t) {
  bool paged = call.op == api_op::connection_export_pages;
  auto body = object_body(call.body, "{\"export\":{…}}");
  const auto* exp = body ? body->if_contains("export") : nullptr;
  if (!exp || !exp->is_object())
    return fail(make_api_error(error_code::invalid_body,
                               "The body must be {\"export\":{…}}", "export"));
  export_call out;
  out.export_doc = json::serialize(*exp);
  out.request.one_page = paged;
  out.connection_id = call.id;
  if (paged) {
    out.paged.emplace();
    if (const auto* sent = body->if_contains("pagedExportState"); sent && !sent->is_null()) {
      auto checked = paged_export_state::verify(ctx.resources.box(), *sent, call.id,
                                                out.export_doc);
      if (!checked)
        return fail(make_api_error(error_code::invalid_paged_export_state,
                                   "pagedExportState was not issued for this export or was altered",
                                   "pagedExportState"));
      out.paged = *checked;
      ++out.paged->page_index;
      out.request.position = out.paged->position;
    }
  }
  auto spec = spec_alone(ctx, who, exp->get_object(), false, call.id);
  if (!spec)
    return fail(no_connection());
  out.request.account = who.account_id;
  out.request.spec = std::move(*spec);
  return ask(std::move(out));
}

engine_step preview_export(account_context& ctx, const principal& who, const api_call& call,
                           std::int64_t) {
  // The unsaved export itself, with postData; it runs on its _connectionId.
  auto body = object_body(call.body, "an export with _connectionId");
  const auto* conn_id = body ? body->if_contains("_connectionId") : nullptr;
  if (!conn_id || !conn_id->is_string())
    return fail(make_api_error(error_code::invalid_body,
                               "The body must be an export with _connectionId", "_connectionId"));
  auto spec = spec_alone(ctx, who, *body, false, std::string(conn_id->get_string()));
  if (!spec)
    return fail(no_connection());
  return ask(preview_request{who.account_id, std::move(*spec)});
}

api_reply answer_export(const secret_box& box, const export_call& call, export_page page,
                        std::int64_t now_ms) {
  if (page.error)
    return api_reply::fail(std::move(page.error));
  std::string out = "{\"data\":" + (page.data.empty() ? std::string("[]") : page.data)
                    + ",\"dataURIs\":[]";
  if (!page.errors.empty())  // what its user code gave (a wrapper's, preSavePage's)
    out += ",\"errors\":" + page.errors;
  if (call.paged) {
    auto next = *call.paged;
    next.position = page.position;
    next.done = page.done;
    next.page_size = static_cast<std::int64_t>(page.count);
    next.issued_at = now_ms / 1000;
    out += ",\"pagedExportState\":"
           + json::serialize(next.to_json(box, call.connection_id, call.export_doc));
  }
  return api_reply::json(api_status::ok, out + "}");
}

api_reply answer_ping(const resource_store& resources, const principal& who, const ping_call& call,
                      api_reply reply, std::int64_t now_ms) {
  if (call.connection_id.empty())
    return reply;
  bool failed = reply.status == api_status::failed && reply.error.code == error_code::ping_failed;
  if (failed || reply.status == api_status::ok)
    resources.mark_offline(who.account_id, call.connection_id, failed, now_ms);
  return reply;
}

}  // namespace integrator
