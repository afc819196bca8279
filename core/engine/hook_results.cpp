#include "core/engine/hook_results.hpp"

#include <boost/json.hpp>

#include "core/json/json_depth.hpp"
#include "core/json/json_scan.hpp"

namespace integrator {

namespace json = boost::json;

namespace {

// [{code, message}, …] or a single error object; a string is its message.
result<std::vector<hook_error>> errors_of(const json::value* v, std::string_view where) {
  std::vector<hook_error> out;
  if (!v || v->is_null())
    return out;
  auto one = [&](const json::value& e) -> bool {
    hook_error h;
    if (e.is_string()) {
      h.message = e.get_string();
    } else if (const auto* o = e.if_object()) {
      if (const auto* c = o->if_contains("code"); c && c->is_string())
        h.code = c->get_string();
      if (const auto* m = o->if_contains("message"); m && m->is_string())
        h.message = m->get_string();
    } else {
      return false;
    }
    if (h.code.empty())
      h.code = "Error";
    out.push_back(std::move(h));
    return true;
  };
  if (const auto* a = v->if_array()) {
    for (const auto& e : *a)
      if (!one(e))
        return invalid_input(std::string(where) + ": each error must be an object {code, message} or a string");
    return out;
  }
  if (!one(*v))
    return invalid_input(std::string(where) + " must be an array of errors");
  return out;
}

}  // namespace

page_answer::page_answer() = default;
page_answer::page_answer(page_answer&&) noexcept = default;
page_answer::~page_answer() = default;

result<page_answer> page_answer::read(std::string& returned, std::string_view function, std::string_view shape) {
  auto first = returned.find_first_not_of(" \t\r\n");
  if (first == std::string::npos || returned[first] != '{')
    return invalid_input(std::string(function) + " must return an object " + std::string(shape));
  page_answer r;
  r.scan_ = std::make_unique<json_scan>(returned);
  // records() checks the whole answer first (simdjson's full parse), so
  // the members below are read from a well-formed document.
  if (!r.scan_->records({"data"}, r.data))
    return invalid_input(std::string(function) + " returned something that is not JSON");
  // The records of an array follow its '['; a lone object or a scalar at
  // `data` follows the member's ':'.
  auto not_an_array = [&] { return invalid_input(std::string(function) + " returned data that is not an array"); };
  if (!r.data.empty()) {
    auto before = std::string_view(returned.data(), static_cast<std::size_t>(r.data.front().data() - returned.data()));
    auto last = before.find_last_not_of(" \t\r\n");
    if (last == std::string_view::npos || before[last] != '[')
      return not_an_array();
  } else if (auto data = r.scan_->text_at({"data"}); data && !data->empty() && data->front() != '[') {
    return not_an_array();
  }
  auto errors_value = r.member("errors");
  if (!errors_value)
    return errors_value.error();
  auto errors = errors_of(&*errors_value, std::string(function) + "'s errors");
  if (!errors)
    return errors.error();
  r.errors = std::move(*errors);
  return r;
}

result<json::value> page_answer::member(const char* key) {
  auto text = scan_->text_at({key});
  if (!text || text->empty())
    return json::value();
  boost::system::error_code ec;
  auto v = parse_json(*text, ec);
  if (ec)  // a string's unescaped text: not an array or an object
    return json::value(json::string(*text));
  return v;
}

std::string page_answer::text(const char* key) {
  return scan_->text_at({key}).value_or(std::string());
}

result<pre_save_page_result> read_pre_save_page(std::string& returned) {
  auto page = page_answer::read(returned, "preSavePage", "{data, errors, abort, newErrorsAndRetryData}");
  if (!page)
    return page.error();
  pre_save_page_result r;
  r.data = std::move(page->data);
  r.errors = std::move(page->errors);
  r.abort = page->text("abort") == "true";
  auto more = page->member("newErrorsAndRetryData");
  if (!more)
    return more.error();
  if (!more->is_null()) {
    const auto* a = more->if_array();
    if (!a)
      return invalid_input("preSavePage returned newErrorsAndRetryData that is not an array");
    for (const auto& item : *a) {
      const auto* io = item.if_object();
      if (!io)
        return invalid_input("each of preSavePage's newErrorsAndRetryData must be {retryData, errors}");
      pre_save_page_result::retryable e;
      if (const auto* rd = io->if_contains("retryData"))
        e.retry_data = *rd;
      auto item_errors = errors_of(io->if_contains("errors"), "newErrorsAndRetryData's errors");
      if (!item_errors)
        return item_errors.error();
      e.errors = std::move(*item_errors);
      r.new_errors_and_retry_data.push_back(std::move(e));
    }
  }
  return r;
}

result<std::vector<record_hook_result>> read_record_hook(std::string_view hook, const json::value& returned,
                                                         std::size_t expected) {
  const auto* a = returned.if_array();
  if (!a)
    return invalid_input(std::string(hook) + " must return an array, one item per record");
  if (a->size() != expected)
    return invalid_input(std::string(hook) + " returned " + std::to_string(a->size()) + " items for "
                         + std::to_string(expected) + " records: it must return one per record, in order");
  std::vector<record_hook_result> out;
  out.reserve(a->size());
  for (const auto& item : *a) {
    const auto* io = item.if_object();
    if (!io)
      return invalid_input(std::string(hook) + ": each item must be an object {data}, {errors}, both, or {}");
    record_hook_result r;
    if (const auto* d = io->if_contains("data"); d && !d->is_null()) {
      r.has_data = true;
      r.data = *d;
    }
    auto errors = errors_of(io->if_contains("errors"), std::string(hook) + "'s errors");
    if (!errors)
      return errors.error();
    r.errors = std::move(*errors);
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace integrator
