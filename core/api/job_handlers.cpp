#include "core/api/job_handlers.hpp"
#include "core/json/json_depth.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <set>
#include <tuple>

#include "core/api/request_body.hpp"
#include "core/engine/job_store.hpp"
#include "core/json/json_path.hpp"
#include "core/resources/key_codec.hpp"
#include "core/util/decimal.hpp"
#include "core/util/iso_time.hpp"

namespace integrator {

namespace json = boost::json;

namespace {

api_error bad_query(std::string message) {
  return make_api_error(error_code::invalid_query, std::move(message), "");
}

std::string array_of(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i)
    out += (i ? "," : "") + items[i];
  return out + "]";
}

// Splits "a,b,c" and checks each part; the first failure's error.
api_error each_in_list(const std::string& value,
                       const std::function<api_error(const std::string&)>& take) {
  std::size_t start = 0;
  while (start <= value.size()) {
    auto comma = value.find(',', start);
    if (auto e = take(value.substr(start, comma == std::string::npos ? comma : comma - start)))
      return e;
    if (comma == std::string::npos)
      break;
    start = comma + 1;
  }
  return {};
}

// A job filter compiled from the query: ids, dates, statuses, counts.
struct job_filter {
  std::vector<std::pair<std::string, std::string>> ids;  ///< field → value
  std::set<std::string> flow_in;
  std::int64_t created_gte = -1, created_lte = -1;
  std::optional<job_status> status;
  std::set<std::string> types;
  std::optional<bool> retriable;
  std::vector<std::tuple<std::string, bool, std::int64_t>> counts;  ///< field, lte?, bound
  std::size_t limit = 1000;

  bool keeps(const job_doc& j) const {
    for (const auto& [field, value] : ids) {
      const std::string& have = field == "_flowId"          ? j.flow_id
                                : field == "_integrationId" ? j.integration_id
                                : field == "_exportId"      ? j.export_id
                                : field == "_importId"      ? j.import_id
                                                            : j.flow_job_id;
      if (have != value)
        return false;
    }
    if (!flow_in.empty() && !flow_in.count(j.flow_id))
      return false;
    if (created_gte >= 0 && j.created_at < created_gte)
      return false;
    if (created_lte >= 0 && j.created_at > created_lte)
      return false;
    if (status && j.status != *status)
      return false;
    if (types.empty() ? (j.type == "export" || j.type == "import") : !types.count(j.type))
      return false;
    if (retriable && (j.counts.num_error > 0) != *retriable)
      return false;
    for (const auto& [field, lte, bound] : counts) {
      std::int64_t v = field == "numSuccess" ? j.counts.num_success
                       : field == "numExport" ? j.counts.num_export
                       : field == "numIgnore" ? j.counts.num_ignore
                                              : j.counts.num_error;
      if (lte ? v > bound : v < bound)
        return false;
    }
    return true;
  }
};

// A count bound such as numError_gte=1 into `f`; false when `key` is none.
bool parse_count(const std::string& key, const std::string& value, job_filter& f, api_error& error) {
  for (const char* c : {"numSuccess", "numExport", "numIgnore", "numError"})
    for (const char* suffix : {"_lte", "_gte"})
      if (key == std::string(c) + suffix) {
        std::uint64_t n = 0;
        if (!parse_decimal(value, n, 12))
          error = bad_query("Invalid value for " + key);
        f.counts.emplace_back(c, std::string(suffix) == "_lte", static_cast<std::int64_t>(n));
        return true;
      }
  return false;
}

result<job_filter> parse_filter(const query_params& query) {
  job_filter f;
  bool has_parent_key = false, has_child_key = false;
  for (const auto& [key, value] : query) {
    if (key == "_integrationId" || key == "_exportId" || key == "_importId" || key == "_flowId"
        || key == "_flowJobId" || key == "_bulkJobId") {
      if (!is_object_id(value))
        return bad_query("Invalid value for " + key);
      f.ids.emplace_back(key, value);
      has_parent_key = true;
      has_child_key = has_child_key || key != "_integrationId";
    } else if (key == "_flowId_in") {
      if (auto e = each_in_list(value, [&](const std::string& id) {
            if (!is_object_id(id))
              return bad_query("Invalid value for _flowId_in");
            f.flow_in.insert(id);
            return api_error{};
          }))
        return e;
      has_parent_key = true;
    } else if (key == "createdAt_gte" || key == "createdAt_lte") {
      auto t = parse_iso_ms(value);
      if (!t)
        return bad_query("Invalid date for " + key);
      (key == "createdAt_gte" ? f.created_gte : f.created_lte) = *t;
      has_parent_key = true;
    } else if (key == "status") {
      f.status = parse_job_status(value);
      if (!f.status)
        return bad_query("Invalid status " + value);
    } else if (key == "type" || key == "type_in") {
      if (auto e = each_in_list(value, [&](const std::string& t) {
            if (t != "flow" && t != "export" && t != "import" && t != "retry" && t != "bulk_retry")
              return bad_query("Invalid job type " + t);
            f.types.insert(t);
            return api_error{};
          }))
        return e;
    } else if (key == "retriable") {
      if (value != "true" && value != "false")
        return bad_query("retriable must be true or false");
      f.retriable = value == "true";
    } else if (key == "limit") {
      std::uint64_t n = 0;
      if (!parse_decimal(value, n, 6))
        return bad_query("Invalid limit");
      f.limit = std::min<std::size_t>(static_cast<std::size_t>(n), 1000);
    } else {
      api_error e;
      if (!parse_count(key, value, f, e))
        return bad_query("Unknown query parameter " + key);
      if (e)
        return e;
    }
  }
  bool child = !f.types.empty()
               && std::all_of(f.types.begin(), f.types.end(),
                              [](const std::string& t) { return t == "export" || t == "import"; });
  if (child ? !has_child_key : !has_parent_key)
    return bad_query(child ? "Child job queries need _flowJobId or a resource id"
                           : "Job queries need _integrationId, _flowId, _exportId, _importId, "
                             "_flowJobId or createdAt_*");
  return f;
}

}  // namespace

std::optional<api_reply> refuse_jobs(const principal& who, const char* action) {
  if (who.scope.full)
    return std::nullopt;
  return api_reply::fail(make_api_error(error_code::forbidden, std::string("This token may not ") + action));
}

api_reply list_jobs(account_context& ctx, const principal& who, const api_call& call,
                    std::int64_t) {
  if (auto no = refuse_jobs(who, "read jobs"))
    return *no;
  auto f = parse_filter(call.query);
  if (!f)
    return api_reply::fail(f.error());
  std::vector<std::string> docs;
  for (const auto& j : job_store(ctx.store()).newest_first(who.account_id)) {
    if (docs.size() >= f->limit)
      break;
    if (f->keeps(j))
      docs.push_back(j.to_json());
  }
  return api_reply::json(api_status::ok, array_of(docs));
}

api_reply get_job(account_context& ctx, const principal& who, const api_call& call, std::int64_t) {
  if (auto no = refuse_jobs(who, "read jobs"))
    return *no;
  auto raw = job_store(ctx.store()).load_text(who.account_id, call.id);
  if (!raw)
    return api_reply::fail(make_api_error(error_code::not_found, "Job not found"));
  return api_reply::json(api_status::ok, std::move(*raw));
}

api_reply list_job_errors(account_context& ctx, const principal& who, const api_call& call,
                          std::int64_t) {
  if (auto no = refuse_jobs(who, "read jobs"))
    return *no;
  auto job = job_store(ctx.store()).load(who.account_id, call.id);
  if (!job)
    return api_reply::fail(make_api_error(error_code::not_found, "Job not found"));
  // A flow job lists all its steps' errors; a child job its own.
  auto flow_job = job->flow_job_id.empty() ? job->id : job->flow_job_id;
  std::vector<std::string> out;
  ctx.store().scan(keys::job_errors_space, keys::job_errors_prefix(who.account_id, flow_job),
                   [&](std::string_view, std::string_view value) {
                     if (job->flow_job_id.empty()
                         || value.find("\"_jobId\":\"" + job->id + "\"") != std::string_view::npos)
                       out.emplace_back(value);
                     return out.size() < 1000;
                   });
  return api_reply::json(api_status::ok, array_of(out));
}

api_reply current_jobs(account_context& ctx, const principal& who, const api_call& call,
                       std::int64_t) {
  if (auto no = refuse_jobs(who, "read jobs"))
    return *no;
  json::object filter;
  if (!call.body.empty()) {
    boost::system::error_code ec;
    auto v = parse_json(call.body, ec);
    if (ec || !v.is_object())
      return api_reply::fail(make_api_error(error_code::invalid_json,
                                            "The body must be a JSON object", ""));
    filter = std::move(v.get_object());
  }
  auto wanted = [&](std::string_view key, const std::string& value) {
    const auto* v = filter.if_contains(key);
    return !v || (v->is_string() && v->get_string() == value);
  };
  std::vector<std::string> out;
  for (const auto& j : job_store(ctx.store()).newest_first(who.account_id))
    if (j.flow_job_id.empty() && !is_final(j.status) && wanted("_flowId", j.flow_id)
        && wanted("_integrationId", j.integration_id) && wanted("type", j.type))
      out.push_back(j.to_json());
  return api_reply::json(api_status::ok, array_of(out));
}

api_reply latest_flow_jobs(account_context& ctx, const principal& who, const api_call& call,
                           std::int64_t) {
  if (auto no = refuse_jobs(who, "read jobs"))
    return *no;
  if (!ctx.resources.load(resource_kind::flow, who.account_id, call.id))
    return no_such(resource_kind::flow);
  std::vector<std::string> out;
  std::string flow_job;
  for (const auto& j : job_store(ctx.store()).newest_first(who.account_id)) {
    if (j.flow_id != call.id)
      continue;
    if (flow_job.empty() && (j.type == "flow" || j.type == "retry")) {
      flow_job = j.id;
      out.insert(out.begin(), j.to_json());
    } else if (!flow_job.empty() && j.flow_job_id == flow_job) {
      out.push_back(j.to_json());
    }
  }
  return api_reply::json(api_status::ok, array_of(out));
}

api_reply latest_integration_jobs(account_context& ctx, const principal& who, const api_call& call,
                                  std::int64_t) {
  if (auto no = refuse_jobs(who, "read jobs"))
    return *no;
  if (!ctx.resources.load(resource_kind::integration, who.account_id, call.id))
    return no_such(resource_kind::integration);
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const auto& j : job_store(ctx.store()).newest_first(who.account_id))
    if (j.integration_id == call.id && j.type == "flow" && seen.insert(j.flow_id).second)
      out.push_back(j.to_json());
  return api_reply::json(api_status::ok, array_of(out));
}

api_reply last_export_time(account_context& ctx, const principal& who, const api_call& call,
                           std::int64_t) {
  if (auto no = refuse_jobs(who, "read jobs"))
    return *no;
  auto flow = ctx.resources.load(resource_kind::flow, who.account_id, call.id);
  if (!flow)
    return no_such(resource_kind::flow);
  // The mark of the flow's first delta export that has one.
  json::object out;
  out["lastExportDateTime"] = nullptr;
  if (const auto* gens = flow->get_object().if_contains("pageGenerators"); gens && gens->is_array())
    for (const auto& g : gens->get_array()) {
      auto id = g.is_object() ? string_member(g.get_object(), "_exportId") : "";
      auto mark = id.empty() ? std::nullopt
                             : ctx.store().get(keys::export_marks_space,
                                               keys::export_mark(who.account_id, call.id, id));
      if (mark) {
        out["lastExportDateTime"] = format_iso_ms(std::stoll(*mark));
        break;
      }
    }
  return api_reply::json(api_status::ok, json::serialize(out));
}

}  // namespace integrator
