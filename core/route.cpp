#include "core/route.hpp"

#include <algorithm>
#include <cctype>
#include <initializer_list>
#include <optional>
#include <utility>

#include "core/hex.hpp"
#include "core/object_id.hpp"

namespace integrator {

namespace {

using verb_ops = std::initializer_list<std::pair<std::string_view, api_op>>;

route_result not_found() {
  route_result r;
  r.error = make_api_error(errc::not_found, "No such endpoint");
  return r;
}

route_result bad_id(std::string_view what) {
  route_result r;
  r.error = make_api_error(errc::not_found, "Invalid " + std::string(what) + " id");
  return r;
}

// Picks the op for `method` among `ops`, or answers 405 with Allow.
route_result pick(std::string_view method, verb_ops ops, api_call call) {
  route_result r;
  for (const auto& [verb, op] : ops)
    if (verb == method) {
      call.op = op;
      r.call = std::move(call);
      return r;
    }
  for (const auto& [verb, op] : ops)
    r.allow += (r.allow.empty() ? "" : ", ") + std::string(verb);
  r.error = make_api_error(errc::method_not_allowed, std::string(method) + " is not allowed here");
  return r;
}

bool valid_state_key(const std::string& key) {
  return !key.empty() && key.size() <= 512;
}

route_result route_state(std::string_view method, api_call call,
                         const std::vector<std::string>& rest) {
  if (rest.empty())
    return pick(method, {{"GET", api_op::state_keys}, {"DELETE", api_op::state_clear}}, call);
  if (rest.size() != 1 || !valid_state_key(rest[0]))
    return not_found();
  call.sub_id = rest[0];
  return pick(method,
              {{"GET", api_op::state_get}, {"PUT", api_op::state_put}, {"DELETE", api_op::state_remove}},
              call);
}

route_result route_admin(std::string_view method, const std::vector<std::string>& s) {
  api_call call;
  if (s.size() == 1 && s[0] == "accounts")
    return pick(method, {{"GET", api_op::admin_account_list}, {"POST", api_op::admin_account_create}},
                call);
  if (s.size() == 3 && s[0] == "accounts") {
    if (!is_object_id(s[1]))
      return bad_id("account");
    call.id = s[1];
    if (s[2] == "tokens")
      return pick(method, {{"GET", api_op::admin_token_list}, {"POST", api_op::admin_token_create}},
                  call);
    if (s[2] == "rateLimit")
      return pick(method,
                  {{"GET", api_op::admin_rate_limit_get}, {"PUT", api_op::admin_rate_limit_put}}, call);
  }
  if (s.size() == 2 && s[0] == "tokens") {
    if (!is_object_id(s[1]))
      return bad_id("token");
    call.id = s[1];
    return pick(method, {{"DELETE", api_op::admin_token_revoke}}, call);
  }
  return not_found();
}

route_result route_licenses(std::string_view method, api_call call,
                            const std::vector<std::string>& s) {
  call.kind = resource_kind::license;
  if (s.size() == 3)
    return pick(method, {{"GET", api_op::license_list}, {"POST", api_op::license_create}}, call);
  if (!is_object_id(s[3]))
    return bad_id("license");
  call.sub_id = s[3];
  return pick(method,
              {{"GET", api_op::license_get},
               {"PUT", api_op::license_replace},
               {"DELETE", api_op::license_remove}},
              call);
}

bool equals_nocase(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

route_result route_jobs(std::string_view method, api_call call, const std::vector<std::string>& s) {
  if (s.size() == 1)
    return pick(method, {{"GET", api_op::job_list}}, call);
  if (s.size() == 2 && s[1] == "current")
    return pick(method, {{"POST", api_op::job_current}}, call);
  if (!is_object_id(s[1]))
    return bad_id("job");
  call.id = s[1];
  if (s.size() == 2)
    return pick(method, {{"GET", api_op::job_get}}, call);
  if (s.size() == 3 && s[2] == "cancel")
    return pick(method, {{"PUT", api_op::job_cancel}}, call);
  bool errors = s.size() >= 3 && (equals_nocase(s[2], "joberrors") || s[2] == "errors");
  if (errors && s.size() == 3)
    return pick(method, {{"GET", api_op::job_errors}}, call);
  if (errors && s.back() == "resolve" && (s.size() == 4 || s.size() == 5)) {
    if (s.size() == 5 && !is_object_id(s[3]))
      return bad_id("job error");
    call.sub_id = s.size() == 5 ? s[3] : "";
    return pick(method, {{"PUT", api_op::job_errors_resolve}}, call);
  }
  // POST /jobs/{id}/retry; legacy PUT /jobs/{id}/retries/retry and
  // POST /jobs/{id}/retries/{retryDataKey}/retry.
  if (s.size() == 3 && s[2] == "retry")
    return pick(method, {{"POST", api_op::job_retry}}, call);
  if (s.size() == 4 && s[2] == "retries" && s[3] == "retry")
    return pick(method, {{"PUT", api_op::job_retry}}, call);
  if (s.size() == 5 && s[2] == "retries" && s[4] == "retry") {
    if (!is_object_id(s[3]))
      return bad_id("retry");
    call.sub_id = s[3];
    return pick(method, {{"POST", api_op::job_retry}}, call);
  }
  return not_found();
}

// The engine's sub-resources of flows, integrations and connections.
std::optional<route_result> route_engine(std::string_view method, api_call& call,
                                         const std::vector<std::string>& s) {
  if (call.kind == resource_kind::flow) {
    if (s.size() == 3 && s[2] == "run")
      return pick(method, {{"POST", api_op::flow_run}}, call);
    if (s.size() == 4 && s[2] == "jobs" && s[3] == "latest")
      return pick(method, {{"GET", api_op::flow_jobs_latest}}, call);
    if (s.size() == 3 && s[2] == "lastExportDateTime")
      return pick(method, {{"GET", api_op::flow_last_export}}, call);
    // /flows/{id}/{stepId}/{what} and /flows/{id}/exports|imports/{stepId}/{what}
    bool long_form = s.size() == 5 && (s[2] == "exports" || s[2] == "imports");
    if (s.size() == 4 || long_form) {
      const auto& step = long_form ? s[3] : s[2];
      const auto& what = s.back();
      if (what == "errors" || what == "resolved" || what == "retry") {
        if (!is_object_id(step))
          return bad_id("step");
        call.sub_id = step;
        if (what == "errors")
          return pick(method, {{"GET", api_op::step_errors}}, call);
        if (what == "resolved")
          return pick(method, {{"GET", api_op::step_resolved}, {"PUT", api_op::step_resolve}}, call);
        return pick(method, {{"POST", api_op::step_retry}}, call);
      }
    }
  }
  if (call.kind == resource_kind::integration && s.size() == 4 && s[2] == "jobs"
      && s[3] == "latest")
    return pick(method, {{"GET", api_op::integration_jobs_latest}}, call);
  if (call.kind == resource_kind::connection && s.size() == 3 && s[2] == "proxy")
    return pick(method, {{"POST", api_op::connection_proxy}}, call);
  if (call.kind == resource_kind::connection && s.size() == 3 && s[2] == "import")
    return pick(method, {{"POST", api_op::connection_import}}, call);
  if (call.kind == resource_kind::connection && s.size() == 4 && s[2] == "import" && s[3] == "map")
    return pick(method, {{"POST", api_op::connection_import_map}}, call);
  if (call.kind == resource_kind::connection && s.size() == 3 && s[2] == "export")
    return pick(method, {{"POST", api_op::connection_export}}, call);
  if (call.kind == resource_kind::connection && s.size() == 4 && s[2] == "export" && s[3] == "pages")
    return pick(method, {{"POST", api_op::connection_export_pages}}, call);
  if (call.kind == resource_kind::import_ && s.size() == 3 && s[2] == "invoke")
    return pick(method, {{"POST", api_op::import_invoke}}, call);
  if (call.kind == resource_kind::export_ && s.size() == 3 && s[2] == "invoke")
    return pick(method, {{"POST", api_op::export_invoke}}, call);
  if (call.kind == resource_kind::connection && s.size() == 3 && s[2] == "ping")
    return pick(method, {{"GET", api_op::connection_ping}, {"POST", api_op::connection_ping}}, call);
  return std::nullopt;
}

}  // namespace

route_result route(std::string_view method, bool admin, const std::vector<std::string>& s) {
  if (admin)
    return route_admin(method, s);
  if (s.empty())
    return not_found();
  api_call call;
  if (s.size() == 1 && s[0] == "tokenInfo")
    return pick(method, {{"GET", api_op::token_info}}, call);
  if (s[0] == "state")
    return route_state(method, call, {s.begin() + 1, s.end()});
  if (s[0] == "jobs")
    return route_jobs(method, call, s);
  // POST /{apiIdentifier}: an import's identifier, "i" and 7 hex digits.
  if (s.size() == 1 && s[0].size() == 8 && s[0][0] == 'i'
      && std::all_of(s[0].begin() + 1, s[0].end(), [](char c) { return hex_value(c) >= 0; })) {
    call.id = s[0];
    return pick(method, {{"POST", api_op::api_identifier_invoke}}, call);
  }
  if (!kind_from_collection(s[0], call.kind))
    return not_found();
  const auto& row = info(call.kind);
  if (s.size() == 1)
    return pick(method, {{"GET", api_op::list}, {"POST", api_op::create}}, call);
  if (s.size() == 2 && s[1] == "ping" && call.kind == resource_kind::connection)
    return pick(method, {{"POST", api_op::connection_ping_unsaved}}, call);
  if (s.size() == 2 && s[1] == "preview" && call.kind == resource_kind::export_)
    return pick(method, {{"POST", api_op::export_preview}}, call);
  if (!is_object_id(s[1]))
    return bad_id(row.singular);
  call.id = s[1];
  if (s.size() == 2)
    return pick(method,
                {{"GET", api_op::get},
                 {"PUT", api_op::replace},
                 {"PATCH", api_op::patch},
                 {"DELETE", api_op::remove}},
                call);
  if (auto engine = route_engine(method, call, s))
    return std::move(*engine);
  const auto& sub = s[2];
  if (sub == "state") {
    call.scoped = true;
    return route_state(method, call, {s.begin() + 3, s.end()});
  }
  if (s.size() == 3 && sub == "clone" && row.cloneable)
    return pick(method, {{"POST", api_op::clone}}, call);
  if (s.size() == 3 && sub == "flows" && call.kind == resource_kind::integration)
    return pick(method, {{"GET", api_op::integration_flows}}, call);
  if (s.size() == 3 && sub == "installBase" && call.kind == resource_kind::connector)
    return pick(method, {{"GET", api_op::install_base}}, call);
  if ((s.size() == 3 || s.size() == 4) && sub == "licenses"
      && call.kind == resource_kind::connector)
    return route_licenses(method, call, s);
  return not_found();
}

}  // namespace integrator
