#include "core/engine/membership.hpp"

#include <boost/json.hpp>

#include <algorithm>

#include "core/resources/key_codec.hpp"
#include "core/util/iso_time.hpp"

namespace integrator {

namespace json = boost::json;

write_batch heartbeat_batch(const node_record& self) {
  json::object row{{"address", self.address},
                   {"api", self.api},
                   {"startedAt", self.started_ms},
                   {"heartbeatAt", self.heartbeat_ms},
                   {"leaving", self.leaving}};
  write_batch b;
  b.put(keys::nodes_space, self.id, json::serialize(row));
  return b;
}

write_batch leave_batch(const std::string& id) {
  write_batch b;
  b.erase(keys::nodes_space, id);
  return b;
}

std::vector<node_record> read_nodes(document_store& store) {
  std::vector<node_record> out;
  store.scan(keys::nodes_space, "", [&](std::string_view key, std::string_view value) {
    boost::system::error_code ec;
    auto v = json::parse(value, ec);
    const auto* o = ec ? nullptr : v.if_object();
    if (!o)
      return true;
    node_record n;
    n.id = std::string(key);
    if (const auto* a = o->if_contains("address"); a && a->is_string())
      n.address = std::string(a->get_string());
    if (const auto* a = o->if_contains("api"); a && a->is_string())
      n.api = std::string(a->get_string());
    if (const auto* t = o->if_contains("startedAt"); t && t->is_int64())
      n.started_ms = t->get_int64();
    if (const auto* t = o->if_contains("heartbeatAt"); t && t->is_int64())
      n.heartbeat_ms = t->get_int64();
    if (const auto* l = o->if_contains("leaving"); l && l->is_bool())
      n.leaving = l->get_bool();
    out.push_back(std::move(n));
    return true;
  });
  return out;
}

bool is_alive(const std::vector<node_record>& nodes, const std::string& id, std::int64_t now_ms,
              std::int64_t timeout_ms) {
  auto n = find_node(nodes, id);
  return n && now_ms - n->heartbeat_ms <= timeout_ms;
}

std::vector<std::string> live_node_ids(const std::vector<node_record>& nodes, std::int64_t now_ms,
                                       std::int64_t timeout_ms) {
  std::vector<std::string> out;
  for (const auto& n : nodes)
    if (!n.leaving && now_ms - n.heartbeat_ms <= timeout_ms)
      out.push_back(n.id);
  std::sort(out.begin(), out.end());
  return out;
}

std::string nodes_json(const std::vector<node_record>& nodes, const std::string& self, std::int64_t now_ms,
                       std::int64_t timeout_ms, std::int64_t stages_hosted) {
  json::array rows;
  for (const auto& n : nodes)
    rows.push_back(json::object{{"_id", n.id},
                                {"address", n.address},
                                {"api", n.api},
                                {"startedAt", format_iso_ms(n.started_ms)},
                                {"heartbeatAt", format_iso_ms(n.heartbeat_ms)},
                                {"alive", now_ms - n.heartbeat_ms <= timeout_ms},
                                {"leaving", n.leaving}});
  return json::serialize(json::object{{"self", self}, {"stagesHosted", stages_hosted}, {"nodes", std::move(rows)}});
}

std::optional<node_record> find_node(const std::vector<node_record>& nodes, const std::string& id) {
  for (const auto& n : nodes)
    if (n.id == id)
      return n;
  return std::nullopt;
}

}  // namespace integrator
