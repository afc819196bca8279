#pragma once
// One-time tokens (extension-protocol.md §4): every call to user code
// carries a fresh bearer token that works against the API like an API
// token until the call returns or 15 minutes pass, whichever comes first,
// and only within its reach: a connector's code reaches its connector's
// resources, other code may only run what the account has (may()).
// Kept as hashes, like API tokens, and in memory only: no token outlives
// the call that carries it, and no call outlives the process making it.
// One table per node, shared by the stages that mint tokens for their calls
// and the registry that authenticates them, so it locks: every operation is
// a hash and a map lookup.

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/api/account_book.hpp"
#include "core/api/api_call.hpp"

namespace integrator {

class one_time_tokens {
public:
  static constexpr std::int64_t lifetime_ms = 15 * 60 * 1000;

  /// A new token for a call on behalf of `account_id` (its email for
  /// tokenInfo; "" lets the authenticator fill it in): invoke-only, or with
  /// `connector_id` that connector's reach. Forgets expired tokens once a
  /// minute (calls that never reported back).
  std::string mint(const std::string& account_id, const std::string& email,
                   const std::string& connector_id, std::int64_t now_ms);

  /// The caller of `token` at `now_ms`; nullopt when unknown, returned or
  /// expired.
  std::optional<principal> authenticate(std::string_view token, std::int64_t now_ms) const;

  /// The call returned: its token stops working.
  void revoke(std::string_view token);

  /// Forgets expired tokens (a call that never reported back); how many.
  std::size_t purge(std::int64_t now_ms);

  std::size_t size() const {
    std::lock_guard<std::mutex> guard(mutex_);
    return by_hash_.size();
  }

  /// Whether `who` may make a call of `op`: an invoke-only token (a hook's,
  /// a wrapper's, a script's) only runs what the account has: invokes its
  /// exports and imports, runs its flows, sends requests through its
  /// connections (what the integrator-api module of scripts offers), and
  /// reads tokenInfo; it reads and changes no configuration. Every other
  /// caller is judged by its scope as usual.
  static bool may(const principal& who, api_op op);

private:
  struct grant {
    std::string token_id;  ///< what tokenInfo shows, never the token
    std::string account_id, email, connector_id;
    std::int64_t expires_at_ms = 0;
  };
  mutable std::mutex mutex_;
  std::unordered_map<std::string, grant> by_hash_;
  std::int64_t purged_ms_ = 0;
};

}  // namespace integrator
