#include "core/engine/hook_results.hpp"

#include <boost/json.hpp>

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

result<pre_save_page_result> read_pre_save_page(const json::value& returned) {
  const auto* o = returned.if_object();
  if (!o)
    return invalid_input("preSavePage must return an object {data, errors, abort, newErrorsAndRetryData}");
  pre_save_page_result r;
  if (const auto* d = o->if_contains("data"); d && !d->is_null()) {
    const auto* a = d->if_array();
    if (!a)
      return invalid_input("preSavePage returned data that is not an array");
    r.data.assign(a->begin(), a->end());
  }
  auto errors = errors_of(o->if_contains("errors"), "preSavePage's errors");
  if (!errors)
    return errors.error();
  r.errors = std::move(*errors);
  if (const auto* ab = o->if_contains("abort"); ab && ab->is_bool())
    r.abort = ab->get_bool();
  if (const auto* n = o->if_contains("newErrorsAndRetryData"); n && !n->is_null()) {
    const auto* a = n->if_array();
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
