#include "actors/registry.hpp"

#include <caf/all.hpp>

#include <unordered_map>

#include "actors/cluster_view.hpp"
#include "actors/local_names.hpp"
#include "actors/rate_bucket.hpp"
#include "core/engine/ownership.hpp"
#include "core/api/one_time_tokens.hpp"
#include "core/api/operator_api.hpp"
#include "core/engine/membership.hpp"
#include "core/resources/key_codec.hpp"

namespace integrator {

namespace {

// -- the account store: the registry's blocking half --------------------------

account_store_actor::behavior_type account_store_impl(account_store_actor::pointer self, spawn_tag) {
  auto services = services_of(self->system());
  auto store = services->store;
  return {
    [=](load_atom) { return account_book::snapshot(*store); },
    [=](nodes_atom) -> std::string {
      try {
        return nodes_json(read_nodes(*store), services->node_id, wall_clock_ms(), services->node_timeout_ms,
                          services->cluster ? services->cluster->hosted_stages() : 0);
      } catch (const std::exception&) {
        return "";
      }
    },
    [=](lease_atom) -> std::string {
      try {
        return leases_json(*store, wall_clock_ms(), services->node_timeout_ms);
      } catch (const std::exception&) {
        return "";
      }
    },
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
  std::size_t shards = 1;  ///< the node's account shards
  account_store_actor store;
  std::optional<account_book> book;
  /// Other nodes' writes of accounts and tokens (a shared store only).
  std::unique_ptr<change_feed::subscription> changes;
  bool reloading = false;       ///< a read of the book is out
  bool reload_again = false;    ///< a change came in while it was
  std::vector<std::function<void()>> after_next_read;  ///< calls waiting for a fresh book
  std::int64_t reloaded_ms = 0;  ///< when the book was last read
  /// This node's own writes to the book so far: a read that was out while
  /// one went in may predate it, and must not replace the book.
  std::uint64_t writes = 0;
  std::unordered_map<std::string, rate_bucket_actor> buckets;
  static inline const char* name = "registry";
};

using registry_ptr = registry_actor::stateful_pointer<registry_state>;

constexpr auto store_timeout = std::chrono::seconds(60);
// A home node slower than this to give a token: the call takes it here.
constexpr auto home_bucket_timeout = std::chrono::seconds(2);

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

// Reads the book again (another node changed accounts or tokens), then
// runs `then`. A call made while a read is out waits for the next read,
// which starts once this one is in: it may have begun before the change.
void reload_book(registry_ptr self, std::function<void()> then = {}) {
  auto& st = self->state;
  if (then)
    st.after_next_read.push_back(std::move(then));
  if (st.reloading) {
    st.reload_again = true;
    return;
  }
  st.reloading = true;
  auto waiting = std::make_shared<std::vector<std::function<void()>>>(std::move(st.after_next_read));
  st.after_next_read.clear();
  auto writes_before = st.writes;
  auto done = [=](std::optional<write_batch> rows) {
    auto& st = self->state;
    if (rows && st.writes != writes_before) {
      // A write of ours went in while this read was out (a revoked token
      // would come back from it): read again, the waiting calls with it.
      st.reloading = false;
      st.after_next_read.insert(st.after_next_read.begin(), waiting->begin(), waiting->end());
      reload_book(self);
      return;
    }
    if (rows) {
      st.book.emplace(make_id_generator());
      st.book->commit(*rows);
      st.reloaded_ms = wall_clock_ms();
    }
    st.reloading = false;
    for (auto& f : *waiting)
      f();
    if (std::exchange(st.reload_again, false) || !st.after_next_read.empty())
      reload_book(self);
  };
  self->request(st.store, store_timeout, load_atom::value)
    .then([=](write_batch& rows) { done(std::move(rows)); }, [=](caf::error&) { done(std::nullopt); });
}

rate_bucket_actor& bucket_of(registry_ptr self, const std::string& account_id);

// In a cluster, an account's one bucket is on its home node (rendezvous
// over the live nodes): a call here takes its token there, then runs here.
// A home that does not answer in time leaves the call to this node's own
// bucket, so calls go on while a node dies (the limit is then per node
// until the membership moves the home).
void take_at_home(registry_ptr self, const node_door_actor& home, principal who, api_call call,
                  account_shard_actor shard, caf::typed_response_promise<api_reply>& rp) {
  auto account = who.account_id;
  self->request(home, home_bucket_timeout, take_atom::value, account)
    .then(
      [=](std::int64_t wait) mutable {
        if (wait > 0)
          rp.deliver(rate_limited_reply(wait));
        else if (call.op == api_op::token_info)
          rp.deliver(api_reply::json(api_status::ok, token_info_json(who)));
        else
          rp.delegate(shard, exec_atom::value, std::move(who), std::move(call));
      },
      [=](caf::error&) mutable {
        rp.delegate(bucket_of(self, account), take_atom::value, std::move(who), std::move(call), std::move(shard));
      });
}

// Answers a call whose caller is `who` (nullopt: not authenticated): 401,
// 403 for what a one-time token may not do, else on to the account's
// bucket.
void admit(registry_ptr self, std::optional<principal> who, api_call call,
           caf::typed_response_promise<api_reply>& rp) {
  if (!who) {
    rp.deliver(api_reply::fail(make_api_error(error_code::unauthorized, "Missing, invalid or revoked API token", "")));
    return;
  }
  if (!one_time_tokens::may(*who, call.op)) {
    rp.deliver(api_reply::fail(make_api_error(error_code::forbidden,
                                              "A one-time token of user code may only invoke the account's "
                                              "exports and imports, run its flows and send requests "
                                              "through its connections", "")));
    return;
  }
  auto shard = shard_for(self->system(), who->account_id, self->state.shards);
  if (const auto& cluster = self->state.services->cluster)
    if (auto home = cluster->door_for(bucket_lease_name(who->account_id))) {
      take_at_home(self, home, std::move(*who), std::move(call), std::move(shard), rp);
      return;
    }
  auto& bucket = bucket_of(self, who->account_id);
  rp.delegate(bucket, take_atom::value, std::move(*who), std::move(call), std::move(shard));
}

// Makes an operator call's plan durable, then applies it to memory and
// answers; a plan that writes nothing is answered at once. The write is
// awaited, so operator calls apply in order.
void carry_out(registry_ptr self, operator_plan plan, const api_call& call, caf::typed_response_promise<api_reply> rp) {
  if (plan.batch.empty()) {
    rp.deliver(std::move(plan.reply));
    return;
  }
  auto shared = std::make_shared<operator_plan>(std::move(plan));
  auto account = call.id;
  self->request(self->state.store, store_timeout, write_atom::value, shared->batch)
    .await(
      [=](api_reply& written) mutable {
        if (written.status == api_status::failed) {
          rp.deliver(std::move(written));
          return;
        }
        self->state.book->commit(shared->batch);
        ++self->state.writes;
        if (shared->limits)
          if (auto it = self->state.buckets.find(account); it != self->state.buckets.end())
            self->send(it->second, limit_atom::value, shared->limits->capacity, shared->limits->fill_rate);
        rp.deliver(std::move(shared->reply));
      },
      [=](caf::error& e) mutable {
        rp.deliver(api_reply::fail(make_api_error(error_code::unavailable, "account store: " + caf::to_string(e))));
      });
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

registry_actor::behavior_type registry_impl(registry_ptr self, std::size_t shards) {
  auto& st = self->state;
  const auto& services = st.services = services_of(self->system());
  st.shards = shards;
  st.book.emplace(make_id_generator());
  // The store actor shares the registry's fate: a crash of either restarts both.
  st.store = self->spawn<caf::detached + caf::linked>(account_store_impl, spawn_tag{});
  // Nothing is answered before the accounts are in memory (await).
  self->request(st.store, store_timeout, load_atom::value)
    .await([=](write_batch& rows) { self->state.book->commit(rows); },
           [=](caf::error& e) { self->quit(e); });
  if (services->changes) {
    caf::weak_actor_ptr weak = caf::actor_cast<caf::weak_actor_ptr>(self->ctrl());
    st.changes = services->changes->subscribe([weak](std::string_view space) {
      if (!space.empty() && space != keys::accounts_space && space != keys::tokens_space)
        return;
      if (auto strong = weak.lock())
        caf::anon_send(caf::actor_cast<registry_actor>(strong), reload_atom::value);
    });
  }
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
          ++st.writes;
          self->request(st.store, store_timeout, write_atom::value, b).then([](api_reply&) {});
        }
      }
      if (!who)
        who = one_time_caller(*st.services->one_time, *st.book, token);
      if (!who && st.services->changes && wall_clock_ms() - st.reloaded_ms > 100) {
        // Maybe made on another node a moment ago, its notice still on the
        // way: read the book again (at most every 100 ms) before saying no.
        auto rp = self->make_response_promise<api_reply>();
        reload_book(self, [=]() mutable {
          auto who = self->state.book->authenticate(token, wall_clock_ms());
          admit(self, std::move(who), std::move(call), rp);
        });
        return rp;
      }
      auto rp = self->make_response_promise<api_reply>();
      admit(self, std::move(who), std::move(call), rp);
      return rp;
    },
    [=](reload_atom) { reload_book(self); },
    [=](take_atom, const std::string& account) -> caf::result<std::int64_t> {
      return self->delegate(bucket_of(self, account), take_atom::value);
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
      bool nodes = call.op == api_op::admin_cluster_nodes, leases = call.op == api_op::admin_cluster_leases;
      if ((nodes || leases) && !st.services->node_id.empty()) {
        auto rp = self->make_response_promise<api_reply>();
        auto asked = nodes ? self->request(st.store, store_timeout, nodes_atom::value)
                           : self->request(st.store, store_timeout, lease_atom::value);
        std::move(asked).then(
            [=](std::string& body) mutable {
              if (body.empty()) {
                auto reply = api_reply::fail(make_api_error(error_code::storage_failed));
                reply.retry_after = 5;
                rp.deliver(std::move(reply));
              } else {
                rp.deliver(api_reply::json(api_status::ok, std::move(body)));
              }
            },
            [=](caf::error& e) mutable {
              rp.deliver(api_reply::fail(make_api_error(error_code::unavailable, "account store: " + caf::to_string(e))));
            });
        return rp;
      }
      auto rp = self->make_response_promise<api_reply>();
      auto plan = plan_operator_call(*st.book, st.services->default_limits, call, wall_clock_ms());
      if (st.services->changes && plan.reply.status == api_status::failed
          && plan.reply.error.kind() == errc::not_found) {
        // The account or token may be another node's, its notice still on
        // the way: read the book again, then decide.
        reload_book(self, [=]() mutable {
          carry_out(self, plan_operator_call(*self->state.book, self->state.services->default_limits, call,
                                             wall_clock_ms()),
                    call, rp);
        });
        return rp;
      }
      carry_out(self, std::move(plan), call, rp);
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

registry_actor spawn_registry(caf::actor_system& sys, std::size_t shards) {
  return sys.spawn(registry_impl, shards);
}

}  // namespace integrator
