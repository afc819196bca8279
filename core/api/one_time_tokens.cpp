#include "core/api/one_time_tokens.hpp"

#include "core/util/secret_box.hpp"

#include <iterator>

namespace integrator {

std::string one_time_tokens::mint(const std::string& account_id, const std::string& email,
                                  const std::string& connector_id, std::int64_t now_ms) {
  auto plain = random_hex(24);
  grant g{"ott-" + random_hex(8), account_id, email, connector_id, now_ms + lifetime_ms};
  auto hash = token_hash(plain);
  std::lock_guard<std::mutex> guard(mutex_);
  if (now_ms - purged_ms_ >= 60'000) {
    std::erase_if(by_hash_, [&](const auto& entry) { return now_ms >= entry.second.expires_at_ms; });
    purged_ms_ = now_ms;
  }
  by_hash_.insert_or_assign(std::move(hash), std::move(g));
  return plain;
}

std::optional<principal> one_time_tokens::authenticate(std::string_view token, std::int64_t now_ms) const {
  auto hash = token_hash(token);
  std::lock_guard<std::mutex> guard(mutex_);
  auto it = by_hash_.find(hash);
  if (it == by_hash_.end() || now_ms >= it->second.expires_at_ms)
    return std::nullopt;
  const auto& g = it->second;
  principal who;
  who.account_id = g.account_id;
  who.token_id = g.token_id;
  who.email = g.email;
  who.scope.full = false;
  who.scope.connector_id = g.connector_id;
  who.scope.invoke_only = g.connector_id.empty();
  return who;
}

bool one_time_tokens::may(const principal& who, api_op op) {
  if (!who.scope.invoke_only)
    return true;
  return op == api_op::export_invoke || op == api_op::import_invoke || op == api_op::api_identifier_invoke
         || op == api_op::flow_run || op == api_op::connection_proxy || op == api_op::token_info;
}

void one_time_tokens::revoke(std::string_view token) {
  auto hash = token_hash(token);
  std::lock_guard<std::mutex> guard(mutex_);
  by_hash_.erase(hash);
}

std::size_t one_time_tokens::purge(std::int64_t now_ms) {
  std::lock_guard<std::mutex> guard(mutex_);
  purged_ms_ = now_ms;
  return std::erase_if(by_hash_, [&](const auto& entry) { return now_ms >= entry.second.expires_at_ms; });
}

}  // namespace integrator
