#include "core/engine/flow_plan.hpp"
#include "core/engine/user_code.hpp"

#include "core/lang/handlebars.hpp"
#include "core/json/json_depth.hpp"
#include "core/json/record_fields.hpp"

#include <algorithm>

#include <boost/json.hpp>

#include "core/json/json_path.hpp"
#include "core/json/json_scan.hpp"
#include "core/lang/raw_mapping.hpp"
#include "core/resources/resource_store.hpp"

namespace integrator {

namespace json = boost::json;

namespace {

const std::string* find_doc(const std::vector<std::pair<std::string, std::string>>& docs,
                            const std::string& id) {
  for (const auto& [k, v] : docs)
    if (k == id)
      return &v;
  return nullptr;
}

std::optional<json::value> parse_doc(const std::string* text) {
  if (!text)
    return std::nullopt;
  boost::system::error_code ec;
  auto v = parse_json(*text, ec);
  if (ec || !v.is_object())
    return std::nullopt;
  return v;
}

// Connection `id` of the job, unless it is offline.
result<json::value> connection_of(const job_spec& spec, const std::string& id) {
  auto conn = parse_doc(find_doc(spec.connections, id));
  if (!conn)
    return invalid_input("connection " + id + " not found");
  if (const auto* off = conn->get_object().if_contains("offline"); off && *off == true)
    return invalid_input("connection " + id + " is offline (its last ping failed): ping it again "
                         "or update its credentials");
  return std::move(*conn);
}

result<std::shared_ptr<const http_endpoint>> endpoint_of(const job_spec& spec, const std::string& id) {
  auto conn = connection_of(spec, id);
  if (!conn)
    return conn.error();
  auto e = http_endpoint::from_connection(*conn);
  if (!e)
    return e.error();
  return std::make_shared<const http_endpoint>(std::move(*e));
}

// The wrapper export `doc` is when `conn` is a wrapper connection; null
// when it is not.
result<std::shared_ptr<const wrapper_export>> wrapper_export_of(const json::value& conn, const json::value& doc,
                                                                const document_texts& stacks) {
  if (!is_wrapper_connection(conn))
    return std::shared_ptr<const wrapper_export>();
  auto target = wrapper_target::of(conn, stacks);
  if (!target)
    return target.error();
  auto fn = target->function_of(doc);
  if (!fn)
    return fn.error();
  wrapper_export w;
  w.fn = std::make_shared<const user_function>(std::move(*fn));
  w.connection = target->connection;
  const auto& e = doc.get_object();
  w.type = string_member(e, "type");
  for (auto [key, into] : {std::pair{"delta", &w.delta}, std::pair{"once", &w.once}})
    if (const auto* block = e.if_contains(key); block && block->is_object())
      *into = *block;
  return std::make_shared<const wrapper_export>(std::move(w));
}

// The user code each kind of step runs itself (user_code.hpp), a wrapper
// last: it runs only on a wrapper connection.
constexpr std::string_view export_code[] = {"preSavePage", "transform", "filter", "wrapper"};
constexpr std::string_view import_code[] = {"preMap",    "postMap",      "postSubmit", "postResponseMap",
                                            "filter",    "inputFilter",  "wrapper"};
constexpr std::string_view lookup_code[] = {"postResponseMap", "inputFilter", "preSavePage", "transform", "filter"};

// The scripts and stacks named `scripts` and `stacks`, into `spec`; those
// missing are left out (resolving a hook that names one fails, naming it).
void load_code(const resource_store& resources, const std::string& account, const std::vector<std::string>& scripts,
               const std::vector<std::string>& stacks, job_spec& spec) {
  access_scope all;
  all.full = true;
  for (const auto& id : scripts)
    if (auto doc = resources.load_revealed(resource_kind::script, account, all, id))
      spec.scripts.emplace_back(id, json::serialize(*doc));
  for (const auto& id : stacks)
    if (auto doc = resources.load_revealed(resource_kind::stack, account, all, id))
      spec.stacks.emplace_back(id, json::serialize(*doc));
}

// An export's user code (export_page_code.hpp): its script transform and
// script filter, its preSavePage.
result<void> resolve_export_code(export_step& step, const json::value& doc, const job_spec& spec) {
  for (auto [key, into] : {std::pair{"transform", &step.transform_script},
                           std::pair{"filter", &step.filter_script}}) {
    auto script = resolve_script_block(doc, key, spec.scripts);
    if (!script)
      return script.error();
    if (*script)
      *into = std::make_shared<const user_function>(std::move(**script));
  }
  if (step.transform_script && step.output_filter) {  // the filter judges what the script made
    step.filter_after_script = std::move(step.output_filter);
    step.output_filter.reset();
    step.filter_fields.clear();
  }
  auto hook = resolve_hook(doc, "preSavePage", spec.stacks, spec.scripts);
  if (!hook)
    return hook.error();
  if (*hook)
    step.pre_save_page = std::make_shared<const user_function>(std::move(**hook));
  return {};
}

// A lookup's own user code, on what it found for each record: its
// expression output filter when its transform is a script (import_plan
// applies it otherwise), its scripts and preSavePage; null when it has none.
result<std::shared_ptr<const export_step>> lookup_code_of(const import_step& lookup, const json::value& doc,
                                                          const job_spec& spec) {
  export_step code;
  code.export_id = lookup.import_id;
  code.connection_id = lookup.connection_id;
  if (is_script_block(doc.get_object().if_contains("transform")))
    if (const auto* flt = doc.get_object().if_contains("filter"); flt && !flt->is_null()) {
      auto filter = filter_expression::compile_filter(*flt);
      if (!filter)
        return invalid_input("lookup filter: " + filter.error().message, "filter");
      code.output_filter = std::move(*filter);
    }
  if (auto resolved = resolve_export_code(code, doc, spec); !resolved)
    return resolved.error();
  if (!code.runs_page_code())
    return std::shared_ptr<const export_step>();
  return std::make_shared<const export_step>(std::move(code));
}

}  // namespace

result<job_spec> load_job_spec(const resource_store& resources, const std::string& account,
                               const std::string& flow_id) {
  access_scope all;
  all.full = true;
  auto flow = resources.load_revealed(resource_kind::flow, account, all, flow_id);
  if (!flow)
    return make_api_error(error_code::not_found, "flow " + flow_id + " not found");
  std::string missing;
  job_spec spec;
  spec.flow = json::serialize(*flow);
  // The code the documents name (hooks, script blocks, a wrapper's stack),
  // noted as each is loaded; a script missing later fails the plan, naming it.
  std::vector<std::string> scripts, stacks;
  auto add = [&](resource_kind kind, const std::string& id,
                 std::vector<std::pair<std::string, std::string>>& into) -> std::optional<json::value> {
    auto doc = resources.load_revealed(kind, account, all, id);
    if (!doc) {
      missing = std::string(info(kind).singular) + " " + id + " not found";
      return std::nullopt;
    }
    if (!find_doc(into, id)) {
      into.emplace_back(id, json::serialize(*doc));
      if (kind == resource_kind::connection) {
        if (auto stack = wrapper_stack_id(*doc); !stack.empty() && !std::count(stacks.begin(), stacks.end(), stack))
          stacks.push_back(std::move(stack));
      } else {
        hook_code_ids(*doc, scripts, stacks);
      }
    }
    return doc;
  };
  auto with_connection = [&](const json::value& doc) {
    auto conn = string_member(doc.get_object(), "_connectionId");
    return conn.empty() || add(resource_kind::connection, conn, spec.connections).has_value();
  };
  const auto& f = flow->get_object();
  if (const auto* gens = f.if_contains("pageGenerators"); gens && gens->is_array())
    for (const auto& g : gens->get_array()) {
      auto id = g.is_object() ? string_member(g.get_object(), "_exportId") : "";
      auto doc = add(resource_kind::export_, id, spec.exports);
      if (!doc || !with_connection(*doc))
        return make_api_error(error_code::not_found, missing);
    }
  bool loaded = true;
  flow_routes::each_processor_entry(f, [&](const json::object& p) {
    if (!loaded)
      return;
    bool is_import = string_member(p, "type") != "export";
    auto id = string_member(p, is_import ? "_importId" : "_exportId");
    auto doc = is_import ? add(resource_kind::import_, id, spec.imports)
                         : add(resource_kind::export_, id, spec.exports);
    loaded = doc && with_connection(*doc);
  });
  if (!loaded)
    return make_api_error(error_code::not_found, missing);
  flow_routes::each_processor_entry(f, [&](const json::object& p) { hook_code_ids(p, scripts, stacks); });
  if (const auto* routers = f.if_contains("routers"); routers && routers->is_array())
    for (const auto& r : routers->get_array()) {  // a router's script, its branches' filters
      hook_code_ids(r, scripts, stacks);
      if (const auto* bs = r.is_object() ? r.get_object().if_contains("branches") : nullptr; bs && bs->is_array())
        for (const auto& b : bs->get_array())
          hook_code_ids(b, scripts, stacks);
    }
  load_code(resources, account, scripts, stacks, spec);
  return spec;
}

job_spec standalone_spec(const resource_store& resources, const std::string& account, json::object doc,
                         bool is_import, const std::string& connection_id, const json::value& connection) {
  job_spec spec;
  auto id = string_member(doc, "_id");
  doc["_connectionId"] = connection_id;
  json::object entry{{is_import ? "_importId" : "_exportId", id}};
  json::object flow;
  if (auto integration = string_member(doc, "_integrationId"); !integration.empty())
    flow["_integrationId"] = integration;
  if (is_import) {
    entry["type"] = "import";
    flow["pageProcessors"] = json::array{std::move(entry)};
  } else {
    flow["pageGenerators"] = json::array{std::move(entry)};
  }
  spec.flow = json::serialize(flow);
  std::vector<std::string> scripts, stacks;
  json::value step(std::move(doc));
  hook_code_ids(step, scripts, stacks);
  if (auto stack = wrapper_stack_id(connection); !stack.empty())
    stacks.push_back(std::move(stack));
  (is_import ? spec.imports : spec.exports).emplace_back(id, json::serialize(step));
  spec.connections.emplace_back(connection_id, json::serialize(connection));
  load_code(resources, account, scripts, stacks, spec);
  return spec;
}

record_verdict export_step::screen(const record_view& record, const json::value& settings,
                                   std::string& reshaped, std::string_view& kept) const {
  kept = record.text;
  if (transform) {
    boost::system::error_code ec;
    auto rec = parse_json(record.text, ec);
    if (ec)
      return record_verdict::broken;
    std::vector<std::string> errors;
    rec = transform->apply(rec, errors);
    if (output_filter && !output_filter->matches(rec, settings))
      return record_verdict::ignore;
    reshaped = json::serialize(rec);
    kept = reshaped;
    return record_verdict::keep;
  }
  if (!output_filter)
    return record_verdict::keep;
  if (record.judged)
    return *record.judged == field_projection::not_an_object
             ? record_verdict::broken
             : static_cast<record_verdict>(*record.judged);
  unsigned char arena[1024];
  json::monotonic_resource scratch(arena, sizeof arena);
  auto fields = project_fields(record.text, filter_fields, &scratch, record.readable);
  return fields ? static_cast<record_verdict>(judge(*fields, settings)) : record_verdict::broken;
}

result<export_step> export_step::compile(const json::value& doc,
                                         std::shared_ptr<const http_endpoint> endpoint,
                                         const json::value& settings) {
  if (!doc.is_object())
    return invalid_input("the export is not a JSON object");
  const auto& e = doc.get_object();
  export_step step;
  step.export_id = string_member(e, "_id");
  step.connection_id = string_member(e, "_connectionId");
  step.endpoint = std::move(endpoint);
  // A wrapper export's function pages and flags (wrappers.hpp).
  bool wrapped = string_member(e, "adaptorType") == "WrapperExport";
  if (!wrapped) {
    auto paging = http_export_plan::compile(doc);
    if (!paging)
      return paging.error();
    step.paging = std::make_shared<const http_export_plan>(std::move(*paging));
  }
  if (const auto* flt = e.if_contains("filter"); flt && !flt->is_null()) {
    auto filter = filter_expression::compile_filter(*flt);
    if (!filter)
      return invalid_input("export filter: " + filter.error().message, "filter");
    step.filter_fields = filter->record_fields();
    step.output_filter = std::move(*filter);
  }
  if (const auto* t = e.if_contains("transform"); t && !t->is_null()) {
    auto transform = record_transform::compile(*t);
    if (!transform)
      return invalid_input("export transform: " + transform.error().message, "transform");
    step.transform = std::move(*transform);
  }
  if (auto it = e.find("pageSize"); it != e.end() && it->value().is_int64() && it->value().get_int64() > 0)
    step.page_size = static_cast<std::size_t>(it->value().get_int64());
  auto selection = export_selection::from(e);
  if (!selection)
    return selection.error();
  step.selection = *selection;
  if (string_member(e, "type") == "once" && !wrapped) {
    auto once = once_marking::compile(e);
    if (!once)
      return once.error();
    step.once = std::make_shared<const once_marking>(std::move(*once));
  }
  json::object ctx;
  ctx["settings"] = settings;
  step.context = std::move(ctx);
  return step;
}

std::uint8_t export_step::judge(const json::value& fields, const json::value& settings) const {
  bool keep = !output_filter || output_filter->matches(fields, settings);
  return static_cast<std::uint8_t>(keep ? record_verdict::keep : record_verdict::ignore);
}

result<flow_plan> flow_plan::for_job(const job_spec& spec, const job_doc& job, std::int64_t now_ms,
                                     std::size_t& first_station) {
  first_station = 0;
  auto plan = compile(spec);
  if (!plan)
    return plan;
  if (plan->generators.empty())
    return invalid_input("the flow has no page generator", "pageGenerators");
  if (auto selected = plan->select(job.export_ids, spec, now_ms, job.start_date, job.end_date); !selected)
    return selected.error();
  if (job.type == "retry") {
    auto entry = plan->retry_entry(job.retry_step_id);
    if (!entry)
      return invalid_input("step " + job.retry_step_id + " is no longer in the flow");
    first_station = *entry;
  }
  return plan;
}

result<flow_plan> flow_plan::compile(const job_spec& spec) {
  auto flow = parse_doc(&spec.flow);
  if (!flow)
    return invalid_input("the flow is not valid JSON");
  const auto& f = flow->get_object();
  flow_plan plan;
  plan.flow_id = string_member(f, "_id");
  plan.integration_id = string_member(f, "_integrationId");
  if (const auto* next = f.if_contains("_runNextFlowIds"); next && next->is_array())
    for (const auto& id : next->get_array())
      if (id.is_string())
        plan.next_flow_ids.emplace_back(id.get_string());
  if (const auto* par = f.if_contains("runPageGeneratorsInParallel"); par && *par == true)
    plan.parallel_generators = true;
  json::object settings;
  settings["flow"] = f.contains("settings") ? f.at("settings") : json::object();
  plan.settings = std::move(settings);
  if (const auto* gens = f.if_contains("pageGenerators"); gens && gens->is_array())
    for (const auto& g : gens->get_array()) {
      auto export_id = string_member(g.get_object(), "_exportId");
      auto doc = parse_doc(find_doc(spec.exports, export_id));
      if (!doc)
        return invalid_input("export " + export_id + " not found");
      auto conn = connection_of(spec, string_member(doc->get_object(), "_connectionId"));
      if (!conn)
        return conn.error();
      auto wrapper = wrapper_export_of(*conn, *doc, spec.stacks);
      if (!wrapper)
        return api_error{wrapper.error().code, "export " + export_id + ": " + wrapper.error().message,
                         wrapper.error().field};
      std::shared_ptr<const http_endpoint> endpoint;
      if (!*wrapper) {
        auto e = endpoint_of(spec, string_member(doc->get_object(), "_connectionId"));
        if (!e)
          return e.error();
        endpoint = std::move(*e);
      }
      auto step = export_step::compile(*doc, std::move(endpoint), plan.settings);
      if (!step)
        return step.error();
      step->wrapper = std::move(*wrapper);
      // (A wrapper block runs only on a wrapper connection: the last one.)
      hooks_run export_runs(export_code);
      if (auto refused = refuse_user_code("export " + export_id, *doc, g,
                                          step->wrapper ? export_runs : export_runs.first(export_runs.size() - 1)))
        return *refused;
      if (auto code = resolve_export_code(*step, *doc, spec); !code)
        return api_error{code.error().code, "export " + export_id + ": " + code.error().message,
                         code.error().field};
      step->export_id = export_id;
      plan.generators.push_back(std::move(*step));
    }
  auto routes = flow_routes::of(f);
  if (!routes)
    return routes.error();
  for (const auto& p : routes->processor_entries) {
    const auto& entry = p.get_object();
    bool lookup = string_member(entry, "type") == "export";
    import_step step;
    step.import_id = string_member(entry, lookup ? "_exportId" : "_importId");
    step.lookup = lookup;
    auto doc = parse_doc(find_doc(lookup ? spec.exports : spec.imports, step.import_id));
    if (!doc)
      return invalid_input(std::string(lookup ? "export " : "import ") + step.import_id + " not found");
    step.connection_id = string_member(doc->get_object(), "_connectionId");
    auto conn = connection_of(spec, step.connection_id);
    if (!conn)
      return conn.error();
    std::optional<wrapper_target> wrapper;
    if (is_wrapper_connection(*conn) && !lookup) {
      auto target = wrapper_target::of(*conn, spec.stacks);
      if (!target)
        return api_error{target.error().code, "import " + step.import_id + ": " + target.error().message,
                         target.error().field};
      wrapper = std::move(*target);
    } else {
      auto endpoint = endpoint_of(spec, step.connection_id);
      if (!endpoint)
        return endpoint.error();
      step.endpoint = std::move(*endpoint);
    }
    auto compiled = lookup ? import_plan::compile_lookup(*doc, p) : import_plan::compile(*doc, p);
    if (!compiled)
      return compiled.error();
    auto step_name = std::string(lookup ? "lookup " : "import ") + step.import_id;
    hooks_run import_runs(import_code);
    if (auto refused = refuse_user_code(step_name, *doc, p,
                                        lookup    ? hooks_run(lookup_code)
                                        : wrapper ? import_runs
                                                  : import_runs.first(import_runs.size() - 1)))
      return *refused;
    // A lookup runs its input filter script, its flow entry's
    // postResponseMap, and its own code on what it found.
    auto hooks = import_hooks::resolve(*doc, p, spec.stacks, spec.scripts, lookup);
    if (!hooks)
      return api_error{hooks.error().code, step_name + ": " + hooks.error().message, hooks.error().field};
    step.hooks = std::move(*hooks);
    if (lookup) {
      auto code = lookup_code_of(step, *doc, spec);
      if (!code)
        return api_error{code.error().code, step_name + ": " + code.error().message, code.error().field};
      step.found_code = std::move(*code);
    }
    if (wrapper) {
      auto fn = wrapper->function_of(*doc);
      if (!fn)
        return api_error{fn.error().code, step_name + ": " + fn.error().message, fn.error().field};
      step.hooks.wrapper = std::make_shared<const user_function>(std::move(*fn));
      step.hooks.wrapper_connection = wrapper->connection;
    }
    step.plan = std::make_shared<const import_plan>(std::move(*compiled));
    plan.processors.push_back(std::move(step));
  }
  plan.routers = std::move(routes->routers);
  for (const auto& router : plan.routers) {
    const auto& docs = f.at("routers").get_array();
    auto code = router_code::resolve(router, docs[router.doc_index], spec.scripts);
    if (!code)
      return code.error();
    plan.routers_code.push_back(std::move(*code));
  }
  plan.stations = std::move(routes->stations);
  plan.isolate_stages = has_loop_block(spec.flow);
  for (const auto* docs : {&spec.exports, &spec.imports, &spec.connections})
    for (const auto& [id, text] : *docs)
      plan.isolate_stages = plan.isolate_stages || has_loop_block(text);
  return plan;
}

result<void> flow_plan::select(const std::vector<std::string>& export_ids, const job_spec& spec,
                               std::int64_t now_ms, std::int64_t start_ms, std::int64_t end_ms) {
  for (const auto& id : export_ids)
    if (std::none_of(generators.begin(), generators.end(),
                     [&](const export_step& g) { return g.export_id == id; }))
      return invalid_input("export " + id + " is not a page generator of the flow", "_exportIds");
  if (!export_ids.empty())
    std::erase_if(generators, [&](const export_step& g) {
      return std::find(export_ids.begin(), export_ids.end(), g.export_id) == export_ids.end();
    });
  for (auto& g : generators) {
    if (!g.selection.delta)
      continue;
    std::optional<std::int64_t> mark;
    for (const auto& [id, ms] : spec.marks)
      if (id == g.export_id)
        mark = ms;
    g.window = export_window::of(g.selection, mark, now_ms, start_ms, end_ms);
    g.window->expose(g.context.as_object());
  }
  return {};
}

std::optional<std::size_t> flow_plan::retry_entry(const std::string& step_id) const {
  for (std::size_t k = 0; k < stations.size(); ++k)
    if (stations[k].router ? routers[stations[k].index].id == step_id
                           : processors[stations[k].index].import_id == step_id)
      return k;
  for (const auto& g : generators)
    if (g.export_id == step_id && !stations.empty())
      return 0;
  return std::nullopt;
}

std::size_t flow_plan::station_of(std::size_t processor) const {
  for (std::size_t k = 0; k < stations.size(); ++k)
    if (!stations[k].router && stations[k].index == processor)
      return k;
  return stations.size();
}

}  // namespace integrator
