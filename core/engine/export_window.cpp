#include "core/engine/export_window.hpp"

#include <boost/json.hpp>

#include "core/util/iso_time.hpp"

namespace integrator {

namespace json = boost::json;

namespace {

const json::object* block(const json::object& doc, std::string_view name) {
  const auto* v = doc.if_contains(name);
  return v ? v->if_object() : nullptr;
}

}  // namespace

result<export_selection> export_selection::from(const json::object& doc) {
  export_selection sel;
  const auto* type = doc.if_contains("type");
  std::string_view kind = type && type->is_string() ? std::string_view(type->get_string()) : "";
  if (kind == "delta") {
    sel.delta = true;
    if (const auto* d = block(doc, "delta")) {
      if (const auto* s = d->if_contains("startDate"); s && !s->is_null()) {
        auto ms = s->is_string() ? parse_iso_ms(s->get_string()) : std::nullopt;
        if (!ms)
          return invalid_input("delta.startDate is not a date", "delta.startDate");
        sel.start_date = *ms;
      }
      if (const auto* lag = d->if_contains("lagOffset"); lag && !lag->is_null()) {
        if (!lag->is_int64() || lag->get_int64() < 0)
          return invalid_input("delta.lagOffset must be a number of milliseconds", "delta.lagOffset");
        sel.lag_offset = lag->get_int64();
      }
    }
  } else if (kind == "test") {
    sel.record_limit = 1;
    if (const auto* t = block(doc, "test"))
      if (const auto* limit = t->if_contains("limit"); limit && !limit->is_null()) {
        if (!limit->is_int64() || limit->get_int64() < 1 || limit->get_int64() > 100)
          return invalid_input("test.limit must be between 1 and 100", "test.limit");
        sel.record_limit = static_cast<std::size_t>(limit->get_int64());
      }
  }
  return sel;
}

export_window export_window::of(const export_selection& sel, std::optional<std::int64_t> mark,
                                std::int64_t now_ms, std::int64_t start_override,
                                std::int64_t end_override) {
  export_window w;
  w.current = end_override >= 0 ? end_override : now_ms;
  w.moves_mark = start_override < 0 && end_override < 0;
  if (start_override >= 0)
    w.last = start_override;
  else if (mark)
    w.last = *mark - sel.lag_offset;
  else if (sel.start_date >= 0)
    w.last = sel.start_date;
  return w;
}

void export_window::expose(json::object& context) const {
  if (last)
    context["lastExportDateTime"] = format_iso_ms(*last);
  context["currentExportDateTime"] = format_iso_ms(current);
}

}  // namespace integrator
