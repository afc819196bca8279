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

result<pre_save_page_result> read_pre_save_page(std::string& returned) {
  auto refused = [] {
    return invalid_input("preSavePage must return an object {data, errors, abort, newErrorsAndRetryData}");
  };
  auto first = returned.find_first_not_of(" \t\r\n");
  if (first == std::string::npos || returned[first] != '{')
    return refused();
  json_scan scan(returned);
  pre_save_page_result r;
  // records() checks the whole answer first (simdjson's full parse), so
  // the members below are read from a well-formed document.
  if (!scan.records({"data"}, r.data))
    return invalid_input("preSavePage returned something that is not JSON");
  // The records of an array follow its '['; a lone object or a scalar at
  // `data` follows the member's ':'.
  if (!r.data.empty()) {
    auto before = std::string_view(returned.data(), static_cast<std::size_t>(r.data.front().data() - returned.data()));
    auto last = before.find_last_not_of(" \t\r\n");
    if (last == std::string_view::npos || before[last] != '[')
      return invalid_input("preSavePage returned data that is not an array");
  } else if (auto data = scan.text_at({"data"}); data && !data->empty() && data->front() != '[') {
    return invalid_input("preSavePage returned data that is not an array");
  }
  // A member of the answer, parsed: the small ones (errors, flags).
  auto member = [&](const char* key) -> result<json::value> {
    auto text = scan.text_at({key});
    if (!text || text->empty())
      return json::value();
    boost::system::error_code ec;
    auto v = parse_json(*text, ec);
    if (ec)  // a string's unescaped text: not an array or an object
      return json::value(json::string(*text));
    return v;
  };
  auto errors_value = member("errors");
  if (!errors_value)
    return errors_value.error();
  auto errors = errors_of(&*errors_value, "preSavePage's errors");
  if (!errors)
    return errors.error();
  r.errors = std::move(*errors);
  r.abort = scan.text_at({"abort"}) == std::optional<std::string>("true");
  auto more = member("newErrorsAndRetryData");
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
