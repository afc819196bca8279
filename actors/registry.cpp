#include "actors/registry.hpp"

#include <caf/all.hpp>

#include <boost/json.hpp>

#include <unordered_map>

#include "actors/rate_bucket.hpp"
#include "core/key_codec.hpp"

namespace integrator {

namespace {

struct registry_state {
  std::shared_ptr<const node_services> services;
  std::optional<account_book> book;
  std::unordered_map<std::string, rate_bucket_actor> buckets;
  static inline const char* name = "registry";
};

api_reply failure(api_error e) {
  return api_reply::fail(std::move(e));
}

// Runs one operator call against the book; durable before it answers.
api_reply run_admin(registry_state& st, const api_call& call) {
  auto& book = *st.book;
  auto& store = *st.services->store;
  boost::system::error_code ec;
  boost::json::value body;
  if (call.op == api_op::admin_account_create || call.op == api_op::admin_token_create
      || call.op == api_op::admin_rate_limit_put) {
    body = boost::json::parse(call.body.empty() ? "{}" : call.body, ec);
    if (ec)
      return failure(make_api_error(errc::invalid_json, "invalid_json",
                                    "Malformed JSON in request body: " + ec.message(), ""));
  }
  write_batch batch;
  std::string out;
  auto now = wall_clock_ms();
  switch (call.op) {
    case api_op::admin_account_list:
      return api_reply::json(api_status::ok, book.accounts_json());
    case api_op::admin_account_create: {
      std::string id;
      if (auto e = book.create_account(body, now, batch, out, id))
        return failure(e);
      break;
    }
    case api_op::admin_token_list:
      if (auto e = book.tokens_json(call.id, out))
        return failure(e);
      return api_reply::json(api_status::ok, out);
    case api_op::admin_token_create:
      if (auto e = book.create_token(call.id, body, now, batch, out))
        return failure(e);
      break;
    case api_op::admin_token_revoke:
      if (auto e = book.revoke_token(call.id, batch))
        return failure(e);
      break;
    case api_op::admin_rate_limit_get: {
      const auto* acc = book.find_account(call.id);
      if (!acc)
        return failure(make_api_error(errc::not_found, "No account with that id"));
      auto limits = acc->rate_limit.value_or(st.services->default_limits);
      boost::json::object o{{"bucketSize", limits.capacity}, {"fillRate", limits.fill_rate},
                            {"default", !acc->rate_limit.has_value()}};
      return api_reply::json(api_status::ok, boost::json::serialize(o));
    }
    case api_op::admin_rate_limit_put: {
      bucket_limits limits;
      if (auto e = book.set_rate_limit(call.id, body, batch, limits))
        return failure(e);
      store.write(batch);
      book.commit(store, batch);
      if (auto it = st.buckets.find(call.id); it != st.buckets.end())
        caf::anon_send(it->second, limit_atom::value, limits.capacity, limits.fill_rate);
      boost::json::object o{{"bucketSize", limits.capacity}, {"fillRate", limits.fill_rate}};
      return api_reply::json(api_status::ok, boost::json::serialize(o));
    }
    default:
      return failure(make_api_error(errc::not_found, "No such endpoint"));
  }
  store.write(batch);
  book.commit(store, batch);
  if (call.op == api_op::admin_token_revoke)
    return api_reply::json(api_status::no_content, "");
  return api_reply::json(api_status::created, out);
}

registry_actor::behavior_type registry_impl(registry_actor::stateful_pointer<registry_state> self,
                                            std::shared_ptr<const node_services> services) {
  auto& st = self->state;
  st.services = services;
  st.book.emplace(make_id_generator());
  st.book->load(*services->store);
  return {
    [=](auth_atom, const std::string& token) -> caf::result<auth_result> {
      auto& st = self->state;
      std::string purged;
      auto who = st.book->authenticate(token, wall_clock_ms(), &purged);
      if (!purged.empty()) {
        // Auto-purged tokens are deleted on first use after expiry.
        write_batch b;
        if (!st.book->revoke_token(purged, b)) {
          st.services->store->write(b);
          st.book->commit(*st.services->store, b);
        }
      }
      if (!who)
        return auth_result{};
      auto it = st.buckets.find(who->account_id);
      if (it == st.buckets.end()) {
        const auto* acc = st.book->find_account(who->account_id);
        auto limits = acc && acc->rate_limit ? *acc->rate_limit : st.services->default_limits;
        it = st.buckets.emplace(who->account_id, spawn_rate_bucket(self, limits)).first;
      }
      return self->delegate(it->second, take_atom::value, std::move(*who));
    },
    [=](admin_atom, const std::string& operator_token, const api_call& call) -> api_reply {
      auto& st = self->state;
      if (operator_token.empty() || token_hash(operator_token) != st.services->operator_token_hash)
        return failure(make_api_error(errc::unauthorized, "unauthorized",
                                      "Missing or invalid operator token", ""));
      try {
        return run_admin(st, call);
      } catch (const std::exception& e) {
        return failure(make_api_error(errc::internal, std::string("store failure: ") + e.what()));
      }
    },
    [=](crash_atom) -> bool {
      if (!self->state.services->test_hooks)
        return false;
      throw std::runtime_error("registry crashed on request (test hook)");
    },
  };
}

}  // namespace

registry_actor spawn_registry(caf::actor_system& sys, std::shared_ptr<const node_services> services) {
  return sys.spawn<caf::detached>(registry_impl, std::move(services));
}

}  // namespace integrator
