#include "core/job_service.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <set>

#include "core/decimal.hpp"
#include "core/iso_time.hpp"
#include "core/key_codec.hpp"
#include "core/object_id.hpp"

namespace integrator {

namespace json = boost::json;

namespace {

api_reply bad_query(std::string message) {
  return api_reply::fail(make_api_error(errc::invalid_request, "invalid_query", std::move(message), ""));
}

std::string array_of(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i)
    out += (i ? "," : "") + items[i];
  return out + "]";
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

std::optional<api_reply> parse_filter(const query_params& query, job_filter& f) {
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
      std::size_t start = 0;
      while (start <= value.size()) {
        auto comma = value.find(',', start);
        auto id = value.substr(start, comma == std::string::npos ? comma : comma - start);
        if (!is_object_id(id))
          return bad_query("Invalid value for _flowId_in");
        f.flow_in.insert(id);
        if (comma == std::string::npos)
          break;
        start = comma + 1;
      }
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
      std::size_t start = 0;
      while (start <= value.size()) {
        auto comma = value.find(',', start);
        auto t = value.substr(start, comma == std::string::npos ? comma : comma - start);
        if (t != "flow" && t != "export" && t != "import" && t != "retry" && t != "bulk_retry")
          return bad_query("Invalid job type " + t);
        f.types.insert(t);
        if (comma == std::string::npos)
          break;
        start = comma + 1;
      }
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
      static const char* count_fields[] = {"numSuccess", "numExport", "numIgnore", "numError"};
      bool known = false;
      for (const char* c : count_fields)
        for (const char* suffix : {"_lte", "_gte"})
          if (key == std::string(c) + suffix) {
            std::uint64_t n = 0;
            if (!parse_decimal(value, n, 12))
              return bad_query("Invalid value for " + key);
            f.counts.emplace_back(c, std::string(suffix) == "_lte", static_cast<std::int64_t>(n));
            known = true;
          }
      if (!known)
        return bad_query("Unknown query parameter " + key);
    }
  }
  bool child = !f.types.empty()
               && std::all_of(f.types.begin(), f.types.end(),
                              [](const std::string& t) { return t == "export" || t == "import"; });
  if (child ? !has_child_key : !has_parent_key)
    return bad_query(child ? "Child job queries need _flowJobId or a resource id"
                           : "Job queries need _integrationId, _flowId, _exportId, _importId, "
                             "_flowJobId or createdAt_*");
  return std::nullopt;
}

}  // namespace

std::vector<job_doc> job_service::all(const std::string& account) {
  std::vector<job_doc> out;
  store_.scan(keys::jobs_space, account, [&](std::string_view, std::string_view value) {
    if (auto j = job_doc::from_json(value))
      out.push_back(std::move(*j));
    return true;
  });
  // Ids grow with time: newest first is the reverse of key order.
  std::reverse(out.begin(), out.end());
  return out;
}

std::optional<job_doc> job_service::load(const std::string& account, const std::string& id) {
  auto raw = store_.get(keys::jobs_space, keys::resource(account, id));
  if (!raw)
    return std::nullopt;
  return job_doc::from_json(*raw);
}

void job_service::for_children(const std::string& account, const std::string& id,
                               const std::function<void(job_doc)>& visit) {
  store_.scan(keys::jobs_space, account, [&](std::string_view, std::string_view value) {
    if (auto j = job_doc::from_json(value); j && j->flow_job_id == id)
      visit(std::move(*j));
    return true;
  });
}

api_reply job_service::list(const std::string& account, const query_params& query) {
  job_filter f;
  if (auto bad = parse_filter(query, f))
    return *bad;
  std::vector<std::string> docs;
  for (const auto& j : all(account)) {
    if (docs.size() >= f.limit)
      break;
    if (f.keeps(j))
      docs.push_back(j.to_json());
  }
  return api_reply::json(api_status::ok, array_of(docs));
}

api_reply job_service::get(const std::string& account, const std::string& id) {
  auto raw = store_.get(keys::jobs_space, keys::resource(account, id));
  if (!raw)
    return api_reply::fail(make_api_error(errc::not_found, "Job not found"));
  return api_reply::json(api_status::ok, *raw);
}

api_reply job_service::errors(const std::string& account, const std::string& job_id) {
  auto job = load(account, job_id);
  if (!job)
    return api_reply::fail(make_api_error(errc::not_found, "Job not found"));
  // A flow job lists all its steps' errors; a child job its own.
  auto flow_job = job->flow_job_id.empty() ? job->id : job->flow_job_id;
  std::vector<std::string> out;
  store_.scan(keys::job_errors_space, keys::job_errors_prefix(account, flow_job),
              [&](std::string_view, std::string_view value) {
                if (job->flow_job_id.empty()
                    || value.find("\"_jobId\":\"" + job->id + "\"") != std::string_view::npos)
                  out.emplace_back(value);
                return out.size() < 1000;
              });
  return api_reply::json(api_status::ok, array_of(out));
}

api_reply job_service::current(const std::string& account, const std::string& body) {
  json::object filter;
  if (!body.empty()) {
    boost::system::error_code ec;
    auto v = json::parse(body, ec);
    if (ec || !v.is_object())
      return api_reply::fail(make_api_error(errc::invalid_request, "invalid_json",
                                            "The body must be a JSON object", ""));
    filter = std::move(v.get_object());
  }
  auto wanted = [&](std::string_view key, const std::string& value) {
    const auto* v = filter.if_contains(key);
    return !v || (v->is_string() && v->get_string() == value);
  };
  std::vector<std::string> out;
  for (const auto& j : all(account))
    if (j.flow_job_id.empty() && !is_final(j.status) && wanted("_flowId", j.flow_id)
        && wanted("_integrationId", j.integration_id) && wanted("type", j.type))
      out.push_back(j.to_json());
  return api_reply::json(api_status::ok, array_of(out));
}

api_reply job_service::flow_latest(const std::string& account, const std::string& flow_id) {
  std::vector<std::string> out;
  std::string flow_job;
  for (const auto& j : all(account)) {
    if (j.flow_id != flow_id)
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

api_reply job_service::integration_latest(const std::string& account,
                                          const std::string& integration_id) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const auto& j : all(account))
    if (j.integration_id == integration_id && j.type == "flow" && seen.insert(j.flow_id).second)
      out.push_back(j.to_json());
  return api_reply::json(api_status::ok, array_of(out));
}

api_reply job_service::step_errors(const std::string& account, const std::string& flow_id,
                                   const std::string& step_id, const query_params& query,
                                   bool only_resolved) {
  std::int64_t gte = -1, lte = -1;
  std::string source;
  bool resolved = only_resolved;  // errors are the open ones unless asked
  std::size_t limit = 1000;
  for (const auto& [k, v] : query) {
    if (k == "occurredAt_gte" || k == "occurredAt_lte") {
      auto t = parse_iso_ms(v);
      if (!t)
        return bad_query("Invalid date for " + k);
      (k == "occurredAt_gte" ? gte : lte) = *t;
    } else if (k == "source") {
      source = v;
    } else if (k == "resolved") {
      if (v != "true" && v != "false")
        return bad_query("resolved must be true or false");
      resolved = v == "true";
    } else if (k == "limit") {
      std::uint64_t n = 0;
      if (!parse_decimal(v, n, 6))
        return bad_query("Invalid limit");
      limit = std::min<std::size_t>(static_cast<std::size_t>(n), 1000);
    } else {
      return bad_query("Unknown query parameter " + k);
    }
  }
  json::array out;
  store_.scan(keys::job_errors_space, account, [&](std::string_view, std::string_view value) {
    boost::system::error_code ec;
    auto e = json::parse(value, ec);
    if (ec || !e.is_object())
      return true;
    const auto& o = e.get_object();
    auto str = [&](std::string_view k) {
      auto it = o.find(k);
      return it != o.end() && it->value().is_string() ? std::string(it->value().get_string())
                                                      : std::string();
    };
    if (str("_flowId") != flow_id || str("_stepId") != step_id)
      return true;
    if (!source.empty() && str("source") != source)
      return true;
    auto r = o.find("resolved");
    if ((r != o.end() && r->value() == true) != resolved)
      return true;
    auto at = parse_iso_ms(str("occurredAt")).value_or(0);
    if ((gte >= 0 && at < gte) || (lte >= 0 && at > lte))
      return true;
    out.push_back(std::move(e));
    return out.size() < limit;
  });
  json::object body;
  body["errors"] = std::move(out);
  return api_reply::json(api_status::ok, json::serialize(body));
}

job_doc job_service::enqueue(const std::string& account, const std::string& job_id,
                             const std::string& flow_id, const std::string& integration_id,
                             std::int64_t now_ms, job_doc j) {
  j.id = job_id;
  j.type = "flow";
  j.flow_id = flow_id;
  j.integration_id = integration_id;
  j.status = job_status::queued;
  j.created_at = now_ms;
  j.last_modified = now_ms;
  write_batch b;
  b.put(keys::jobs_space, keys::resource(account, job_id), j.to_json());
  store_.write(b);
  return j;
}

}  // namespace integrator
