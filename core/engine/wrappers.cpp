#include "core/engine/wrappers.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <functional>

#include "core/engine/call_options.hpp"
#include "core/engine/flow_plan.hpp"
#include "core/engine/hook_results.hpp"
#include "core/json/json_depth.hpp"
#include "core/json/json_path.hpp"
#include "core/util/iso_time.hpp"

namespace integrator {

namespace json = boost::json;

namespace {

const json::object* wrapper_block(const json::value& doc) { return object_member(doc, "wrapper"); }

}  // namespace

bool is_wrapper_connection(const json::value& connection) {
  const auto* o = connection.if_object();
  return o && string_member(*o, "type") == "wrapper";
}

std::string wrapper_stack_id(const json::value& connection) {
  const auto* w = is_wrapper_connection(connection) ? wrapper_block(connection) : nullptr;
  return w ? string_member(*w, "_stackId") : std::string();
}

result<wrapper_target> wrapper_target::of(const json::value& connection, const json::value& stack) {
  const auto* w = wrapper_block(connection);
  if (!is_wrapper_connection(connection) || !w)
    return invalid_input("a wrapper connection needs wrapper{_stackId, pingFunction}", "wrapper");
  auto target = stack_target::from_document(stack);
  if (!target)
    return api_error{target.error().code, "the wrapper's stack: " + target.error().message, "wrapper._stackId"};
  wrapper_target out;
  out.connection_id = string_member(connection.get_object(), "_id");
  out.stack = std::move(*target);
  out.ping_function = string_member(*w, "pingFunction");
  json::object conn;
  if (!out.connection_id.empty())
    conn["_id"] = out.connection_id;
  for (const char* k : {"encrypted", "unencrypted"})
    conn[k] = w->contains(k) && w->at(k).is_object() ? w->at(k) : json::object();
  out.connection = std::move(conn);
  if (const auto* c = w->if_contains("concurrencyLevel"); c && c->is_int64() && c->get_int64() > 0)
    out.concurrency = static_cast<int>(std::min<std::int64_t>(c->get_int64(), 1000));
  return out;
}

result<wrapper_target> wrapper_target::of(const json::value& connection, const document_texts& stacks) {
  auto id = wrapper_stack_id(connection);
  if (id.empty())
    return invalid_input("the wrapper connection names no stack (wrapper._stackId)", "wrapper._stackId");
  auto it = std::find_if(stacks.begin(), stacks.end(), [&](const auto& s) { return s.first == id; });
  if (it == stacks.end())
    return invalid_input("the wrapper connection's stack " + id + " was not found", "wrapper._stackId");
  boost::system::error_code ec;
  return of(connection, parse_json(it->second, ec));
}

result<user_function> wrapper_target::function_of(const json::value& doc) const {
  const auto* w = wrapper_block(doc);
  auto name = w ? string_member(*w, "function") : std::string();
  if (name.empty())
    return invalid_input("a wrapper export or import names its function in wrapper.function", "wrapper.function");
  user_function f;
  f.function = std::move(name);
  if (const auto* c = w->if_contains("configuration"))
    f.configuration = *c;
  f.stack = stack;
  return f;
}

result<user_function> wrapper_target::ping() const {
  if (ping_function.empty())
    return make_api_error(error_code::ping_failed, "the wrapper connection names no pingFunction",
                          "wrapper.pingFunction");
  user_function f;
  f.function = ping_function;
  f.stack = stack;
  return f;
}

std::string wrapper_ping_options(const wrapper_target& target) {
  return json::serialize(json::object{{"connection", target.connection}});
}

std::optional<std::string> wrapper_ping_failure(const user_code_answer& answer) {
  if (!answer.ok)
    return answer.message.empty() ? answer.code : answer.message;
  auto value = returned_value(answer, "ping");
  const auto* o = value ? value->if_object() : nullptr;
  if (!o)
    return std::string("the ping function must return {statusCode, errors}");
  const auto* sc = o->if_contains("statusCode");
  auto status = sc && sc->is_number() ? sc->to_number<double>() : 0.0;
  if (status == 200)
    return std::nullopt;
  std::string why = "the ping function answered statusCode " + (sc ? json::serialize(*sc) : std::string("(none)"));
  if (const auto* errors = o->if_contains("errors"); errors && errors->is_array() && !errors->get_array().empty())
    if (const auto* first = errors->get_array().front().if_object())
      why += ": " + string_member(*first, "message");
  return why;
}

std::string wrapper_export_options(const flow_plan& plan, const export_step& step, const std::string& state_text) {
  const auto& w = *step.wrapper;
  auto o = flow_call_options(plan, "_exportId", step.export_id, step.connection_id, w.fn->configuration);
  o["connection"] = w.connection;
  o["type"] = w.type;
  if (w.type == "delta") {
    json::object delta = w.delta.is_object() ? w.delta.get_object() : json::object();
    if (step.window && step.window->last)
      delta["lastExecutionTime"] = format_iso_ms(*step.window->last);
    o["delta"] = std::move(delta);
  }
  if (w.type == "once")
    o["once"] = w.once.is_object() ? w.once : json::object();
  if (step.selection.record_limit > 0)
    o["test"] = json::object{{"limit", step.selection.record_limit}};
  if (step.window) {
    if (step.window->last)
      o["lastExportDateTime"] = format_iso_ms(*step.window->last);
    o["currentExportDateTime"] = format_iso_ms(step.window->current);
  }
  if (!state_text.empty()) {
    boost::system::error_code ec;
    auto state = parse_json(state_text, ec);
    if (!ec)
      o["state"] = std::move(state);
  }
  return json::serialize(o);
}

result<wrapper_page> read_wrapper_page(user_code_answer& answer, const std::string& export_id,
                                       std::int64_t now_ms) {
  if (!answer.ok)
    return make_api_error(error_code::wrapper_failed,
                          "the export wrapper failed: " + (answer.code.empty() ? "" : answer.code + ": ") + answer.message);
  auto read = page_answer::read(answer.returned, "the export wrapper", "{data, errors, lastPage, state}");
  if (!read)
    return make_api_error(error_code::wrapper_failed, read.error().message);
  wrapper_page page;
  page.records = std::move(read->data);
  for (auto& e : read->errors) {
    job_error_entry entry;
    entry.step_id = export_id;
    entry.source = "application";
    entry.code = std::move(e.code);
    entry.message = std::move(e.message);
    entry.occurred_at = now_ms;
    page.errors.push_back(std::move(entry));
  }
  auto flag = [&](const char* key) {
    auto v = read->member(key);
    return v && v->is_bool() ? std::optional<bool>(v->get_bool()) : std::nullopt;
  };
  page.last_page = flag("lastPage").value_or(true);
  page.connection_offline = flag("connectionOffline").value_or(false);
  // (A string state that reads as JSON, such as "12", goes back as that JSON.)
  if (auto state = read->member("state"); state && !state->is_null())
    page.state = json::serialize(*state);
  return page;
}

bool repeat_guard::looping(const std::string& answer) {
  auto h = std::hash<std::string>{}(answer);
  repeats_ = h == last_hash_ && repeats_ > 0 ? repeats_ + 1 : 1;
  last_hash_ = h;
  return repeats_ >= limit_;
}

std::string wrapper_cursor::next_options() const {
  return wrapper_export_options(plan_, step_, state_);
}

stage_report wrapper_cursor::read(user_code_answer& answer, const std::function<void(std::string_view)>& keep,
                                  bool& offline, std::int64_t now_ms, counts_by_page* by_page) {
  stage_report r;
  offline = false;
  tally_.answer_at = state_;  // what the answer was asked with
  tally_.answer_kept = 0;
  auto fail = [&](std::string why) {
    job_error_entry e;
    e.step_id = step_.export_id;
    e.source = "export";
    e.code = code_name(error_code::wrapper_failed);
    e.message = why;
    e.occurred_at = now_ms;
    r.errors.push_back(std::move(e));
    ++r.counts.num_error;
    r.fatal = std::move(why);
    stopped_ = true;
    return std::move(r);
  };
  if (repeats_.looping(answer.returned))  // (before the read grows its padding)
    return fail("the export wrapper answered the same page 5 times in a row: it does not page with the state "
                "it is given, so the export stops");
  auto page = read_wrapper_page(answer, step_.export_id, now_ms);
  if (!page)
    return fail(page.error().message);
  for (auto& e : page->errors) {  // the wrapper's own errors: logged, the export goes on
    r.errors.push_back(std::move(e));
    ++r.counts.num_error;
  }
  const auto* end = answer.returned.data() + answer.returned.size();
  for (auto text : page->records) {
    if (limited_)
      break;
    bool passed_over = tally_.passing_over();
    if (!passed_over)
      ++r.counts.num_export;
    record_view view{text, static_cast<std::size_t>(end - text.data()), std::nullopt};
    std::string_view kept;
    auto verdict = step_.screen(view, plan_.settings, reshaped_, kept);
    if (verdict != record_verdict::keep) {
      if (!passed_over && verdict == record_verdict::ignore)
        ++r.counts.num_ignore;
      continue;
    }
    if (!passed_over) {
      keep(kept);  // (resume_here() in keep counts this record as the next one)
      if (by_page)
        by_page->kept(r);
    }
    tally_.count_kept();
    if (!passed_over)
      limited_ = step_.selection.record_limit > 0
                 && static_cast<std::size_t>(tally_.kept) >= step_.selection.record_limit;
  }
  if (by_page)
    by_page->answer_read(r);
  state_ = page->state;
  last_ = page->last_page;
  if (page->connection_offline) {
    offline = true;
    return fail("the export wrapper says its connection is offline (connectionOffline); the connection is "
                "now offline until a ping succeeds");
  }
  return r;
}

resume_point wrapper_cursor::between_calls() const {
  resume_point at;
  at.position = state_;
  at.kept = tally_.kept;
  at.done = !more();
  return at;
}

json::object wrapper_cursor::position() const {
  auto at = between_calls();
  return json::object{{"wrapperState", at.position}, {"kept", at.kept}};
}

void wrapper_cursor::restore(const json::object& position) {
  if (!position.contains("wrapperState"))
    return;
  resume_point at;
  at.position = string_member(position, "wrapperState");
  if (const auto* kept = position.if_contains("kept"); kept && kept->is_int64())
    at.kept = kept->get_int64();
  resume(at);
}

void wrapper_cursor::resume(const resume_point& at) {
  if (at.done) {
    last_ = true;
    return;
  }
  state_ = at.position;
  tally_.resume(at);
}

}  // namespace integrator
