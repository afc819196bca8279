#include "actors/registry.hpp"

#include <caf/all.hpp>

#include <unordered_map>

#include "actors/rate_bucket.hpp"
#include "core/api/one_time_tokens.hpp"
#include "core/api/operator_api.hpp"

namespace integrator {

namespace {

// -- the account store: the registry's blocking half --------------------------

account_store_actor::behavior_type account_store_impl(account_store_actor::pointer self,
                                                      std::shared_ptr<document_store> store) {
  return {
    [=](load_atom) { return account_book::snapshot(*store); },
    [=](write_atom, const write_batch& batch) -> api_reply {
      try {
        store->write(batch);
        return api_reply::json(api_status::ok, "");
      } catch (const std::exception& e) {
        return api_reply::fail(make_api_error(error_code::internal_error, std::string("store failure: ") + e.what()));
      }
    },
  };
}

// -- the registry ------------------------------------------------------------

struct registry_state {
  std::shared_ptr<const node_services> services;
  std::shared_ptr<const actor_directory> directory;
  account_store_actor store;
  std::optional<account_book> book;
  std::unordered_map<std::string, rate_bucket_actor> buckets;
  static inline const char* name = "registry";
};

using registry_ptr = registry_actor::stateful_pointer<registry_state>;

constexpr auto store_timeout = std::chrono::seconds(60);

// The caller of a one-time token, as of its account now: a token minted by
// a stage carries no email, and one whose account is gone authenticates
// nothing.
std::optional<principal> one_time_caller(const one_time_tokens& tokens, const account_book& book,
                                         std::string_view token) {
  auto who = tokens.authenticate(token, wall_clock_ms());
  if (!who)
    return who;
  const auto* acc = book.find_account(who->account_id);
  if (!acc)
    return std::nullopt;
  if (who->email.empty())
    who->email = acc->email;
  return who;
}

rate_bucket_actor& bucket_of(registry_ptr self, const std::string& account_id) {
  auto& st = self->state;
  auto it = st.buckets.find(account_id);
  if (it == st.buckets.end()) {
    const auto* acc = st.book->find_account(account_id);
    auto limits = acc && acc->rate_limit ? *acc->rate_limit : st.services->default_limits;
    it = st.buckets.emplace(account_id, spawn_rate_bucket(self, limits)).first;
  }
  return it->second;
}

registry_actor::behavior_type registry_impl(registry_ptr self,
                                            std::shared_ptr<const node_services> services,
                                            std::shared_ptr<const actor_directory> directory) {
  auto& st = self->state;
  st.services = services;
  st.directory = std::move(directory);
  st.book.emplace(make_id_generator());
  // The store actor shares the registry's fate: a crash of either restarts both.
  st.store = self->spawn<caf::detached + caf::linked>(account_store_impl, services->store);
  // Nothing is answered before the accounts are in memory (await).
  self->request(st.store, store_timeout, load_atom::value)
    .await([=](write_batch& rows) { self->state.book->commit(rows); },
           [=](caf::error& e) { self->quit(e); });
  return {
    [=](auth_atom, const std::string& token, api_call& call) -> caf::result<api_reply> {
      auto& st = self->state;
      std::string purged;
      auto who = st.book->authenticate(token, wall_clock_ms(), &purged);
      if (!purged.empty()) {
        // Auto-purged tokens are deleted on their first use after expiry;
        // memory may go first here: the token is dead either way.
        write_batch b;
        if (!st.book->revoke_token(purged, b)) {
          st.book->commit(b);
          self->request(st.store, store_timeout, write_atom::value, b).then([](api_reply&) {});
        }
      }
      if (!who)
        who = one_time_caller(*st.services->one_time, *st.book, token);
      if (!who)
        return api_reply::fail(make_api_error(error_code::unauthorized,
                                              "Missing, invalid or revoked API token", ""));
      if (!one_time_tokens::may(*who, call.op))
        return api_reply::fail(make_api_error(error_code::forbidden,
                                              "A one-time token of user code may only invoke the account's "
                                              "exports and imports, run its flows and send requests "
                                              "through its connections", ""));
      auto shard = st.directory->shard_for(who->account_id);
      auto& bucket = bucket_of(self, who->account_id);
      return self->delegate(bucket, take_atom::value, std::move(*who), std::move(call),
                            std::move(shard));
    },
    [=](mint_atom, const std::string& account_id, const std::string& connector_id) {
      auto& st = self->state;
      const auto* acc = st.book->find_account(account_id);
      if (!acc)
        return std::string();  // no account, no token
      return st.services->one_time->mint(account_id, acc->email, connector_id, wall_clock_ms());
    },
    [=](revoke_atom, const std::string& token) {
      self->state.services->one_time->revoke(token);
      return true;
    },
    [=](admin_atom, const std::string& operator_token,
        const api_call& call) -> caf::result<api_reply> {
      auto& st = self->state;
      if (operator_token.empty() || token_hash(operator_token) != st.services->operator_token_hash)
        return api_reply::fail(make_api_error(error_code::unauthorized,
                                              "Missing or invalid operator token", ""));
      auto plan = plan_operator_call(*st.book, st.services->default_limits, call, wall_clock_ms());
      if (plan.batch.empty())
        return std::move(plan.reply);
      // Durable first, then memory; await keeps operator calls in order.
      auto rp = self->make_response_promise<api_reply>();
      auto shared = std::make_shared<operator_plan>(std::move(plan));
      self->request(st.store, store_timeout, write_atom::value, shared->batch)
        .await(
          [=](api_reply& written) mutable {
            if (written.status == api_status::failed) {
              rp.deliver(std::move(written));
              return;
            }
            self->state.book->commit(shared->batch);
            if (shared->limits)
              if (auto it = self->state.buckets.find(call.id); it != self->state.buckets.end())
                self->send(it->second, limit_atom::value, shared->limits->capacity,
                           shared->limits->fill_rate);
            rp.deliver(std::move(shared->reply));
          },
          [=](caf::error& e) mutable {
            rp.deliver(api_reply::fail(
              make_api_error(error_code::unavailable, "account store: " + caf::to_string(e))));
          });
      return rp;
    },
    [=](crash_atom) -> bool {
      if (!self->state.services->test_hooks)
        return false;
      throw std::runtime_error("registry crashed on request (test hook)");
    },
  };
}

}  // namespace

registry_actor spawn_registry(caf::actor_system& sys, std::shared_ptr<const node_services> services,
                              std::shared_ptr<const actor_directory> directory) {
  return sys.spawn(registry_impl, std::move(services), std::move(directory));
}

}  // namespace integrator
