#pragma once
// Accounts and their API tokens, kept in memory (loaded from the store at
// start) so that authenticating a request costs one hash and one map
// look-up. Every change is returned as a write_batch that the owner makes
// durable before calling commit(), so memory never runs ahead of disk.
// Tokens exist here only as hashes; plaintext is returned once, at creation.

#include <boost/json/value.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>

#include "core/resources/access_scope.hpp"
#include "core/util/api_error.hpp"
#include "core/resources/document_store.hpp"
#include "core/util/leaky_bucket.hpp"
#include "core/util/object_id.hpp"

namespace integrator {

/// The authenticated caller of one request.
struct principal {
  std::string account_id;
  std::string token_id;
  std::string email;
  access_scope scope;
};

/// {"_userId","scope","email"}: the body of GET /v1/tokenInfo.
std::string token_info_json(const principal& who);

class account_book {
public:
  struct account {
    std::string id, name, email, created_at;
    std::optional<bucket_limits> rate_limit;  ///< nullopt: the global default
  };
  struct token {
    std::string id, account_id, hash, created_at, auto_purge;
    std::int64_t expires_at_ms = 0;  ///< 0: never
    access_scope scope;
  };

  explicit account_book(object_id_generator ids) : ids_(ids) {}

  /// Reads every account and token from `store`.
  void load(document_store& store);

  /// Every account and token row of `store`, as puts (for shipping the
  /// snapshot to a book in another actor).
  static write_batch snapshot(document_store& store);

  /// The caller of `token` at `now_ms`, or 401 (unknown, revoked, purged).
  /// A purged token is reported in `purged` so the owner can delete it.
  std::optional<principal> authenticate(const std::string& token, std::int64_t now_ms,
                                        std::string* purged = nullptr) const;

  /// A new account with a full-access token. Fills `batch`, `out_body`
  /// ({_id,name,email,token}) and `out_id`; returns a 422 when invalid.
  api_error create_account(const boost::json::value& body, std::int64_t now_ms,
                           write_batch& batch, std::string& out_body, std::string& out_id);

  /// A new token for `account_id` from the operator's request body.
  api_error create_token(const std::string& account_id, const boost::json::value& body,
                         std::int64_t now_ms, write_batch& batch, std::string& out_body);

  /// Revokes (deletes) a token.
  api_error revoke_token(const std::string& token_id, write_batch& batch);

  /// Sets an account's bucket limits from {"bucketSize","fillRate"}.
  api_error set_rate_limit(const std::string& account_id, const boost::json::value& body,
                           write_batch& batch, bucket_limits& out);

  /// Applies the account and token rows of `batch` to memory; call once
  /// the batch is durable (or with a snapshot, to load).
  void commit(const write_batch& batch);

  std::string accounts_json() const;
  api_error tokens_json(const std::string& account_id, std::string& out) const;
  const account* find_account(const std::string& id) const;
  bool empty() const { return accounts_.empty(); }

private:
  void put_account(const std::string& id, std::string_view json);
  void put_token(const std::string& id, std::string_view json);
  static boost::json::object token_view(const token& t);

  object_id_generator ids_;
  std::map<std::string, account> accounts_;
  std::map<std::string, token> tokens_;
  std::unordered_map<std::string, std::string> by_hash_;  ///< hash → token id
};

}  // namespace integrator
