#include "core/engine/ownership.hpp"

#include "core/resources/key_codec.hpp"
#include "core/util/decimal.hpp"

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

lease_step decide_lease(const std::optional<lease>& current, const std::string& self, const std::string& desired,
                        const std::vector<node_record>& nodes, std::int64_t now_ms, bool idle,
                        std::int64_t timeout_ms) {
  bool held = current && !current->owner.empty();
  if (held && current->owner == self)
    return desired != self && idle ? lease_step::release : lease_step::keep;
  if (held && is_alive(nodes, current->owner, now_ms, timeout_ms))
    return lease_step::leave_alone;
  return desired == self ? lease_step::take : lease_step::leave_alone;
}

}  // namespace integrator
