#include "core/engine/import_plan.hpp"
#include "core/json/json_depth.hpp"

#include <boost/json.hpp>

#include "core/engine/user_function.hpp"
#include "core/json/json_path.hpp"
#include "core/json/json_scan.hpp"
#include "core/util/api_error.hpp"

#include <algorithm>

namespace integrator {

namespace json = boost::json;

struct import_plan::op_plan {
  std::string method = "POST";
  std::string fixed_target;  ///< relativeURI without templates
  bool fixed = true;         ///< relativeURI renders to fixed_target
  std::optional<handlebars_template> relative_uri;
  std::optional<handlebars_template> body;
  std::vector<std::string> id_path;
  response_check check;
};

namespace {

// A member that is a string or an array of strings, as a list.
std::vector<std::string> list_of(const json::object& o, std::string_view key) {
  std::vector<std::string> out;
  auto it = o.find(key);
  if (it == o.end())
    return out;
  if (const auto* a = it->value().if_array()) {
    for (const auto& v : *a)
      out.push_back(v.is_string() ? std::string(v.get_string()) : json::serialize(v));
  } else if (it->value().is_string()) {
    out.emplace_back(it->value().get_string());
  } else if (it->value().is_object()) {
    out.push_back(json::serialize(it->value()));
  }
  return out;
}

bool flag(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it != o.end() && it->value() == true;
}

const char* const default_id_paths[] = {"id", "_id"};

std::string id_in(const json::value& v, const std::vector<std::string>& path) {
  if (!path.empty()) {
    const auto* found = find_path(v, path);
    return found ? text_of(*found) : "";
  }
  for (const char* p : default_id_paths)
    if (const auto* o = v.if_object())
      if (auto it = o->find(p); it != o->end())
        return text_of(it->value());
  return {};
}

}  // namespace

namespace {

// A record whose request could not be built: the template of `field` went
// over its limits.
void fail_rendering(record_outcome& out, std::string_view field, const api_error& e) {
  out.what = record_outcome::kind::failed;
  out.code = code_name(e.code);
  out.message = std::string(field) + ": " + e.message;
}

}  // namespace

result<import_plan> import_plan::compile(const json::value& import_doc,
                                         const json::value& processor_entry) {
  const auto* doc = import_doc.if_object();
  if (!doc)
    return invalid_input("import is not an object");
  import_plan p;
  if (auto filtered = p.read_input_filter(*doc, "filter", processor_entry); !filtered)
    return filtered.error();
  json::value lookups = doc->contains("lookups") ? doc->at("lookups") : json::value();
  if (const auto* m = doc->if_contains("mappings"); m && m->is_array() && !m->get_array().empty()) {
    auto mapper = mapper_v2::compile(*m, lookups);
    if (!mapper)
      return invalid_input("mappings: " + mapper.error().message);
    p.mapper_ = std::move(*mapper);
  } else if (const auto* m1 = doc->if_contains("mapping"); m1 && m1->is_object()) {
    auto mapping = mapping_v1::compile(*m1, lookups);
    if (!mapping)
      return invalid_input("mapping: " + mapping.error().message);
    p.mapping_ = std::move(*mapping);
  }
  p.ignore_existing_ = flag(*doc, "ignoreExisting");
  p.ignore_missing_ = flag(*doc, "ignoreMissing");
  const json::object* block = nullptr;
  bool legacy = false;
  if (const auto* h = doc->if_contains("http"); h && h->is_object())
    block = &h->get_object();
  else if (const auto* r = doc->if_contains("rest"); r && r->is_object()) {
    block = &r->get_object();
    legacy = true;
  }
  static const json::object no_block;
  if (!block && doc->contains("wrapper"))  // a wrapper import: its function sends the mapped records
    block = &no_block;
  if (!block)
    return invalid_input("import has no http or rest block");
  auto dynamic = dynamic_lookup::parse(legacy ? (block->contains("lookups") ? block->at("lookups") : json::value())
                                              : lookups,
                                       legacy);
  if (!dynamic)
    return invalid_input("lookups: " + dynamic.error().message);
  p.lookups_ = std::move(*dynamic);
  auto methods = list_of(*block, "method");
  auto uris = list_of(*block, "relativeURI");
  if (legacy)  // "/customers/{id}" names record fields and lookups
    for (auto& u : uris)
      u = legacy_template(u);
  auto bodies = list_of(*block, legacy ? "postBody" : "body");
  auto types = list_of(*block, "requestType");
  std::size_t n = std::max<std::size_t>({methods.size(), uris.size(), 1});
  const json::value* response = block->if_contains("response");
  auto ops = std::make_shared<std::vector<op_plan>>(n);
  for (std::size_t i = 0; i < n; ++i) {
    auto& op = (*ops)[i];
    if (i < methods.size() && !methods[i].empty())
      op.method = methods[i];
    if (i < uris.size()) {
      op.fixed = uris[i].find("{{") == std::string::npos;
      op.fixed_target = uris[i];
    }
    if (auto r = compile_optional_template(i < uris.size() ? uris[i] : "", op.relative_uri,
                                           "relativeURI[" + std::to_string(i) + "]");
        !r)
      return r.error();
    if (auto r = compile_optional_template(i < bodies.size() ? bodies[i] : "", op.body,
                                           "body[" + std::to_string(i) + "]");
        !r)
      return r.error();
    if (legacy) {
      op.id_path = split_path(list_of(*block, "responseIdPath").empty()
                                ? "" : list_of(*block, "responseIdPath")[0]);
      op.check = response_check::from(&import_doc.at("rest"), i);
    } else if (response) {
      op.check = response_check::from(response, i);
      if (const auto* ro = response->if_object())
        if (auto paths = list_of(*ro, "resourceIdPath"); !paths.empty())
          op.id_path = split_path(paths[i < paths.size() ? i : 0]);
    }
  }
  p.ops_ = ops;
  p.update_op_ = n > 1 ? 1 : 0;
  for (std::size_t i = 0; i < types.size() && i < n; ++i) {
    if (types[i] == "CREATE")
      p.create_op_ = i;
    if (types[i] == "UPDATE")
      p.update_op_ = i;
  }
  if (auto ex = list_of(*block, "existingExtract"); !ex.empty())
    p.existing_extract_ = split_path(ex[0]);
  else if (auto top = list_of(*doc, "existingExtract"); !top.empty())
    p.existing_extract_ = split_path(top[0]);
  if (auto it = block->find("batchSize"); it != block->end() && it->value().is_int64()
                                          && it->value().get_int64() > 1)
    p.batch_size_ = static_cast<std::size_t>(it->value().get_int64());
  p.read_entry(processor_entry);
  if (p.mapping_)
    p.raw_ = raw_mapping::from(*p.mapping_);
  p.raw_capable_ = !p.filter_ && p.existing_extract_.empty() && !p.mapper_ && p.lookups_.empty()
                   && (!p.mapping_ || p.raw_)
                   && std::all_of(ops->begin(), ops->end(),
                                  [](const op_plan& op) { return op.fixed && !op.body; });
  return p;
}

std::vector<import_request> import_plan::stage_raw(const record_page& page,
                                                   std::vector<record_outcome>& outcomes) const {
  const auto& op = (*ops_)[create_op_];
  outcomes.assign(page.size(), {});
  std::vector<import_request> requests;
  for (std::size_t i = 0; i < page.size(); ++i) {
    bool open_batch = batch_size_ > 1 && !requests.empty()
                      && requests.back().records.size() < batch_size_;
    if (!open_batch) {
      import_request req;
      req.op = create_op_;
      req.method = op.method;
      req.target = op.fixed_target;
      if (batch_size_ > 1) {
        // About the batch's share of the page, with room for longer keys,
        // so the body grows once.
        auto records = std::min(batch_size_, page.size());
        req.body.reserve(page.bytes() / page.size() * records * 5 / 4 + records + 2);
        req.body = "[";
      }
      requests.push_back(std::move(req));
    }
    auto& req = requests.back();
    auto mark = req.body.size();
    if (batch_size_ > 1 && !req.records.empty())
      req.body += ',';
    // The mapping writes straight into the body.
    bool mapped = false;
    if (raw_)
      mapped = raw_->apply(page, i, req.body);
    else if (auto text = page.record(i); !text.empty()) {
      req.body += text;
      mapped = true;
    }
    if (!mapped) {  // no JSON object to map
      req.body.resize(mark);
      outcomes[i].what = record_outcome::kind::failed;
      outcomes[i].code = code_name(error_code::invalid_record);
      outcomes[i].message = "the record is not a JSON object";
      if (req.records.empty())
        requests.pop_back();
      continue;
    }
    req.records.push_back(i);
  }
  if (batch_size_ > 1)
    for (auto& req : requests)
      req.body += ']';
  return requests;
}

std::vector<import_request> import_plan::stage_page(const record_page& page,
                                                    const json::value& settings, bool keep_records,
                                                    std::vector<json::value>& records,
                                                    std::vector<record_outcome>& outcomes) const {
  records.clear();
  if (raw_capable_ && !keep_records)
    return stage_raw(page, outcomes);
  records.reserve(page.size());
  for (std::size_t i = 0; i < page.size(); ++i) {
    boost::system::error_code ec;
    records.push_back(parse_json(page.record(i), ec));
    if (ec)
      records.back() = nullptr;  // fails as invalid_record in stage()
  }
  return stage(records, settings, outcomes);
}

void import_plan::screen_found(json::array& data) const {
  if (!lookup_transform_ && !lookup_filter_)
    return;
  json::array kept;
  json::value settings = json::object();
  for (auto& item : data) {
    if (lookup_transform_) {
      std::vector<std::string> errors;  // a failed rule leaves its field as it was
      item = lookup_transform_->apply(item, errors);
    }
    if (!lookup_filter_ || lookup_filter_->matches(item, settings))
      kept.push_back(std::move(item));
  }
  data = std::move(kept);
}

result<void> import_plan::read_input_filter(const json::object& doc, std::string_view key,
                                            const json::value& processor_entry) {
  // The flow entry's inputFilter, when it has one, takes the step's place.
  const json::value* filter = doc.if_contains(key);
  if (const auto* entry = processor_entry.if_object(); entry && entry->contains("inputFilter"))
    filter = entry->if_contains("inputFilter");
  if (!filter || filter->is_null())
    return {};
  auto compiled = filter_expression::compile_filter(*filter);
  if (!compiled)
    return invalid_input(std::string(key) + ": " + compiled.error().message);
  filter_ = std::move(*compiled);
  return {};
}

void import_plan::read_entry(const json::value& processor_entry) {
  const auto* entry = processor_entry.if_object();
  if (!entry)
    return;
  proceed_on_failure_ = flag(*entry, "proceedOnFailure");
  if (const auto* rm = entry->if_contains("responseMapping"); rm && rm->is_object())
    if (const auto* fields = rm->get_object().if_contains("fields"); fields && fields->is_array())
      for (const auto& f : fields->get_array())
        if (const auto* fo = f.if_object()) {
          auto ex = list_of(*fo, "extract"), gen = list_of(*fo, "generate");
          if (!ex.empty() && !gen.empty())
            response_fields_.emplace_back(split_path(ex[0]), split_path(gen[0]));
        }
}

result<import_plan> import_plan::compile_lookup(const json::value& export_doc,
                                                const json::value& processor_entry) {
  const auto* doc = export_doc.if_object();
  const auto* h = doc ? doc->if_contains("http") : nullptr;
  if (!h || !h->is_object())
    return invalid_input("lookup export has no http block");
  const auto& block = h->get_object();
  import_plan p;
  p.lookup_ = true;
  // A lookup's input filter: its own inputFilter (an export's filter
  // judges what it exports), or its flow entry's.
  if (auto filtered = p.read_input_filter(*doc, "inputFilter", processor_entry); !filtered)
    return filtered.error();
  auto ops = std::make_shared<std::vector<op_plan>>(1);
  auto& op = ops->front();
  if (auto m = list_of(block, "method"); !m.empty() && !m[0].empty())
    op.method = m[0];
  else
    op.method = "GET";
  auto uri = list_of(block, "relativeURI");
  auto body = list_of(block, "body");
  if (auto r = compile_optional_template(uri.empty() ? "" : uri[0], op.relative_uri, "relativeURI"); !r)
    return r.error();
  if (auto r = compile_optional_template(body.empty() ? "" : body[0], op.body, "body"); !r)
    return r.error();
  if (const auto* response = block.if_contains("response")) {
    op.check = response_check::from(response);
    if (const auto* ro = response->if_object())
      if (auto rp = list_of(*ro, "resourcePath"); !rp.empty())
        p.lookup_records_ = split_path(rp[0]);
  }
  if (const auto* t = doc->if_contains("transform"); t && !t->is_null()) {
    auto transform = record_transform::compile(*t);
    if (!transform)
      return invalid_input("lookup transform: " + transform.error().message, "transform");
    p.lookup_transform_ = std::make_shared<const record_transform>(std::move(*transform));
  }
  // After a script transform the filter judges what the script made: it
  // runs with the lookup's user code (flow_plan's found_code) instead.
  bool script_transform = is_script_block(doc->if_contains("transform"));
  if (const auto* f = doc->if_contains("filter"); f && !f->is_null() && !script_transform) {
    auto filter = filter_expression::compile_filter(*f);
    if (!filter)
      return invalid_input("lookup filter: " + filter.error().message, "filter");
    p.lookup_filter_ = std::make_shared<const filter_expression>(std::move(*filter));
  }
  p.ops_ = ops;
  p.read_entry(processor_entry);
  return p;
}

std::vector<lookup_call> import_plan::lookup_calls(const std::vector<json::value>& records,
                                                  const json::value& settings, lookup_results& found) const {
  found.values.assign(records.size(), {});
  found.failures.assign(records.size(), {});
  std::vector<lookup_call> calls;
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (!records[i].is_object() || (filter_ && !filter_->matches(records[i], settings)))
      continue;
    auto ctx = record_context(records[i], settings);
    for (std::size_t l = 0; l < lookups_.size(); ++l) {
      auto call = lookups_[l].call_for(ctx);
      if (!call) {  // the record fails; its other lookups need not run
        found.failures[i] = call.error().message;
        break;
      }
      calls.push_back(std::move(*call));
      calls.back().record = i;
      calls.back().lookup = l;
    }
  }
  return calls;
}

void import_plan::settle_lookup(const lookup_call& call, const outbound_response& r,
                                lookup_results& found) const {
  std::string why;
  const auto& lookup = lookups_[call.lookup];
  if (auto v = lookup.resolve(r, why))
    found.values[call.record][lookup.name()] = std::move(*v);
  else if (found.failures[call.record].empty())
    found.failures[call.record] = why;
}

std::vector<import_request> import_plan::stage(const std::vector<json::value>& records,
                                               const json::value& settings,
                                               std::vector<record_outcome>& outcomes,
                                               const lookup_results* found) const {
  outcomes.clear();
  auto page = map_records(records, settings, outcomes, found);
  return build_requests(records, page, settings, outcomes, found);
}

// What templates see of record i: the record, and what its lookups found
// (by name, and under "lookup").
static json::value import_plan_record_context(const json::value& record, const json::value& settings,
                                       const lookup_results* found, std::size_t i) {
  auto ctx = record_context(record, settings);
  if (found && !found->values[i].empty()) {
    auto& o = ctx.as_object();
    for (const auto& [name, value] : found->values[i])
      o[name] = value;
    o["lookup"] = found->values[i];
  }
  return ctx;
}

mapped_page import_plan::map_records(const std::vector<json::value>& records, const json::value& settings,
                                     std::vector<record_outcome>& outcomes, const lookup_results* found) const {
  if (outcomes.size() != records.size())
    outcomes.assign(records.size(), {});
  mapped_page page;
  auto& mapped = page.mapped;
  auto& op_of = page.op_of;
  mapped.resize(records.size());
  op_of.assign(records.size(), create_op_);
  for (std::size_t i = 0; i < records.size(); ++i) {
    auto& out = outcomes[i];
    if (out.what != record_outcome::kind::pending)
      continue;  // decided before (a hook)
    if (!records[i].is_object()) {
      out.what = record_outcome::kind::failed;
      out.code = code_name(error_code::invalid_record);
      out.message = "the record is not a JSON object";
      continue;
    }
    if (filter_ && !filter_->matches(records[i], settings)) {
      out.what = record_outcome::kind::filtered;
      continue;
    }
    if (found && !found->failures[i].empty()) {
      out.what = record_outcome::kind::failed;
      out.code = code_name(error_code::lookup_failed);
      out.message = found->failures[i];
      continue;
    }
    if (!existing_extract_.empty()) {
      const auto* v = find_path(records[i], existing_extract_);
      bool exists = v && !text_of(*v).empty();
      op_of[i] = exists ? update_op_ : create_op_;
      if ((exists && ignore_existing_) || (!exists && ignore_missing_)) {
        out.what = record_outcome::kind::ignored;
        continue;
      }
    }
    std::vector<std::string> errors;
    mapped[i] = map(records[i], errors);
    if (!errors.empty()) {
      out.what = record_outcome::kind::failed;
      out.code = code_name(error_code::mapping_failed);
      out.message = errors.front();
    }
  }
  return page;
}

std::vector<import_request> import_plan::build_requests(const std::vector<json::value>& records,
                                                       const mapped_page& page, const json::value& settings,
                                                       std::vector<record_outcome>& outcomes,
                                                       const lookup_results* found) const {
  const auto& ops = *ops_;
  const auto& mapped = page.mapped;
  const auto& op_of = page.op_of;
  auto context_of = [&](std::size_t i, const json::value& record) {
    return import_plan_record_context(record, settings, found, i);
  };
  std::vector<import_request> requests;
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (outcomes[i].what != record_outcome::kind::pending)
      continue;
    // Consecutive records of the same operation share a batch.
    if (batch_size_ > 1 && !requests.empty() && requests.back().op == op_of[i]
        && requests.back().records.size() < batch_size_) {
      requests.back().records.push_back(i);
      continue;
    }
    import_request req;
    req.op = op_of[i];
    req.records.push_back(i);
    const auto& op = ops[req.op];
    req.method = op.method;
    if (op.relative_uri) {
      auto target = op.relative_uri->render(context_of(i, records[i]), template_escape::url);
      if (!target) {
        fail_rendering(outcomes[i], "relativeURI", target.error());
        continue;
      }
      req.target = std::move(*target);
    }
    requests.push_back(std::move(req));
  }
  for (auto& req : requests) {
    const auto& op = ops[req.op];
    result<std::string> body;
    if (batch_size_ > 1) {
      if (op.body) {
        json::array batch;
        for (auto i : req.records) {
          json::object item;
          item["record"] = mapped[i];
          batch.push_back(std::move(item));
        }
        json::object ctx;
        ctx["batch_of_records"] = std::move(batch);
        ctx["settings"] = settings;
        body = op.body->render(ctx, template_escape::none);
      } else {
        req.body = "[";
        for (std::size_t k = 0; k < req.records.size(); ++k) {
          if (k)
            req.body += ',';
          req.body += json::serialize(mapped[req.records[k]]);
        }
        req.body += ']';
      }
    } else {
      auto i = req.records.front();
      if (op.body)
        body = op.body->render(context_of(i, lookup_ ? records[i] : mapped[i]), template_escape::none);
      else if (!lookup_)
        req.body = json::serialize(mapped[i]);
    }
    if (!body) {  // none of the request's records goes out
      for (auto i : req.records)
        fail_rendering(outcomes[i], "body", body.error());
      req.records.clear();
    } else if (op.body) {
      req.body = std::move(*body);
    }
  }
  std::erase_if(requests, [](const import_request& r) { return r.records.empty(); });
  return requests;
}

void import_plan::settle(const import_request& req, outbound_response& r,
                         std::vector<record_outcome>& outcomes, bool keep_response) const {
  const auto& op = (*ops_)[req.op];
  json_scan scan(r.body);
  auto failure = op.check.failure(r, scan);
  boost::system::error_code ec;
  json::value answer = r.body.empty() ? json::value() : parse_json(r.body, ec);
  auto settle_one = [&](std::size_t idx, const json::value& part,
                        const std::optional<std::string>& why, const std::string* id = nullptr) {
    auto& out = outcomes[idx];
    out.status_code = r.status;
    // Only responseMapping reads the answer: a copy per record costs
    // allocations on every batch otherwise.
    if (maps_response() || keep_response)
      out.response = part;
    if (why) {
      out.what = record_outcome::kind::failed;
      out.code = r.status ? std::to_string(r.status) : std::string(code_name(error_code::connection_error));
      out.message = *why;
    } else {
      out.what = record_outcome::kind::succeeded;
      out.id = id ? *id : id_in(part, op.id_path);
      if (lookup_ && (maps_response() || keep_response)) {
        // What the lookup found, as an array, whatever the answer's shape.
        const json::value* found = lookup_records_.empty() ? &part : find_path(part, lookup_records_);
        json::array data;
        if (found && found->is_array())
          data = found->get_array();
        else if (found && !found->is_null())
          data.push_back(*found);
        screen_found(data);
        out.response = json::value(std::move(data));
      }
    }
  };
  // A batch answered with one element per record settles them one by one.
  if (!failure && req.records.size() > 1 && answer.is_array()
      && answer.get_array().size() == req.records.size()) {
    for (std::size_t k = 0; k < req.records.size(); ++k) {
      const auto& part = answer.get_array()[k];
      std::optional<std::string> why;
      if (!op.check.fail_path.empty() || !op.check.success_path.empty()) {
        std::string text = json::serialize(part);
        json_scan item(text);
        outbound_response one;
        one.status = r.status;
        one.body = text;
        why = op.check.failure(one, item);
      }
      settle_one(req.records[k], part, why);
    }
    return;
  }
  // One answer for all: read once.
  if (ec)
    answer = nullptr;
  auto id = id_in(answer, op.id_path);
  for (auto idx : req.records)
    settle_one(idx, answer, failure, &id);
}

json::value import_plan::map(const json::value& record, std::vector<std::string>& errors) const {
  if (mapping_)
    return mapping_->apply(record, errors);
  if (mapper_)
    return mapper_->apply(record, errors);
  return record;
}

result<json::array> import_plan::map_only(const json::value& import_doc, const json::array& records) {
  // Only the mapping counts here: a stand-in http block lets the plan compile.
  json::object doc = import_doc.is_object() ? import_doc.get_object() : json::object();
  if (!doc.contains("http") && !doc.contains("rest"))
    doc["http"] = json::object{{"relativeURI", json::array{"/"}}};
  auto plan = compile(doc, json::value());
  if (!plan)
    return plan.error();
  json::array out;
  for (const auto& r : records) {
    std::vector<std::string> errors;
    auto mapped = plan->map(r, errors);
    if (errors.empty())
      out.push_back(std::move(mapped));
    else
      out.push_back(json::object{{"errors", json::array{json::object{{"code", code_name(error_code::mapping_failed)},
                                                                     {"message", errors.front()}}}}});
  }
  return out;
}

json::object import_plan::result_of(const record_outcome& outcome) {
  json::object o;
  using k = record_outcome::kind;
  bool failed = outcome.what == k::failed || outcome.what == k::pending;
  o["statusCode"] = outcome.status_code ? outcome.status_code : (failed ? 422 : 200);
  if (!outcome.id.empty())
    o["id"] = outcome.id;
  o["ignored"] = outcome.what == k::ignored || outcome.what == k::filtered;
  json::array errors;
  if (failed)
    errors.push_back(json::object{{"code", outcome.code.empty() ? std::string(code_name(error_code::import_failed)) : outcome.code},
                                  {"message", outcome.message}});
  o["errors"] = std::move(errors);
  if (outcome.response && !outcome.response->is_null())
    o["_json"] = *outcome.response;
  return o;
}

void import_plan::map_response(json::value& record, const record_outcome& outcome) const {
  if (response_fields_.empty() || !record.is_object())
    return;
  json::object source;
  source["id"] = outcome.id;
  source["statusCode"] = outcome.status_code;
  source[lookup_ ? "data" : "_json"] = outcome.response ? *outcome.response : json::value();
  source["ignored"] = outcome.what == record_outcome::kind::ignored;
  json::array errors;
  if (outcome.what == record_outcome::kind::failed) {
    json::object e;
    e["code"] = outcome.code;
    e["message"] = outcome.message;
    errors.push_back(std::move(e));
  }
  source["errors"] = std::move(errors);
  json::value src(std::move(source));
  for (const auto& [extract, generate] : response_fields_)
    if (const auto* v = find_path(src, extract))
      assign_path(record.get_object(), generate, *v);
}

}  // namespace integrator
