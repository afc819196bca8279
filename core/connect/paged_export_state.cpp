#include "core/connect/paged_export_state.hpp"

#include <boost/json.hpp>

#include "core/util/secret_box.hpp"

namespace integrator {

namespace json = boost::json;

namespace {

constexpr std::string_view purpose = "pagedExportState";

// What the signature covers: the state's fields in a fixed order, and
// what it was issued for.
std::string signed_text(const json::object& state, const std::string& connection_id,
                        const std::string& export_json) {
  std::string out;
  for (const char* k : {"searchId", "pageIndex", "pageSize", "done", "issuedAt"}) {
    const auto* v = state.if_contains(k);
    out += v ? json::serialize(*v) : "null";
    out += '\n';
  }
  return out + connection_id + '\n' + export_json;
}

}  // namespace

json::object paged_export_state::to_json(const secret_box& box, const std::string& connection_id,
                                         const std::string& export_json) const {
  json::object o{{"searchId", position},  {"pageIndex", page_index}, {"pageSize", page_size},
                 {"done", done},          {"issuedAt", issued_at}};
  o["sig"] = box.tag(purpose, signed_text(o, connection_id, export_json));
  return o;
}

std::optional<paged_export_state> paged_export_state::verify(const secret_box& box,
                                                             const json::value& sent,
                                                             const std::string& connection_id,
                                                             const std::string& export_json) {
  const auto* o = sent.if_object();
  const auto* sig = o ? o->if_contains("sig") : nullptr;
  if (!sig || !sig->is_string()
      || !box.check_tag(purpose, signed_text(*o, connection_id, export_json), sig->get_string()))
    return std::nullopt;
  paged_export_state s;
  const auto& obj = *o;
  auto num = [&](const char* k) {
    const auto* v = obj.if_contains(k);
    return v && v->is_int64() ? v->get_int64() : 0;
  };
  if (const auto* id = obj.if_contains("searchId"); id && id->is_string())
    s.position = id->get_string();
  s.page_index = num("pageIndex");
  s.page_size = num("pageSize");
  s.issued_at = num("issuedAt");
  const auto* done = obj.if_contains("done");
  s.done = done && done->is_bool() && done->get_bool();
  return s;
}

}  // namespace integrator
