#include "core/api/account_book.hpp"
#include "core/json/json_depth.hpp"

#include <boost/json.hpp>

#include "core/util/iso_time.hpp"
#include "core/json/json_path.hpp"
#include "core/resources/key_codec.hpp"
#include "core/util/secret_box.hpp"

namespace integrator {

namespace json = boost::json;

namespace {

api_error invalid(std::string field, std::string message) {
  return make_api_error(error_code::invalid_field, std::move(message), std::move(field));
}

std::set<std::string> id_set(const json::object& o, std::string_view k) {
  std::set<std::string> out;
  if (auto it = o.find(k); it != o.end() && it->value().is_array())
    for (const auto& v : it->value().get_array())
      if (v.is_string())
        out.insert(std::string(v.get_string()));
  return out;
}

json::array id_array(const std::set<std::string>& ids) {
  json::array a;
  for (const auto& id : ids)
    a.emplace_back(id);
  return a;
}

// Milliseconds for an autoPurge value; -1 when unknown, 0 for never.
std::int64_t purge_after_ms(const std::string& v) {
  struct row {
    const char* name;
    std::int64_t ms;
  };
  static constexpr std::int64_t h = 3600000;
  static constexpr row rows[] = {{"1h", h},           {"4h", 4 * h},      {"1d", 24 * h},
                                 {"4d", 96 * h},      {"10d", 240 * h},   {"30d", 720 * h},
                                 {"never", 0}};
  for (const auto& r : rows)
    if (v == r.name)
      return r.ms;
  return -1;
}

bool plausible_email(const std::string& e) {
  auto at = e.find('@');
  return at != std::string::npos && at > 0 && at + 1 < e.size() && e.find(' ') == std::string::npos;
}

}  // namespace

std::string token_info_json(const principal& who) {
  json::object o{{"_userId", who.account_id},
                 {"scope", who.scope.full ? "full" : "custom"},
                 {"email", who.email}};
  return json::serialize(o);
}

void account_book::put_account(const std::string& id, std::string_view text) {
  boost::system::error_code ec;
  auto v = parse_json(text, ec);
  if (ec || !v.is_object())
    return;
  const auto& o = v.get_object();
  account a{id, string_member(o, "name"), string_member(o, "email"), string_member(o, "createdAt"), std::nullopt};
  if (auto it = o.find("rateLimit"); it != o.end() && it->value().is_object()) {
    const auto& rl = it->value().get_object();
    bucket_limits limits;
    if (auto b = rl.find("bucketSize"); b != rl.end() && b->value().is_number())
      limits.capacity = b->value().to_number<double>();
    if (auto f = rl.find("fillRate"); f != rl.end() && f->value().is_number())
      limits.fill_rate = f->value().to_number<double>();
    a.rate_limit = limits;
  }
  accounts_[id] = std::move(a);
}

void account_book::put_token(const std::string& id, std::string_view text) {
  boost::system::error_code ec;
  auto v = parse_json(text, ec);
  if (ec || !v.is_object())
    return;
  const auto& o = v.get_object();
  token t;
  t.id = id;
  t.account_id = string_member(o, "_accountId");
  t.hash = string_member(o, "hash");
  t.created_at = string_member(o, "createdAt");
  t.auto_purge = string_member(o, "autoPurge");
  if (auto it = o.find("expiresAt"); it != o.end() && it->value().is_int64())
    t.expires_at_ms = it->value().get_int64();
  t.scope.full = string_member(o, "scope") != "custom";
  t.scope.connection_ids = id_set(o, "_connectionIds");
  t.scope.export_ids = id_set(o, "_exportIds");
  t.scope.import_ids = id_set(o, "_importIds");
  t.scope.integration_ids = id_set(o, "_integrationIds");
  by_hash_[t.hash] = id;
  tokens_[id] = std::move(t);
}

write_batch account_book::snapshot(document_store& store) {
  write_batch rows;
  for (auto space : {keys::accounts_space, keys::tokens_space})
    store.scan(space, "", [&](std::string_view k, std::string_view v) {
      rows.put(space, std::string(k), std::string(v));
      return true;
    });
  return rows;
}

void account_book::load(document_store& store) {
  accounts_.clear();
  tokens_.clear();
  by_hash_.clear();
  commit(snapshot(store));
}

void account_book::commit(const write_batch& batch) {
  for (const auto& op : batch.ops()) {
    if (op.space == keys::accounts_space) {
      if (op.erase)
        accounts_.erase(op.key);
      else
        put_account(op.key, op.value);
    } else if (op.space == keys::tokens_space) {
      if (auto it = tokens_.find(op.key); it != tokens_.end()) {
        by_hash_.erase(it->second.hash);
        tokens_.erase(it);
      }
      if (!op.erase)
        put_token(op.key, op.value);
    }
  }
}

std::optional<principal> account_book::authenticate(const std::string& tok, std::int64_t now_ms,
                                                    std::string* purged) const {
  auto it = by_hash_.find(token_hash(tok));
  if (it == by_hash_.end())
    return std::nullopt;
  const auto& t = tokens_.at(it->second);
  if (t.expires_at_ms != 0 && now_ms >= t.expires_at_ms) {
    if (purged)
      *purged = t.id;
    return std::nullopt;
  }
  auto acc = accounts_.find(t.account_id);
  if (acc == accounts_.end())
    return std::nullopt;
  return principal{t.account_id, t.id, acc->second.email, t.scope};
}

api_error account_book::create_account(const json::value& body, std::int64_t now_ms,
                                       write_batch& batch, std::string& out_body,
                                       std::string& out_id) {
  const auto* o = body.if_object();
  if (!o)
    return invalid("", "an account must be a JSON object");
  for (const char* f : {"name", "email"}) {
    auto it = o->find(f);
    if (it == o->end() || !it->value().is_string() || it->value().get_string().empty())
      return make_api_error(error_code::missing_required_field,
                            std::string("Missing required field: ") + f, f);
  }
  auto email = string_member(*o, "email");
  if (!plausible_email(email))
    return invalid("email", "email must be an email address");
  for (const auto& [id, a] : accounts_)
    if (keys::fold_case(a.email) == keys::fold_case(email))
      return make_api_error(error_code::duplicate_email,
                            "An account with that email exists", "email");
  auto id = ids_.next(static_cast<std::uint32_t>(now_ms / 1000));
  json::object acc{{"name", string_member(*o, "name")}, {"email", email}, {"createdAt", format_iso_ms(now_ms)}};
  batch.put(keys::accounts_space, id, json::serialize(acc));
  std::string token_body;
  accounts_[id] = account{id, string_member(*o, "name"), email, format_iso_ms(now_ms), std::nullopt};
  auto err = create_token(id, json::object{{"scope", "full"}}, now_ms, batch, token_body);
  accounts_.erase(id);  // memory follows disk: commit() adds it back
  if (err)
    return err;
  auto tok = json::parse(token_body).get_object();
  json::object out{{"_id", id}, {"name", string_member(*o, "name")}, {"email", email},
                   {"token", tok["token"]}, {"_tokenId", tok["_id"]}};
  out_body = json::serialize(out);
  out_id = id;
  return {};
}

json::object account_book::token_view(const token& t) {
  json::object o{{"_id", t.id},
                 {"_accountId", t.account_id},
                 {"scope", t.scope.full ? "full" : "custom"},
                 {"autoPurge", t.auto_purge},
                 {"createdAt", t.created_at}};
  if (!t.scope.full) {
    o["_connectionIds"] = id_array(t.scope.connection_ids);
    o["_exportIds"] = id_array(t.scope.export_ids);
    o["_importIds"] = id_array(t.scope.import_ids);
    o["_integrationIds"] = id_array(t.scope.integration_ids);
  }
  if (t.expires_at_ms)
    o["expiresAt"] = format_iso_ms(t.expires_at_ms);
  return o;
}

api_error account_book::create_token(const std::string& account_id, const json::value& body,
                                     std::int64_t now_ms, write_batch& batch,
                                     std::string& out_body) {
  if (!accounts_.count(account_id))
    return make_api_error(error_code::not_found, "No account with that id");
  const auto* o = body.if_object();
  if (!o)
    return invalid("", "a token must be a JSON object");
  auto scope = string_member(*o, "scope");
  if (scope.empty())
    scope = "full";
  if (scope != "full" && scope != "custom")
    return invalid("scope", "scope must be one of: full, custom");
  auto purge = o->contains("autoPurge") ? string_member(*o, "autoPurge") : "never";
  auto purge_ms = purge_after_ms(purge);
  if (purge_ms < 0)
    return invalid("autoPurge", "autoPurge must be one of: 1h, 4h, 1d, 4d, 10d, 30d, never");
  json::object stored{{"_accountId", account_id}, {"scope", scope}, {"autoPurge", purge},
                      {"createdAt", format_iso_ms(now_ms)}};
  for (const char* f : {"_connectionIds", "_exportIds", "_importIds", "_integrationIds"}) {
    auto it = o->find(f);
    if (it == o->end())
      continue;
    if (!it->value().is_array())
      return invalid(f, std::string(f) + " must be an array of ids");
    for (const auto& v : it->value().get_array())
      if (!v.is_string() || !is_object_id(v.get_string()))
        return invalid(f, std::string(f) + " must be an array of ids");
    if (scope == "custom")
      stored[f] = it->value();
  }
  if (purge_ms > 0)
    stored["expiresAt"] = now_ms + purge_ms;
  auto plain = random_hex(16);
  stored["hash"] = token_hash(plain);
  auto id = ids_.next(static_cast<std::uint32_t>(now_ms / 1000));
  batch.put(keys::tokens_space, id, json::serialize(stored));
  token t;
  t.id = id;
  t.account_id = account_id;
  t.created_at = format_iso_ms(now_ms);
  t.auto_purge = purge;
  t.expires_at_ms = purge_ms > 0 ? now_ms + purge_ms : 0;
  t.scope.full = scope == "full";
  t.scope.connection_ids = id_set(stored, "_connectionIds");
  t.scope.export_ids = id_set(stored, "_exportIds");
  t.scope.import_ids = id_set(stored, "_importIds");
  t.scope.integration_ids = id_set(stored, "_integrationIds");
  auto view = token_view(t);
  view["token"] = plain;
  out_body = json::serialize(view);
  return {};
}

api_error account_book::revoke_token(const std::string& token_id, write_batch& batch) {
  if (!tokens_.count(token_id))
    return make_api_error(error_code::not_found, "No token with that id");
  batch.erase(keys::tokens_space, token_id);
  return {};
}

api_error account_book::set_rate_limit(const std::string& account_id, const json::value& body,
                                       write_batch& batch, bucket_limits& out) {
  auto it = accounts_.find(account_id);
  if (it == accounts_.end())
    return make_api_error(error_code::not_found, "No account with that id");
  const auto* o = body.if_object();
  if (!o)
    return invalid("", "a rate limit must be a JSON object");
  double values[2];
  const char* names[2] = {"bucketSize", "fillRate"};
  for (int i = 0; i < 2; ++i) {
    auto f = o->find(names[i]);
    if (f == o->end() || !f->value().is_number() || f->value().to_number<double>() <= 0
        || f->value().to_number<double>() > 1e9)
      return invalid(names[i], std::string(names[i]) + " must be a positive number");
    values[i] = f->value().to_number<double>();
  }
  out = bucket_limits{values[0], values[1]};
  json::object acc{{"name", it->second.name},
                   {"email", it->second.email},
                   {"createdAt", it->second.created_at},
                   {"rateLimit", json::object{{"bucketSize", values[0]}, {"fillRate", values[1]}}}};
  batch.put(keys::accounts_space, account_id, json::serialize(acc));
  return {};
}

std::string account_book::accounts_json() const {
  json::array out;
  for (const auto& [id, a] : accounts_) {
    json::object o{{"_id", id}, {"name", a.name}, {"email", a.email}, {"createdAt", a.created_at}};
    if (a.rate_limit)
      o["rateLimit"] = json::object{{"bucketSize", a.rate_limit->capacity},
                                    {"fillRate", a.rate_limit->fill_rate}};
    out.push_back(std::move(o));
  }
  return json::serialize(out);
}

api_error account_book::tokens_json(const std::string& account_id, std::string& out) const {
  if (!accounts_.count(account_id))
    return make_api_error(error_code::not_found, "No account with that id");
  json::array arr;
  for (const auto& [id, t] : tokens_)
    if (t.account_id == account_id)
      arr.push_back(token_view(t));
  out = json::serialize(arr);
  return {};
}

const account_book::account* account_book::find_account(const std::string& id) const {
  auto it = accounts_.find(id);
  return it == accounts_.end() ? nullptr : &it->second;
}

}  // namespace integrator
