#include "core/engine/ownership.hpp"

#include <boost/json.hpp>

#include "core/resources/key_codec.hpp"
#include "core/util/decimal.hpp"
#include "core/util/rendezvous.hpp"

namespace integrator {

std::string lease_text(const lease& l) {
  return std::to_string(l.epoch) + "|" + l.owner;
}

std::optional<lease> parse_lease(std::string_view text) {
  auto bar = text.find('|');
  if (bar == std::string_view::npos)
    return std::nullopt;
  std::uint64_t epoch = 0;
  if (!parse_decimal(std::string(text.substr(0, bar)), epoch))
    return std::nullopt;
  return lease{static_cast<std::int64_t>(epoch), std::string(text.substr(bar + 1))};
}

std::string flow_lease_name(std::string_view account_id, std::string_view flow_id) {
  return "flow/" + std::string(account_id) + "|" + std::string(flow_id);
}

std::string bucket_lease_name(std::string_view account_id) {
  return "bucket/" + std::string(account_id);
}

std::optional<lease> read_lease(document_store& store, std::string_view name) {
  auto text = store.get(keys::leases_space, name);
  return text ? parse_lease(*text) : std::nullopt;
}

write_batch take_lease(std::string_view name, const std::optional<lease>& current, const std::string& node) {
  write_batch b;
  b.expect(keys::leases_space, std::string(name),
           current ? std::optional<std::string>(lease_text(*current)) : std::nullopt);
  b.put(keys::leases_space, std::string(name), lease_text(lease{current ? current->epoch + 1 : 1, node}));
  return b;
}

write_batch release_lease(std::string_view name, const lease& held) {
  write_batch b;
  fence(b, name, held);
  b.put(keys::leases_space, std::string(name), lease_text(lease{held.epoch, ""}));
  return b;
}

void fence(write_batch& batch, std::string_view name, const lease& held) {
  batch.expect(keys::leases_space, std::string(name), lease_text(held));
}

lease_claim claim_lease(document_store& store, std::string_view name, const std::string& self, std::int64_t now_ms,
                        std::int64_t timeout_ms) {
  auto nodes = read_nodes(store);
  // Two tries: losing a race to a node that then turns out dead is rare,
  // and the caller asks again later anyway.
  for (int attempt = 0;; ++attempt) {
    auto current = read_lease(store, name);
    if (current && !current->owner.empty() && current->owner != self
        && is_alive(nodes, current->owner, now_ms, timeout_ms))
      return {std::nullopt, current->owner, ""};
    try {
      store.write(take_lease(name, current, self));
      return {lease{current ? current->epoch + 1 : 1, self}, "", current ? current->owner : ""};
    } catch (const store_failure& e) {
      if (e.why != store_failure::cause::conflict || attempt == 1)
        throw;
    }
  }
}

std::optional<std::pair<std::string, std::string>> flow_of_lease(std::string_view name) {
  constexpr std::string_view prefix = "flow/";
  if (name.substr(0, prefix.size()) != prefix)
    return std::nullopt;
  name.remove_prefix(prefix.size());
  auto bar = name.find('|');
  if (bar == std::string_view::npos || bar == 0 || bar + 1 == name.size())
    return std::nullopt;
  return std::pair{std::string(name.substr(0, bar)), std::string(name.substr(bar + 1))};
}

std::vector<std::string> orphaned_flow_leases(document_store& store, const std::string& self, std::int64_t now_ms,
                                              std::int64_t timeout_ms) {
  auto nodes = read_nodes(store);
  auto live = live_node_ids(nodes, now_ms, timeout_ms);
  std::vector<std::string> out;
  store.scan(keys::leases_space, "flow/", [&](std::string_view key, std::string_view value) {
    auto held = parse_lease(value);
    if (held && !held->owner.empty() && held->owner != self && !is_alive(nodes, held->owner, now_ms, timeout_ms)
        && rendezvous_owner(key, live) == self)
      out.emplace_back(key);
    return true;
  });
  return out;
}

std::string leases_json(document_store& store, std::int64_t now_ms, std::int64_t timeout_ms) {
  auto nodes = read_nodes(store);
  boost::json::array leases;
  store.scan(keys::leases_space, "", [&](std::string_view key, std::string_view value) {
    if (auto l = parse_lease(value))
      leases.push_back(boost::json::object{{"name", key},
                                           {"epoch", l->epoch},
                                           {"owner", l->owner},
                                           {"alive", !l->owner.empty() && is_alive(nodes, l->owner, now_ms, timeout_ms)}});
    return true;
  });
  return boost::json::serialize(boost::json::object{{"leases", std::move(leases)}});
}

}  // namespace integrator
