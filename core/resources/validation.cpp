#include "core/resources/validation.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cmath>
#include <vector>
#include <string>

#include "core/util/cron.hpp"
#include "core/lang/filter_expression.hpp"
#include "core/lang/flow_routes.hpp"
#include "core/lang/mapper2.hpp"
#include "core/lang/mapping.hpp"
#include "core/lang/transform.hpp"
#include "core/util/iso_time.hpp"

namespace integrator {

namespace json = boost::json;

namespace {

using names = std::vector<std::string_view>;

api_error invalid(std::string field, std::string message) {
  return make_api_error(error_code::invalid_field, std::move(message), std::move(field));
}

api_error missing(std::string field) {
  return make_api_error(error_code::missing_required_field,
                        "Missing required field: " + field, field);
}

bool in(std::string_view v, const names& allowed) {
  return std::find(allowed.begin(), allowed.end(), v) != allowed.end();
}

std::string join(const names& allowed) {
  std::string out;
  for (auto n : allowed) {
    if (!out.empty())
      out += ", ";
    out += n;
  }
  return out;
}

// Reads fields of one object, reporting errors with a path prefix.
class checker {
public:
  checker(const json::object& obj, std::string prefix) : obj_(obj), prefix_(std::move(prefix)) {}

  std::string path(std::string_view field) const {
    return prefix_.empty() ? std::string(field) : prefix_ + "." + std::string(field);
  }

  const json::value* get(std::string_view field) const {
    auto it = obj_.find(field);
    return it == obj_.end() || it->value().is_null() ? nullptr : &it->value();
  }

  api_error string(std::string_view field, bool required = false, size_t max_len = 0) const {
    const auto* v = get(field);
    if (!v)
      return required ? missing(path(field)) : api_error{};
    if (!v->is_string())
      return invalid(path(field), path(field) + " must be a string");
    if (required && v->get_string().empty())
      return missing(path(field));
    if (max_len && v->get_string().size() > max_len)
      return invalid(path(field), path(field) + " must be at most " + std::to_string(max_len)
                                    + " characters");
    return {};
  }

  api_error one_of(std::string_view field, const names& allowed, bool required = false) const {
    if (auto e = string(field, required))
      return e;
    const auto* v = get(field);
    if (v && !in(v->get_string(), allowed))
      return invalid(path(field), path(field) + " must be one of: " + join(allowed));
    return {};
  }

  api_error boolean(std::string_view field) const {
    const auto* v = get(field);
    if (v && !v->is_bool())
      return invalid(path(field), path(field) + " must be a boolean");
    return {};
  }

  api_error integer(std::string_view field, std::int64_t lo, std::int64_t hi) const {
    const auto* v = get(field);
    if (!v)
      return {};
    std::int64_t n;
    if (v->is_int64())
      n = v->get_int64();
    else if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(hi))
      n = static_cast<std::int64_t>(v->get_uint64());
    else if (v->is_double() && std::abs(v->get_double()) < 9.0e15  // exact in a double, no overflow
             && v->get_double() == std::trunc(v->get_double()))
      n = static_cast<std::int64_t>(v->get_double());
    else
      return invalid(path(field), path(field) + " must be an integer");
    if (n < lo || n > hi)
      return invalid(path(field), path(field) + " must be between " + std::to_string(lo) + " and "
                                    + std::to_string(hi));
    return {};
  }

  api_error date(std::string_view field) const {
    if (auto e = string(field))
      return e;
    const auto* v = get(field);
    if (v && !parse_iso_ms(v->get_string()))
      return invalid(path(field), path(field) + " must be an ISO-8601 date");
    return {};
  }

  api_error cron(std::string_view field) const {
    if (auto e = string(field))
      return e;
    const auto* v = get(field);
    if (!v || v->get_string().empty())
      return {};
    auto schedule = parse_cron(v->get_string());
    return schedule ? api_error{} : invalid(path(field), schedule.error().message);
  }

  /// Checks `field` is an object (or absent) and returns a checker for it.
  api_error object(std::string_view field, const json::object*& out) const {
    out = nullptr;
    const auto* v = get(field);
    if (!v)
      return {};
    if (!v->is_object())
      return invalid(path(field), path(field) + " must be an object");
    out = &v->get_object();
    return {};
  }

  api_error array(std::string_view field, const json::array*& out) const {
    out = nullptr;
    const auto* v = get(field);
    if (!v)
      return {};
    if (!v->is_array())
      return invalid(path(field), path(field) + " must be an array");
    out = &v->get_array();
    return {};
  }

private:
  const json::object& obj_;
  std::string prefix_;
};

// A filter must compile now, so a bad one is a 422 at save time rather
// than a job error later.
api_error check_filter(const checker& c, std::string_view field) {
  const auto* v = c.get(field);
  if (!v)
    return {};
  if (!v->is_object())
    return invalid(c.path(field), c.path(field) + " must be an object");
  auto filter = filter_expression::compile_filter(*v);
  return filter ? api_error{} : invalid(c.path(field), "Invalid filter: " + filter.error().message);
}

#define TRY(expr)                                                                                  \
  if (auto err_ = (expr))                                                                          \
  return err_

const names connection_types = {"netsuite", "salesforce", "ftp",     "s3",       "wrapper",
                                    "http",     "rdbms",      "mongodb", "as2",      "filesystem",
                                    "mcp",      "dynamodb",   "jdbc",    "van",      "rest",
                                    "sftp",     "magento"};
const names export_adaptors = {
  "HTTPExport",    "NetSuiteExport", "SalesforceExport", "RDBMSExport",   "MongodbExport",
  "JDBCExport",    "DynamodbExport", "FTPExport",        "S3Export",      "WebhookExport",
  "AS2Export",     "SimpleExport",   "FileSystemExport", "WrapperExport", "RESTExport"};
const names import_adaptors = {
  "HTTPImport",       "NetSuiteDistributedImport", "SalesforceImport", "RDBMSImport",
  "MongodbImport",    "DynamodbImport",            "JDBCImport",       "FTPImport",
  "S3Import",         "AS2Import",                 "FileSystemImport", "WrapperImport",
  "AiAgentImport",    "GuardrailImport",           "ToolImport",       "RESTImport",
  "NetSuiteImport"};
const names http_methods = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"};

api_error validate_connection(checker& c) {
  TRY(c.one_of("type", connection_types, true));
  TRY(c.string("name"));
  TRY(c.boolean("offline"));
  TRY(c.boolean("sandbox"));
  TRY(c.date("debugDate"));
  std::string type(c.get("type")->get_string());
  const json::object* block = nullptr;
  TRY(c.object(type == "sftp" ? "ftp" : type, block));
  if (type == "http" || type == "rest") {
    if (!block)
      return missing(type);
    checker b(*block, type);
    TRY(b.string("baseURI", true));
    TRY(b.one_of("mediaType", {"json", "xml", "urlencoded", "form-data", "plaintext", "csv"}));
    TRY(b.integer("concurrencyLevel", 1, 1000));
    // Milliseconds per request; an hour at most (run time raises it to
    // http_endpoint's floor).
    TRY(b.integer("timeout", 1, 3600000));
    TRY(b.boolean("disableStrictSSL"));
    const json::object* auth = nullptr;
    TRY(b.object("auth", auth));
    if (auth) {
      checker a(*auth, type + ".auth");
      TRY(a.one_of("type", {"basic", "token", "oauth", "oauth1", "jwt", "jwtbearer", "cookie",
                            "digest", "wsse", "custom", "specific"}));
    }
    const json::array* headers = nullptr;
    TRY(b.array("headers", headers));
    if (headers)
      for (size_t i = 0; i < headers->size(); ++i) {
        auto p = type + ".headers[" + std::to_string(i) + "]";
        if (!(*headers)[i].is_object())
          return invalid(p, p + " must be an object {name, value}");
        checker h((*headers)[i].get_object(), p);
        TRY(h.string("name", true));
      }
  } else if (type == "ftp" || type == "sftp") {
    if (!block)
      return missing("ftp");
    checker b(*block, "ftp");
    TRY(b.string("hostURI", true));
    TRY(b.one_of("type", {"ftp", "sftp", "ftps"}));
    TRY(b.integer("port", 1, 65535));
    TRY(b.integer("concurrencyLevel", 1, 1000));
  } else if (type == "s3") {
    if (block) {
      checker b(*block, "s3");
      TRY(b.string("region"));
      TRY(b.string("accessKeyId"));
    }
  } else if (type == "netsuite" && block) {
    checker b(*block, "netsuite");
    TRY(b.one_of("environment", {"production", "sandbox", "beta"}));
  }
  return {};
}

// Old clients send no adaptorType; the config block present tells it.
api_error infer_adaptor(json::object& obj, bool is_export) {
  if (auto it = obj.find("adaptorType"); it != obj.end() && !it->value().is_null())
    return {};
  struct row {
    const char* block;
    const char* exp;
    const char* imp;
  };
  static constexpr row rows[] = {
    {"rest", "RESTExport", "RESTImport"},       {"http", "HTTPExport", "HTTPImport"},
    {"ftp", "FTPExport", "FTPImport"},          {"s3", "S3Export", "S3Import"},
    {"netsuite", "NetSuiteExport", "NetSuiteImport"},
    {"netsuite_da", nullptr, "NetSuiteDistributedImport"},
    {"salesforce", "SalesforceExport", "SalesforceImport"},
    {"webhook", "WebhookExport", nullptr},      {"wrapper", "WrapperExport", "WrapperImport"},
    {"rdbms", "RDBMSExport", "RDBMSImport"},    {"mongodb", "MongodbExport", "MongodbImport"},
  };
  for (const auto& r : rows) {
    const char* name = is_export ? r.exp : r.imp;
    if (name && obj.contains(r.block)) {
      obj["adaptorType"] = name;
      return {};
    }
  }
  return missing("adaptorType");
}

api_error validate_export(json::object& obj) {
  TRY(infer_adaptor(obj, true));
  checker c(obj, "");
  TRY(c.one_of("adaptorType", export_adaptors, true));
  std::string adaptor(c.get("adaptorType")->get_string());
  TRY(c.string("name"));
  if (adaptor != "WebhookExport" && adaptor != "SimpleExport")
    TRY(c.string("_connectionId", true));
  TRY(c.integer("pageSize", 1, 100000));
  TRY(c.boolean("isLookup"));
  TRY(c.boolean("asynchronous"));
  TRY(c.date("debugUntil"));
  TRY(c.one_of("type", {"webhook", "distributed", "test", "delta", "once", "tranlinedelta",
                        "simple", "blob", "stream"}));
  const json::object* test = nullptr;
  TRY(c.object("test", test));
  if (test)
    TRY(checker(*test, "test").integer("limit", 1, 100));
  const json::object* delta = nullptr;
  TRY(c.object("delta", delta));
  if (delta) {
    checker d(*delta, "delta");
    TRY(d.date("startDate"));
    TRY(d.integer("lagOffset", 0, INT64_MAX / 2));
    if ((adaptor == "HTTPExport" || adaptor == "RESTExport") && d.get("dateField"))
      return invalid("delta.dateField",
                     "delta.dateField is not allowed on HTTP exports; use {{lastExportDateTime}} "
                     "in http.relativeURI or http.body");
  }
  const json::object* http = nullptr;
  TRY(c.object("http", http));
  if (http) {
    checker h(*http, "http");
    TRY(h.one_of("method", http_methods));
    TRY(h.string("relativeURI"));
    const json::object* paging = nullptr;
    TRY(h.object("paging", paging));
    if (paging) {
      checker p(*paging, "http.paging");
      TRY(p.one_of("method", {"linkheader", "page", "skip", "token", "url", "relativeuri", "body"}));
      TRY(p.integer("lastPageStatusCode", 100, 599));
      TRY(p.integer("maxPages", 1, 1000000000));
    }
  }
  const json::object* filter = nullptr;
  TRY(c.object("filter", filter));
  if (filter)
    TRY(checker(*filter, "filter").one_of("type", {"expression", "script"}));
  TRY(check_filter(c, "filter"));
  TRY(check_filter(c, "inputFilter"));
  if (const auto* transform = c.get("transform"))
    if (auto t = record_transform::compile(*transform); !t)
      return invalid("transform", t.error().message);
  return {};
}

api_error validate_import(json::object& obj) {
  TRY(infer_adaptor(obj, false));
  checker c(obj, "");
  TRY(c.one_of("adaptorType", import_adaptors, true));
  TRY(c.string("name"));
  TRY(c.string("_connectionId", true));
  TRY(c.boolean("ignoreExisting"));
  TRY(c.boolean("ignoreMissing"));
  TRY(c.integer("maxAttempts", 1, 100));
  TRY(c.date("debugUntil"));
  TRY(check_filter(c, "filter"));
  // Static lookups sit on the import, or in the legacy rest/http block.
  json::value lookups = nullptr;
  if (const auto* l = c.get("lookups"))
    lookups = *l;
  for (const char* block : {"rest", "http"})
    if (lookups.is_null())
      if (const auto* b = c.get(block); b && b->is_object())
        if (auto it = b->get_object().find("lookups"); it != b->get_object().end())
          lookups = it->value();
  if (const auto* mapping = c.get("mapping"))
    if (auto m = mapping_v1::compile(*mapping, lookups); !m)
      return invalid("mapping", m.error().message);
  if (const auto* mappings = c.get("mappings"))
    if (auto m = mapper_v2::compile(*mappings, lookups); !m)
      return invalid("mappings", m.error().message);
  const json::object* http = nullptr;
  TRY(c.object("http", http));
  if (http) {
    checker h(*http, "http");
    TRY(h.integer("batchSize", 1, 100000));
    static const names request_types = {"CREATE", "UPDATE"};
    for (auto [field, allowed] : {std::pair<const char*, const names*>{"method", &http_methods},
                                  {"requestType", &request_types}}) {
      const auto* v = h.get(field);
      if (!v)
        continue;
      if (v->is_string()) {
        TRY(h.one_of(field, *allowed));
        continue;
      }
      if (!v->is_array())
        return invalid(h.path(field), h.path(field) + " must be an array");
      const auto& arr = v->get_array();
      for (size_t i = 0; i < arr.size(); ++i) {
        auto p = h.path(field) + "[" + std::to_string(i) + "]";
        if (!arr[i].is_string() || !in(arr[i].get_string(), *allowed))
          return invalid(p, p + " must be one of: " + join(*allowed));
      }
    }
  }
  return {};
}

api_error validate_processors(const checker& c, const std::string& base) {
  const json::array* procs = nullptr;
  TRY(c.array("pageProcessors", procs));
  if (!procs)
    return {};
  for (size_t i = 0; i < procs->size(); ++i) {
    auto p = c.path("pageProcessors") + "[" + std::to_string(i) + "]";
    if (!(*procs)[i].is_object())
      return invalid(p, p + " must be an object");
    checker pc((*procs)[i].get_object(), p);
    TRY(pc.one_of("type", {"export", "import"}, true));
    bool is_import = pc.get("type")->get_string() == "import";
    TRY(pc.string(is_import ? "_importId" : "_exportId", true));
    TRY(pc.boolean("proceedOnFailure"));
  }
  return {};
}

api_error validate_flow(json::object& obj, const validation_context& ctx) {
  checker c(obj, "");
  TRY(c.string("name", true));
  TRY(c.boolean("disabled"));
  TRY(c.boolean("skipRetries"));
  TRY(c.boolean("runPageGeneratorsInParallel"));
  TRY(c.cron("schedule"));
  TRY(c.string("timezone"));
  if (const auto* tz = c.get("timezone"); tz && ctx.is_time_zone && !tz->get_string().empty()
                                          && !ctx.is_time_zone(tz->get_string()))
    return invalid("timezone", "Unknown time zone: " + std::string(tz->get_string()));
  if (c.get("pageProcessors") && c.get("routers"))
    return invalid("pageProcessors", "\"pageProcessors\" is not allowed when \"routers\" is present");
  const json::array* gens = nullptr;
  TRY(c.array("pageGenerators", gens));
  if (gens)
    for (size_t i = 0; i < gens->size(); ++i) {
      auto p = "pageGenerators[" + std::to_string(i) + "]";
      if (!(*gens)[i].is_object())
        return invalid(p, p + " must be an object");
      checker g((*gens)[i].get_object(), p);
      TRY(g.string("_exportId", true));
      TRY(g.cron("schedule"));
      TRY(g.boolean("skipRetries"));
    }
  TRY(validate_processors(c, ""));
  const json::array* routers = nullptr;
  TRY(c.array("routers", routers));
  if (routers)
    for (size_t i = 0; i < routers->size(); ++i) {
      auto p = "routers[" + std::to_string(i) + "]";
      if (!(*routers)[i].is_object())
        return invalid(p, p + " must be an object");
      checker r((*routers)[i].get_object(), p);
      TRY(r.one_of("routeRecordsTo", {"first_matching_branch", "all_matching_branches"}));
      TRY(r.one_of("routeRecordsUsing", {"input_filters", "script"}));
      const json::array* branches = nullptr;
      TRY(r.array("branches", branches));
      if (branches)
        for (size_t j = 0; j < branches->size(); ++j) {
          auto bp = p + ".branches[" + std::to_string(j) + "]";
          if (!(*branches)[j].is_object())
            return invalid(bp, bp + " must be an object");
          checker branch((*branches)[j].get_object(), bp);
          TRY(check_filter(branch, "inputFilter"));
          TRY(validate_processors(branch, bp));
        }
    }
  // The routers' graph: each nextRouterId names a router, no cycles.
  if (routers)
    if (auto routes = flow_routes::of(obj); !routes)
      return invalid("routers", routes.error().message);
  const json::array* next = nullptr;
  TRY(c.array("_runNextFlowIds", next));
  return {};
}

api_error validate_simple_named(json::object& obj, resource_kind kind) {
  checker c(obj, "");
  switch (kind) {
    case resource_kind::integration:
      TRY(c.string("name", true));
      TRY(c.one_of("mode", {"install", "settings", "uninstall"}));
      TRY(c.boolean("updateInProgress"));
      return {};
    case resource_kind::connector:
      TRY(c.string("name", true));
      TRY(c.boolean("published"));
      TRY(c.boolean("managed"));
      return {};
    case resource_kind::license:
      TRY(c.date("expires"));
      TRY(c.string("email"));
      return {};
    case resource_kind::iclient:
      TRY(c.string("name"));
      TRY(c.string("provider", true));
      return {};
    case resource_kind::script:
      TRY(c.string("name", true, 100));
      TRY(c.string("description", false, 1024));
      TRY(c.string("content"));
      TRY(c.date("debugUntil"));
      return {};
    case resource_kind::stack: {
      TRY(c.string("name", true));
      TRY(c.one_of("type", {"server", "lambda"}, true));
      if (c.get("type")->get_string() == "server") {
        const json::object* server = nullptr;
        TRY(c.object("server", server));
        if (!server)
          return missing("server");
        TRY(checker(*server, "server").string("hostURI", true));
      }
      return {};
    }
    case resource_kind::template_:
    case resource_kind::asynchelper:
      TRY(c.string("name", true));
      return {};
    default:
      return {};
  }
}

#undef TRY

}  // namespace

api_error validate_resource(resource_kind kind, json::value& doc, const validation_context& ctx) {
  auto* obj = doc.if_object();
  if (!obj)
    return make_api_error(error_code::invalid_field,
                          std::string("a ") + info(kind).singular + " must be a JSON object", "");
  switch (kind) {
    case resource_kind::connection: {
      checker c(*obj, "");
      return validate_connection(c);
    }
    case resource_kind::export_:
      return validate_export(*obj);
    case resource_kind::import_:
      return validate_import(*obj);
    case resource_kind::flow:
      return validate_flow(*obj, ctx);
    case resource_kind::script: {
      if (auto e = validate_simple_named(*obj, kind))
        return e;
      // Logs are kept at most an hour ahead.
      if (const auto* until = obj->if_contains("debugUntil"); until && until->is_string() && ctx.now_ms)
        if (auto ms = parse_iso_ms(until->get_string()); ms && *ms > ctx.now_ms() + 3600 * 1000 + 60 * 1000)
          return make_api_error(error_code::invalid_field, "debugUntil may be at most one hour ahead",
                                "debugUntil");
      // Compiled on save: a syntax error is the save's 422, not a run's failure.
      const auto* content = obj->if_contains("content");
      if (ctx.compile_script && content && content->is_string())
        if (auto why = ctx.compile_script(content->get_string()))
          return make_api_error(error_code::invalid_field, "content: " + *why, "content");
      return {};
    }
    default:
      return validate_simple_named(*obj, kind);
  }
}

bool adaptor_accepts_connection(std::string_view adaptor, std::string_view conn) {
  struct row {
    std::string_view prefix;
    names types;
  };
  static const row rows[] = {
    {"HTTP", {"http", "rest"}},       {"REST", {"rest", "http"}},
    {"FTP", {"ftp", "sftp"}},         {"S3", {"s3"}},
    {"NetSuite", {"netsuite"}},       {"Salesforce", {"salesforce"}},
    {"RDBMS", {"rdbms"}},             {"Mongodb", {"mongodb"}},
    {"JDBC", {"jdbc"}},               {"Dynamodb", {"dynamodb"}},
    {"AS2", {"as2"}},                 {"FileSystem", {"filesystem"}},
    {"Wrapper", {"wrapper"}},
  };
  for (const auto& r : rows)
    if (adaptor.substr(0, r.prefix.size()) == r.prefix)
      return in(conn, r.types);
  return true;  // AI agent, guardrail and tool imports take any connection
}

}  // namespace integrator
