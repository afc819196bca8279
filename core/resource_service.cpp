#include "core/resource_service.hpp"

#include <boost/json.hpp>

#include <set>

#include "core/iso_time.hpp"
#include "core/json_patch.hpp"
#include "core/error_service.hpp"
#include "core/import_plan.hpp"
#include "core/job_service.hpp"
#include "core/key_codec.hpp"
#include "core/list_query.hpp"
#include "core/references.hpp"

namespace integrator {

namespace json = boost::json;

namespace {

api_reply not_found(resource_kind kind) {
  return api_reply::fail(
    make_api_error(errc::not_found, std::string("No ") + info(kind).singular + " with that id"));
}

api_reply parse_body(const std::string& body, json::value& out) {
  boost::system::error_code ec;
  out = json::parse(body, ec);
  if (ec)
    return api_reply::fail(make_api_error(errc::invalid_json, "invalid_json",
                                          "Malformed JSON in request body: " + ec.message(), ""));
  return api_reply{};
}

bool failed(const api_reply& r) {
  return r.status == api_status::failed;
}

std::string name_of(const json::value& doc) {
  if (const auto* obj = doc.if_object())
    if (auto it = obj->find("name"); it != obj->end() && it->value().is_string())
      return std::string(it->value().get_string());
  return {};
}

std::string string_field(const json::value& doc, std::string_view field) {
  if (const auto* obj = doc.if_object())
    if (auto it = obj->find(field); it != obj->end() && it->value().is_string())
      return std::string(it->value().get_string());
  return {};
}

// Fields the server owns; a client's values for them are dropped.
void strip_read_only(resource_kind kind, json::object& obj) {
  for (const char* f : {"_id", "createdAt", "lastModified", "apiIdentifier", "created", "user"})
    obj.erase(f);
  if (kind == resource_kind::flow)
    for (const char* f : {"lastExecutedAt", "resolvedAt", "_templateId", "_sourceId"})
      obj.erase(f);
  if (kind == resource_kind::connection)
    obj.erase("queues");
}

void stamp(resource_kind kind, json::object& obj, const std::string& id, std::int64_t created_ms,
           std::int64_t now_ms) {
  // _id first, so documents read naturally.
  json::object out;
  out["_id"] = id;
  if (kind == resource_kind::export_ || kind == resource_kind::import_)
    out["apiIdentifier"] = (kind == resource_kind::export_ ? "e" : "i") + id.substr(17);
  for (auto& m : obj)
    out[m.key()] = std::move(m.value());
  if (kind == resource_kind::license)
    out["created"] = format_iso_ms(created_ms);
  else
    out["createdAt"] = format_iso_ms(created_ms);
  out["lastModified"] = format_iso_ms(now_ms);
  obj = std::move(out);
}

std::int64_t created_of(const json::value& doc, resource_kind kind) {
  auto text = string_field(doc, kind == resource_kind::license ? "created" : "createdAt");
  return parse_iso_ms(text).value_or(0);
}

// Preserves server-owned fields of `old` that a PUT body cannot set.
void keep_server_fields(resource_kind kind, const json::value& old, json::object& obj) {
  for (const char* f : {"user", "_connectorId"}) {
    if (kind != resource_kind::license)
      break;
    if (const auto* o = old.if_object())
      if (auto it = o->find(f); it != o->end())
        obj[f] = it->value();
  }
}

// Deep replace of _connectionId values per {old: new}.
void map_connections(json::value& v, const json::object& map) {
  if (auto* obj = v.if_object()) {
    for (auto& m : *obj) {
      if (m.key() == "_connectionId" && m.value().is_string()) {
        if (auto it = map.find(m.value().get_string()); it != map.end() && it->value().is_string())
          m.value() = it->value();
      } else {
        map_connections(m.value(), map);
      }
    }
  } else if (auto* arr = v.if_array()) {
    for (auto& e : *arr)
      map_connections(e, map);
  }
}

}  // namespace

resource_service::resource_service(document_store& store, const secret_box& box,
                                   validation_context validation, object_id_generator ids)
  : store_(store), box_(box), validation_(std::move(validation)), ids_(ids) {
  // nop
}

std::optional<json::value> resource_service::load(resource_kind kind, const std::string& account,
                                                  const std::string& id) {
  auto raw = store_.get(keys::space_of(kind), keys::resource(account, id));
  if (!raw)
    return std::nullopt;
  boost::system::error_code ec;
  auto doc = json::parse(*raw, ec);
  if (ec)
    throw store_failure("corrupt document " + std::string(keys::space_of(kind)) + "/" + id);
  return doc;
}

std::optional<json::value> resource_service::load_visible(resource_kind kind,
                                                          const std::string& account,
                                                          const access_scope& scope,
                                                          const std::string& id) {
  auto doc = load(kind, account, id);
  if (!doc || !scope.permits(kind, id, *doc))
    return std::nullopt;
  return doc;
}

secret_map resource_service::load_sealed(resource_kind kind, const std::string& account,
                                         const std::string& id) {
  secret_map out;
  auto raw = store_.get(keys::secrets_space, keys::secrets(kind, account, id));
  if (!raw)
    return out;
  boost::system::error_code ec;
  auto v = json::parse(*raw, ec);
  if (!ec && v.is_object())
    for (const auto& m : v.get_object())
      if (m.value().is_string())
        out[std::string(m.key())] = std::string(m.value().get_string());
  return out;
}

secret_map resource_service::open_secrets(resource_kind kind, const std::string& account,
                                          const std::string& id) {
  secret_map out;
  for (const auto& [pointer, sealed] : load_sealed(kind, account, id))
    if (auto plain = box_.open(sealed))
      out[pointer] = std::move(*plain);
  return out;
}

api_error resource_service::check_references(const std::string& account, resource_kind kind,
                                             const json::value& doc) {
  if (kind == resource_kind::license)
    return {};
  std::string connection_type;
  for (const auto& ref : collect_references(doc)) {
    auto target = load(ref.target, account, ref.id);
    if (!is_object_id(ref.id) || !target)
      return make_api_error(errc::validation_failed, "invalid_reference",
                            "Invalid reference: " + ref.field, ref.path);
    if (ref.path == "_connectionId")
      connection_type = string_field(*target, "type");
  }
  if ((kind == resource_kind::export_ || kind == resource_kind::import_)
      && !connection_type.empty()) {
    auto adaptor = string_field(doc, "adaptorType");
    if (!adaptor_accepts_connection(adaptor, connection_type))
      return make_api_error(errc::validation_failed, "invalid_reference",
                            "A " + adaptor + " cannot use a connection of type " + connection_type,
                            "_connectionId");
  }
  return {};
}

void resource_service::index(write_batch& b, const std::string& account, resource_kind kind,
                             const std::string& id, const json::value* old_doc,
                             const json::value* new_doc) {
  auto names = [&](const json::value* d) {
    std::string n = d ? name_of(*d) : std::string{};
    return n;
  };
  std::set<std::string> old_refs, new_refs;
  if (kind != resource_kind::license) {
    if (old_doc)
      for (const auto& r : collect_references(*old_doc))
        old_refs.insert(keys::ref(account, r.id, kind, id));
    if (new_doc)
      for (const auto& r : collect_references(*new_doc))
        new_refs.insert(keys::ref(account, r.id, kind, id));
  }
  for (const auto& k : old_refs)
    if (!new_refs.count(k))
      b.erase(keys::refs_space, k);
  for (const auto& k : new_refs)
    if (!old_refs.count(k))
      b.put(keys::refs_space, k, "");
  auto old_name = names(old_doc), new_name = names(new_doc);
  if (old_doc && !old_name.empty() && (!new_doc || old_name != new_name))
    b.erase(keys::names_space, keys::name(account, kind, old_name, id));
  if (new_doc && !new_name.empty() && (!old_doc || old_name != new_name))
    b.put(keys::names_space, keys::name(account, kind, new_name, id), "");
}

void resource_service::put_document(write_batch& b, resource_kind kind, const std::string& account,
                                    const std::string& id, const json::value& doc,
                                    const secret_map& sealed) {
  b.put(keys::space_of(kind), keys::resource(account, id), json::serialize(doc));
  auto skey = keys::secrets(kind, account, id);
  if (sealed.empty()) {
    b.erase(keys::secrets_space, skey);
    return;
  }
  json::object s;
  for (const auto& [pointer, value] : sealed)
    s[pointer] = value;
  b.put(keys::secrets_space, skey, json::serialize(s));
}

api_error resource_service::prepare(resource_kind kind, json::value& doc) {
  if (!doc.is_object())
    return make_api_error(errc::validation_failed, "invalid_field",
                          std::string("a ") + info(kind).singular + " must be a JSON object", "");
  strip_read_only(kind, doc.get_object());
  return validate_resource(kind, doc, validation_);
}

api_reply resource_service::handle(const std::string& account, const access_scope& scope,
                                   const api_call& call, std::int64_t now_ms) {
  json::value body;
  bool needs_body = call.op == api_op::create || call.op == api_op::replace
                    || call.op == api_op::patch || call.op == api_op::state_put
                    || call.op == api_op::license_create || call.op == api_op::license_replace
                    || (call.op == api_op::clone && !call.body.empty());
  if (needs_body) {
    auto r = parse_body(call.body.empty() && call.op != api_op::state_put ? "{}" : call.body, body);
    if (failed(r))
      return r;
  }
  switch (call.op) {
    case api_op::list:
      return list(account, scope, call.kind, call.query, {});
    case api_op::get: {
      // A full-access caller sees any document of its account: answer the
      // stored bytes as they are, without a parse and a serialize.
      if (scope.full) {
        auto raw = store_.get(keys::space_of(call.kind), keys::resource(account, call.id));
        return raw ? api_reply::json(api_status::ok, std::move(*raw)) : not_found(call.kind);
      }
      auto doc = load_visible(call.kind, account, scope, call.id);
      if (!doc)
        return not_found(call.kind);
      return api_reply::json(api_status::ok, json::serialize(*doc));
    }
    case api_op::create:
      return create(account, scope, call.kind, std::move(body), now_ms);
    case api_op::replace:
      return replace(account, scope, call.kind, call.id, std::move(body), now_ms);
    case api_op::patch:
      return patch(account, scope, call.kind, call.id, body, now_ms);
    case api_op::remove:
      return remove(account, scope, call.kind, call.id);
    case api_op::clone:
      return clone(account, scope, call.kind, call.id, body, now_ms);
    case api_op::integration_flows:
    case api_op::install_base: {
      bool flows = call.op == api_op::integration_flows;
      auto parent = flows ? resource_kind::integration : resource_kind::connector;
      if (!load_visible(parent, account, scope, call.id))
        return not_found(parent);
      auto kind = flows ? resource_kind::flow : resource_kind::integration;
      return list(account, scope, kind, call.query,
                  {{flows ? "_integrationId" : "_connectorId", call.id}});
    }
    case api_op::license_list:
    case api_op::license_get:
    case api_op::license_create:
    case api_op::license_replace:
    case api_op::license_remove:
      return licenses(account, scope, call, now_ms);
    case api_op::state_keys:
    case api_op::state_get:
    case api_op::state_put:
    case api_op::state_remove:
    case api_op::state_clear:
      return state(account, scope, call);
    case api_op::connection_import_map:
      return import_map(account, scope, call);
    case api_op::job_list:
    case api_op::job_get:
    case api_op::job_errors:
    case api_op::flow_jobs_latest:
    case api_op::integration_jobs_latest:
    case api_op::step_errors:
    case api_op::flow_last_export:
    case api_op::job_current:
    case api_op::step_resolved:
    case api_op::step_resolve:
    case api_op::job_errors_resolve:
      return jobs(account, scope, call, now_ms);
    default:
      return api_reply::fail(make_api_error(errc::internal, "operation not served here"));
  }
}

std::optional<std::string> resource_service::import_by_api_identifier(const std::string& account,
                                                                     const std::string& identifier) {
  std::optional<std::string> found;
  store_.scan(keys::space_of(resource_kind::import_), account, [&](std::string_view key, std::string_view value) {
    boost::system::error_code ec;
    auto doc = json::parse(value, ec);
    if (!ec && string_field(doc, "apiIdentifier") == identifier)
      found = std::string(key.substr(account.size()));
    return !found;
  });
  return found;
}

api_reply resource_service::import_map(const std::string& account, const access_scope& scope,
                                       const api_call& call) {
  if (!load_visible(resource_kind::connection, account, scope, call.id))
    return not_found(resource_kind::connection);
  boost::system::error_code ec;
  auto body = json::parse(call.body, ec);
  const auto* o = ec ? nullptr : body.if_object();
  const auto* imp = o ? o->if_contains("import") : nullptr;
  const auto* data = o ? o->if_contains("data") : nullptr;
  if (!imp || !imp->is_object() || !data || !data->is_array())
    return api_reply::fail(make_api_error(errc::validation_failed, "invalid_request",
                                          "The body must be {\"import\":{…},\"data\":[…]}", ""));
  std::string why;
  auto mapped = import_plan::map_only(*imp, data->get_array(), &why);
  if (!mapped)
    return api_reply::fail(make_api_error(errc::validation_failed, "invalid_mapping", why, "import"));
  return api_reply::json(api_status::ok, json::serialize(*mapped));
}

api_reply resource_service::jobs(const std::string& account, const access_scope& scope,
                                 const api_call& call, std::int64_t now_ms) {
  // Jobs span every resource of a flow: only full-access tokens see them.
  if (!scope.full)
    return api_reply::fail(make_api_error(errc::forbidden, "This token may not read jobs"));
  job_service jobs(store_);
  switch (call.op) {
    case api_op::job_list:
      return jobs.list(account, call.query);
    case api_op::job_get:
      return jobs.get(account, call.id);
    case api_op::job_errors:
      return jobs.errors(account, call.id);
    case api_op::flow_jobs_latest:
      if (!load(resource_kind::flow, account, call.id))
        return not_found(resource_kind::flow);
      return jobs.flow_latest(account, call.id);
    case api_op::integration_jobs_latest:
      if (!load(resource_kind::integration, account, call.id))
        return not_found(resource_kind::integration);
      return jobs.integration_latest(account, call.id);
    case api_op::job_errors_resolve:
      return error_service(store_).resolve_job(account, call.id, call.sub_id, now_ms);
    case api_op::job_current:
      return jobs.current(account, call.body);
    case api_op::flow_last_export: {
      auto flow = load(resource_kind::flow, account, call.id);
      if (!flow)
        return not_found(resource_kind::flow);
      // The mark of the flow's first delta export that has one.
      json::object out;
      out["lastExportDateTime"] = nullptr;
      if (const auto* gens = flow->get_object().if_contains("pageGenerators"); gens && gens->is_array())
        for (const auto& g : gens->get_array()) {
          auto id = g.is_object() ? string_field(g, "_exportId") : "";
          auto mark = id.empty() ? std::nullopt
                                 : store_.get(keys::export_marks_space, keys::export_mark(account, call.id, id));
          if (mark) {
            out["lastExportDateTime"] = format_iso_ms(std::stoll(*mark));
            break;
          }
        }
      return api_reply::json(api_status::ok, json::serialize(out));
    }
    default:
      if (!load(resource_kind::flow, account, call.id))
        return not_found(resource_kind::flow);
      if (call.op == api_op::step_resolve)
        return error_service(store_).resolve_step(account, call.id, call.sub_id, call.body, now_ms);
      return jobs.step_errors(account, call.id, call.sub_id, call.query,
                              call.op == api_op::step_resolved);
  }
}

std::optional<json::value> resource_service::engine_document(resource_kind kind,
                                                             const std::string& account,
                                                             const access_scope& scope,
                                                             const std::string& id) {
  auto doc = load_visible(kind, account, scope, id);
  if (doc)
    reveal_secrets(*doc, open_secrets(kind, account, id));
  return doc;
}

namespace {

// The optional run body {_exportIds, startDate, endDate} into `run`.
std::optional<api_error> read_run_body(const std::string& text, const json::object& flow,
                                       job_doc& run) {
  if (text.empty())
    return std::nullopt;
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  if (ec || !v.is_object())
    return make_api_error(errc::invalid_request, "invalid_json", "The run body is not a JSON object", "");
  const auto& o = v.get_object();
  for (const char* k : {"startDate", "endDate"})
    if (const auto* d = o.if_contains(k); d && !d->is_null()) {
      auto ms = d->is_string() ? parse_iso_ms(d->get_string()) : std::nullopt;
      if (!ms)
        return make_api_error(errc::validation_failed, "invalid_date", std::string(k) + " is not a date", k);
      (std::string_view(k) == "startDate" ? run.start_date : run.end_date) = *ms;
    }
  if (run.start_date >= 0 && run.end_date >= 0 && run.end_date < run.start_date)
    return make_api_error(errc::validation_failed, "invalid_date", "endDate is before startDate", "endDate");
  if (const auto* ids = o.if_contains("_exportIds"); ids && !ids->is_null()) {
    const auto* gens = flow.if_contains("pageGenerators");
    auto is_generator = [&](std::string_view id) {
      if (gens && gens->is_array())
        for (const auto& g : gens->get_array())
          if (const auto* e = g.is_object() ? g.get_object().if_contains("_exportId") : nullptr;
              e && e->is_string() && e->get_string() == id)
            return true;
      return false;
    };
    if (!ids->is_array())
      return make_api_error(errc::validation_failed, "invalid_request", "_exportIds must be an array", "_exportIds");
    for (const auto& id : ids->get_array()) {
      if (!id.is_string() || !is_generator(id.get_string()))
        return make_api_error(errc::validation_failed, "invalid_request",
                              "_exportIds names an export that is not a page generator of the flow",
                              "_exportIds");
      run.export_ids.emplace_back(id.get_string());
    }
  }
  return std::nullopt;
}

}  // namespace

api_reply resource_service::enqueue_run(const std::string& account, const access_scope& scope,
                                        const std::string& flow_id, const std::string& job_id,
                                        const std::string& body_text, std::int64_t now_ms) {
  if (!scope.full)
    return api_reply::fail(make_api_error(errc::forbidden, "This token may not run flows"));
  auto flow = load(resource_kind::flow, account, flow_id);
  if (!flow)
    return not_found(resource_kind::flow);
  const auto& f = flow->get_object();
  if (auto it = f.find("disabled"); it != f.end() && it->value() == true)
    return api_reply::fail(make_api_error(errc::validation_failed, "flow_disabled",
                                          "The flow is disabled", "disabled"));
  auto gens = f.find("pageGenerators");
  if (gens == f.end() || !gens->value().is_array() || gens->value().get_array().empty())
    return api_reply::fail(make_api_error(errc::validation_failed, "missing_page_generator",
                                          "The flow has no page generator", "pageGenerators"));
  job_doc run;
  if (auto bad = read_run_body(body_text, f, run))
    return api_reply::fail(*bad);
  auto job = job_service(store_).enqueue(account, job_id, flow_id,
                                         string_field(*flow, "_integrationId"), now_ms, run);
  auto body = json::parse(job.to_json()).as_object();
  body["_jobId"] = job.id;
  return api_reply::json(api_status::created, json::serialize(body));
}

api_reply resource_service::list(const std::string& account, const access_scope& scope,
                                 resource_kind kind, const query_params& params,
                                 const query_params& forced) {
  list_query q;
  if (auto e = parse_list_query(kind, params, q))
    return api_reply::fail(e);
  for (const auto& f : forced)
    q.filters.push_back(f);
  // Pick the narrowest index: by name, by reference, or the account range.
  std::vector<std::string> ids;
  bool indexed = false;
  for (const auto& [field, value] : q.filters) {
    if (field == "name") {
      store_.scan(keys::names_space, keys::names_prefix(account, kind, value),
                  [&](std::string_view key, std::string_view) {
                    ids.emplace_back(keys::id_of_name_key(key));
                    return true;
                  });
      indexed = true;
      break;
    }
    if (!field.empty() && field[0] == '_' && is_object_id(value) && kind != resource_kind::license) {
      store_.scan(keys::refs_space, keys::refs_prefix(account, value),
                  [&](std::string_view key, std::string_view) {
                    resource_kind k;
                    std::string id;
                    if (keys::parse_ref(key, k, id) && k == kind)
                      ids.push_back(std::move(id));
                    return true;
                  });
      std::sort(ids.begin(), ids.end());
      ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
      indexed = true;
      break;
    }
  }
  json::array page;
  std::size_t matched = 0;
  bool more = false;
  auto consider = [&](const std::string& id, const json::value& doc) {
    if (!scope.permits(kind, id, doc) || !matches_filters(doc, q.filters))
      return true;
    if (matched++ < q.skip)
      return true;
    if (page.size() == q.limit) {
      more = true;
      return false;
    }
    page.push_back(project(kind, doc, q));
    return true;
  };
  if (indexed) {
    for (const auto& id : ids)
      if (auto doc = load(kind, account, id); doc && !consider(id, *doc))
        break;
  } else {
    store_.scan(keys::space_of(kind), account, [&](std::string_view key, std::string_view value) {
      boost::system::error_code ec;
      auto doc = json::parse(value, ec);
      if (ec)
        return true;
      return consider(std::string(key.substr(24)), doc);
    });
  }
  api_reply r = api_reply::json(api_status::ok, json::serialize(page));
  if (more)
    r.next_skip = static_cast<std::int64_t>(q.skip + q.limit);
  if (q.skip > 0)
    r.prev_skip = static_cast<std::int64_t>(q.skip > q.limit ? q.skip - q.limit : 0);
  return r;
}

api_reply resource_service::create(const std::string& account, const access_scope& scope,
                                   resource_kind kind, json::value doc, std::int64_t now_ms) {
  if (auto e = prepare(kind, doc))
    return api_reply::fail(e);
  if (auto e = check_references(account, kind, doc))
    return api_reply::fail(e);
  auto id = ids_.next(static_cast<std::uint32_t>(now_ms / 1000));
  auto& obj = doc.get_object();
  stamp(kind, obj, id, now_ms, now_ms);
  if (!scope.permits(kind, id, doc))
    return api_reply::fail(make_api_error(
      errc::not_found, std::string("This token cannot create that ") + info(kind).singular));
  secret_map sealed;
  for (const auto& [pointer, plain] : extract_secrets(doc))
    sealed[pointer] = box_.seal(plain);
  return insert(kind, account, id, doc, sealed);
}

void resource_service::mark_offline(const std::string& account, const std::string& connection_id,
                                    bool offline, std::int64_t now_ms) {
  auto doc = load(resource_kind::connection, account, connection_id);
  if (!doc)
    return;
  auto& obj = doc->get_object();
  auto it = obj.find("offline");
  bool was = it != obj.end() && it->value() == true;
  if (was == offline)
    return;
  obj["offline"] = offline;
  obj["lastModified"] = format_iso_ms(now_ms);
  write_batch b;
  b.put(keys::space_of(resource_kind::connection), keys::resource(account, connection_id),
        json::serialize(*doc));
  store_.write(b);
}

api_reply resource_service::insert(resource_kind kind, const std::string& account,
                                   const std::string& id, const json::value& doc,
                                   const secret_map& sealed) {
  write_batch b;
  put_document(b, kind, account, id, doc, sealed);
  index(b, account, kind, id, nullptr, &doc);
  store_.write(b);
  return api_reply::json(api_status::created, json::serialize(doc));
}

api_reply resource_service::replace(const std::string& account, const access_scope& scope,
                                    resource_kind kind, const std::string& id, json::value doc,
                                    std::int64_t now_ms) {
  auto old = load_visible(kind, account, scope, id);
  if (!old)
    return not_found(kind);
  if (auto e = prepare(kind, doc))
    return api_reply::fail(e);
  keep_server_fields(kind, *old, doc.get_object());
  if (auto e = check_references(account, kind, doc))
    return api_reply::fail(e);
  stamp(kind, doc.get_object(), id, created_of(*old, kind), now_ms);
  if (!scope.permits(kind, id, doc))
    return not_found(kind);
  secret_map sealed_new;
  for (const auto& [pointer, plain] : extract_secrets(doc))
    sealed_new[pointer] = box_.seal(plain);
  auto sealed = merge_secrets(doc, sealed_new, load_sealed(kind, account, id));
  // An offline connection (its last ping failed) stays so through a PUT,
  // unless the PUT brings new credentials: they may be what fixes it.
  if (kind == resource_kind::connection)
    if (const auto* was = old->get_object().if_contains("offline"); was && *was == true)
      doc.get_object()["offline"] = sealed_new.empty();
  write_batch b;
  put_document(b, kind, account, id, doc, sealed);
  index(b, account, kind, id, &*old, &doc);
  store_.write(b);
  return api_reply::json(api_status::ok, json::serialize(doc));
}

api_reply resource_service::patch(const std::string& account, const access_scope& scope,
                                  resource_kind kind, const std::string& id, const json::value& ops,
                                  std::int64_t now_ms) {
  auto old = load_visible(kind, account, scope, id);
  if (!old)
    return not_found(kind);
  std::vector<std::string> paths;
  if (auto e = json_patch_paths(ops, paths))
    return api_reply::fail(e);
  for (const auto& p : paths)
    if (!is_patchable(kind, p))
      return api_reply::fail(make_api_error(errc::validation_failed, "invalid_patch",
                                            "Field cannot be patched: " + p, p));
  json::value doc = *old;
  if (auto e = apply_json_patch(doc, ops))
    return api_reply::fail(e);
  if (auto e = validate_resource(kind, doc, validation_))
    return api_reply::fail(e);
  if (auto e = check_references(account, kind, doc))
    return api_reply::fail(e);
  doc.get_object()["lastModified"] = format_iso_ms(now_ms);
  write_batch b;
  b.put(keys::space_of(kind), keys::resource(account, id), json::serialize(doc));
  index(b, account, kind, id, &*old, &doc);
  store_.write(b);
  return api_reply::json(api_status::no_content, "");
}

api_reply resource_service::remove(const std::string& account, const access_scope& scope,
                                   resource_kind kind, const std::string& id) {
  auto old = load_visible(kind, account, scope, id);
  if (!old)
    return not_found(kind);
  api_error in_use;
  store_.scan(keys::refs_space, keys::refs_prefix(account, id),
              [&](std::string_view key, std::string_view) {
                resource_kind k;
                std::string rid;
                if (!keys::parse_ref(key, k, rid) || (k == kind && rid == id))
                  return true;
                auto referrer = load(k, account, rid);
                auto label = std::string(info(k).singular) + " " + rid;
                if (referrer && !name_of(*referrer).empty())
                  label += " (" + name_of(*referrer) + ")";
                in_use = make_api_error(errc::validation_failed, "resource_in_use",
                                        std::string("Cannot delete this ") + info(kind).singular
                                          + ": it is referenced by " + label,
                                        "_id");
                return false;
              });
  if (in_use)
    return api_reply::fail(in_use);
  write_batch b;
  b.erase(keys::space_of(kind), keys::resource(account, id));
  b.erase(keys::secrets_space, keys::secrets(kind, account, id));
  index(b, account, kind, id, &*old, nullptr);
  store_.scan(keys::state_space, keys::resource_state_prefix(account, kind, id),
              [&](std::string_view key, std::string_view) {
                b.erase(keys::state_space, std::string(key));
                return true;
              });
  if (kind == resource_kind::connector)
    store_.scan(keys::space_of(resource_kind::license), account,
                [&](std::string_view key, std::string_view value) {
                  boost::system::error_code ec;
                  auto lic = json::parse(value, ec);
                  if (!ec && string_field(lic, "_connectorId") == id)
                    b.erase(keys::space_of(resource_kind::license), std::string(key));
                  return true;
                });
  store_.write(b);
  return api_reply::json(api_status::no_content, "");
}

api_reply resource_service::clone(const std::string& account, const access_scope& scope,
                                  resource_kind kind, const std::string& id,
                                  const json::value& options, std::int64_t now_ms) {
  auto old = load_visible(kind, account, scope, id);
  if (!old)
    return not_found(kind);
  if (!options.is_object() && !options.is_null())
    return api_reply::fail(
      make_api_error(errc::validation_failed, "invalid_field", "clone options must be an object", ""));
  json::value doc = *old;
  auto& obj = doc.get_object();
  strip_read_only(kind, obj);
  std::string name = "Clone - " + name_of(*old);
  if (const auto* o = options.if_object()) {
    if (auto it = o->find("name"); it != o->end() && it->value().is_string())
      name = std::string(it->value().get_string());
    if (auto it = o->find("connectionMap"); it != o->end() && it->value().is_object())
      map_connections(doc, it->value().get_object());
  }
  obj["name"] = name;
  if (auto e = validate_resource(kind, doc, validation_))
    return api_reply::fail(e);
  if (auto e = check_references(account, kind, doc))
    return api_reply::fail(e);
  auto new_id = ids_.next(static_cast<std::uint32_t>(now_ms / 1000));
  stamp(kind, obj, new_id, now_ms, now_ms);
  // Sealed secrets are bound to the key, not to the document: copy them.
  return insert(kind, account, new_id, doc, load_sealed(kind, account, id));
}

api_reply resource_service::licenses(const std::string& account, const access_scope& scope,
                                     const api_call& call, std::int64_t now_ms) {
  const auto lic = resource_kind::license;
  auto connector = load_visible(resource_kind::connector, account, scope, call.id);
  if (!connector)
    return not_found(resource_kind::connector);
  auto load_license = [&]() -> std::optional<json::value> {
    auto doc = load(lic, account, call.sub_id);
    if (!doc || string_field(*doc, "_connectorId") != call.id)
      return std::nullopt;
    return doc;
  };
  // The licensee must be a known user: an account with that email.
  auto find_user = [&](const std::string& email) {
    bool found = false;
    auto wanted = keys::fold_case(email);
    store_.scan(keys::accounts_space, "", [&](std::string_view, std::string_view value) {
      boost::system::error_code ec;
      auto acc = json::parse(value, ec);
      found = !ec && keys::fold_case(string_field(acc, "email")) == wanted;
      return !found;
    });
    return found;
  };
  switch (call.op) {
    case api_op::license_list:
      return list(account, scope, lic, call.query, {{"_connectorId", call.id}});
    case api_op::license_get: {
      auto doc = load_license();
      return doc ? api_reply::json(api_status::ok, json::serialize(*doc)) : not_found(lic);
    }
    case api_op::license_remove: {
      if (!load_license())
        return not_found(lic);
      write_batch b;
      b.erase(keys::space_of(lic), keys::resource(account, call.sub_id));
      store_.write(b);
      return api_reply::json(api_status::no_content, "");
    }
    case api_op::license_create:
    case api_op::license_replace: {
      boost::system::error_code ec;
      auto doc = json::parse(call.body.empty() ? "{}" : call.body, ec);
      if (ec)
        return api_reply::fail(make_api_error(errc::invalid_json, "invalid_json",
                                              "Malformed JSON in request body", ""));
      bool creating = call.op == api_op::license_create;
      std::optional<json::value> old;
      if (!creating && !(old = load_license()))
        return not_found(lic);
      auto email = string_field(doc, "email");
      if (auto e = prepare(lic, doc))
        return api_reply::fail(e);
      auto& obj = doc.get_object();
      obj.erase("email");
      obj["_connectorId"] = call.id;
      if (creating || !email.empty()) {
        if (email.empty())
          return api_reply::fail(make_api_error(errc::validation_failed, "missing_required_field",
                                                "Missing required field: email", "email"));
        if (!find_user(email))
          return api_reply::fail(make_api_error(errc::validation_failed, "invalid_user",
                                                "No user with email " + email, "email"));
        obj["user"] = json::object{{"email", email}};
      } else {
        keep_server_fields(lic, *old, obj);
      }
      auto id = creating ? ids_.next(static_cast<std::uint32_t>(now_ms / 1000)) : call.sub_id;
      stamp(lic, obj, id, creating ? now_ms : created_of(*old, lic), now_ms);
      write_batch b;
      b.put(keys::space_of(lic), keys::resource(account, id), json::serialize(doc));
      store_.write(b);
      return api_reply::json(creating ? api_status::created : api_status::ok, json::serialize(doc));
    }
    default:
      return api_reply::fail(make_api_error(errc::internal, "not a license operation"));
  }
}

api_reply resource_service::state(const std::string& account, const access_scope& scope,
                                  const api_call& call) {
  std::string prefix;
  if (call.scoped) {
    if (!load_visible(call.kind, account, scope, call.id))
      return not_found(call.kind);
    prefix = keys::resource_state_prefix(account, call.kind, call.id);
  } else {
    if (!scope.account_wide())
      return api_reply::fail(make_api_error(errc::not_found, "No such endpoint"));
    prefix = keys::global_state_prefix(account);
  }
  auto text = [](api_status s, const char* body) {
    api_reply r = api_reply::json(s, body);
    r.text = true;
    return r;
  };
  auto key = prefix + call.sub_id;
  switch (call.op) {
    case api_op::state_keys: {
      json::array names;
      store_.scan(keys::state_space, prefix, [&](std::string_view k, std::string_view) {
        names.emplace_back(k.substr(prefix.size()));
        return true;
      });
      return api_reply::json(api_status::ok, json::serialize(json::object{{"keys", names}}));
    }
    case api_op::state_get: {
      auto v = store_.get(keys::state_space, key);
      if (!v)
        return api_reply::fail(make_api_error(errc::not_found, "No state with key " + call.sub_id));
      return api_reply::json(api_status::ok, *v);
    }
    case api_op::state_put: {
      boost::system::error_code ec;
      auto v = json::parse(call.body, ec);
      if (ec)
        return api_reply::fail(make_api_error(errc::invalid_json, "invalid_json",
                                              "State values must be JSON", ""));
      bool existed = store_.get(keys::state_space, key).has_value();
      write_batch b;
      b.put(keys::state_space, key, json::serialize(v));
      store_.write(b);
      if (call.scoped && !existed)
        return text(api_status::created, "Created");
      return text(api_status::ok, "OK");
    }
    case api_op::state_remove: {
      if (!store_.get(keys::state_space, key))
        return api_reply::fail(make_api_error(errc::not_found, "No state with key " + call.sub_id));
      write_batch b;
      b.erase(keys::state_space, key);
      store_.write(b);
      return call.scoped ? text(api_status::ok, "OK") : api_reply::json(api_status::no_content, "");
    }
    case api_op::state_clear: {
      write_batch b;
      store_.scan(keys::state_space, prefix, [&](std::string_view k, std::string_view) {
        b.erase(keys::state_space, std::string(k));
        return true;
      });
      if (!b.empty())
        store_.write(b);
      return call.scoped ? text(api_status::ok, "OK") : api_reply::json(api_status::no_content, "");
    }
    default:
      return api_reply::fail(make_api_error(errc::internal, "not a state operation"));
  }
}

}  // namespace integrator
