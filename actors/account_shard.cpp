#include "actors/account_shard.hpp"

#include "actors/local_names.hpp"

#include <caf/all.hpp>

#include <chrono>
#include <iostream>
#include <thread>

#include "core/api/named_resource.hpp"
#include "core/api/request_body.hpp"
#include "core/api/operations.hpp"
#include "core/resources/call_memo.hpp"

namespace integrator {

namespace {

api_reply internal_error(const std::exception& e) {
  // A storage failure's text names files under the data folder: the log
  // gets it, the client the API's error shape and when to retry.
  if (const auto* failed = dynamic_cast<const store_failure*>(&e)) {
    std::cerr << "integratord: storage: " << failed->what() << std::endl;
    auto reply = api_reply::fail(make_api_error(
      failed->why == store_failure::cause::disk_full ? error_code::storage_full : error_code::storage_failed));
    reply.retry_after = 5;
    return reply;
  }
  return api_reply::fail(make_api_error(error_code::internal_error, std::string("internal error: ") + e.what()));
}

// One account context over a store view, with its own id generator.
struct context_holder {
  resource_store resources;
  object_id_generator ids;
  account_context ctx;

  context_holder(document_store& store, const node_services& services)
    : resources(store, *services.box), ids(make_id_generator()),
      ctx{resources, services.validation, ids} {
    // nop
  }
  // `ctx` points into this object: it stays where it was made.
  context_holder(const context_holder&) = delete;
  context_holder& operator=(const context_holder&) = delete;
};

// -- the worker: detached, runs everything against the real store ------------

struct worker_state {
  std::unique_ptr<call_memo> memo;  ///< what the current call has read
  std::optional<context_holder> context;
  std::shared_ptr<const node_services> services;
  static inline const char* name = "account_shard_worker";
};

using worker_ptr = account_shard_actor::stateful_pointer<worker_state>;

// Asks the engine `request` and answers with what `answer` makes of its
// reply (`Reply`), in the shard, where the store has a say.
template <class Reply, class Request, class Answer>
caf::result<api_reply> ask_then(worker_ptr self, const engine_actor& engine, const Request& request, Answer answer) {
  auto rp = self->make_response_promise<api_reply>();
  self->request(engine, caf::infinite, request).then([=](Reply& reply) mutable {
    try {
      self->state.memo->forget();  // other calls ran meanwhile, and the engine wrote
      rp.deliver(answer(std::move(reply)));
    } catch (const std::exception& e) {
      rp.deliver(internal_error(e));
    }
  });
  return rp;
}

// Sends a prepared engine operation and answers with the engine's reply
// (through answer_export, answer_ping or answer_connector_call where the
// store has a say).
caf::result<api_reply> ask_engine(worker_ptr self, const engine_actor& engine, const principal& who,
                                  engine_request& request) {
  auto services = self->state.services;
  return std::visit(
    [&](auto& r) -> caf::result<api_reply> {
      using request_type = std::decay_t<decltype(r)>;
      if constexpr (std::is_same_v<request_type, std::monostate>) {
        return api_reply::fail(make_api_error(error_code::internal_error, "nothing to ask the engine"));
      } else if constexpr (std::is_same_v<request_type, export_call>) {
        return ask_then<export_page>(self, engine, r.request, [services, call = r](export_page page) {
          return answer_export(*services->box, call, std::move(page), wall_clock_ms());
        });
      } else if constexpr (std::is_same_v<request_type, connector_call>) {
        return ask_then<api_reply>(self, engine, r.request, [self, who, call = r](api_reply reply) {
          return answer_connector_call(self->state.context->resources, who, call, std::move(reply), wall_clock_ms());
        });
      } else if constexpr (std::is_same_v<request_type, ping_call>) {
        return ask_then<api_reply>(self, engine, r.request, [self, who, call = r](api_reply reply) {
          return answer_ping(self->state.context->resources, who, call, std::move(reply), wall_clock_ms());
        });
      } else {
        return self->delegate(engine, std::move(r));
      }
    },
    request);
}

caf::result<api_reply> run_call(worker_ptr self, const principal& who, const api_call& call) {
  auto& st = self->state;
  const auto& op = operation_of(call.op);
  auto now = wall_clock_ms();
  if (call.start_by_ms > 0 && now > call.start_by_ms) {
    // The caller has been (or is about to be) told we did not answer in
    // time: doing it now would do what the caller believes failed.
    auto reply = api_reply::fail(make_api_error(
        error_code::unavailable, "The service was too busy to start this call; nothing was done"));
    reply.retry_after = 1;
    return reply;
  }
  if (auto missing = check_named_resource(st.context->ctx, who, call))
    return api_reply::fail(std::move(missing));
  if (auto unreadable = check_body_type(call))
    return api_reply::fail(std::move(unreadable));
  if (op.runner() != op_runner::engine)
    return run_store_operation(st.context->ctx, who, call, now);
  auto engine = current_engine(self->system());
  if (!engine)
    return api_reply::fail(make_api_error(error_code::unavailable, "The engine is restarting"));
  auto step = op.on_engine(st.context->ctx, who, call, now);
  for (const auto& run : step.runs)
    self->send(engine, run_atom::value, run);
  if (std::holds_alternative<std::monostate>(step.request))
    return std::move(step.reply);
  return ask_engine(self, engine, who, step.request);
}

account_shard_actor::behavior_type worker_impl(worker_ptr self, spawn_tag) {
  const auto& services = services_of(self->system());
  self->state.memo = std::make_unique<call_memo>(*services->store);
  self->state.context.emplace(*self->state.memo, *services);
  self->state.services = services;
  return {
    [=](exec_atom, const principal& who, const api_call& call) -> caf::result<api_reply> {
      // Exceptions stop here: the reply is an error, the actor lives on.
      try {
        self->state.memo->forget();
        return run_call(self, who, call);
      } catch (const std::exception& e) {
        return internal_error(e);
      }
    },
    [=](crash_atom) { return false; },
    [=](stall_atom, std::int64_t ms) {
      if (self->state.services->test_hooks)
        std::this_thread::sleep_for(std::chrono::milliseconds(ms));  // detached: blocks only itself
    },
  };
}

// -- the shard: reads from memory on the scheduler, the rest to the worker ----

struct shard_state {
  std::shared_ptr<const node_services> services;
  std::optional<context_holder> fast;  ///< over the memory-only view
  account_shard_actor worker;
  /// Without a memory view (PostgreSQL), reads run on these, side by side:
  /// a read needs no order with the account's writes (a write is committed
  /// before it is answered, so any read that follows the answer sees it).
  std::vector<account_shard_actor> readers;
  std::size_t next_reader = 0;
  static inline const char* name = "account_shard";
};

account_shard_actor::behavior_type
shard_impl(account_shard_actor::stateful_pointer<shard_state> self, spawn_tag) {
  const auto& services = services_of(self->system());
  auto& st = self->state;
  st.services = services;
  if (services->memory_view)
    st.fast.emplace(*services->memory_view, *services);
  // One worker per shard keeps each account's writes in arrival order; it
  // shares the shard's fate.
  st.worker = self->spawn<caf::detached + caf::linked>(worker_impl, spawn_tag{});
  if (!services->memory_view)
    for (int i = 0; i < services->store_readers; ++i)
      st.readers.push_back(self->spawn<caf::detached + caf::linked>(worker_impl, spawn_tag{}));
  return {
    [=](exec_atom, principal& who, api_call& call) -> caf::result<api_reply> {
      auto& st = self->state;
      const auto& op = operation_of(call.op);
      if (st.fast && op.reads_only) {
        try {
          return run_store_operation(st.fast->ctx, who, call, wall_clock_ms());
        } catch (const store_would_block&) {
          // Not in memory: the worker reads from disk.
        } catch (const std::exception& e) {
          return internal_error(e);
        }
      }
      if (op.reads_only && !st.readers.empty())
        return self->delegate(st.readers[st.next_reader++ % st.readers.size()], exec_atom::value, std::move(who),
                              std::move(call));
      return self->delegate(st.worker, exec_atom::value, std::move(who), std::move(call));
    },
    [=](crash_atom) -> bool {
      if (!self->state.services->test_hooks)
        return false;
      throw std::runtime_error("account shard crashed on request (test hook)");
    },
    [=](stall_atom, std::int64_t ms) { self->send(self->state.worker, stall_atom::value, ms); },
  };
}

}  // namespace

account_shard_actor spawn_account_shard(caf::actor_system& sys) {
  return sys.spawn(shard_impl, spawn_tag{});
}

std::size_t shard_index(const std::string& account_id, std::size_t shard_count) {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : account_id)
    h = (h ^ c) * 1099511628211ULL;
  return shard_count ? static_cast<std::size_t>(h % shard_count) : 0;
}

}  // namespace integrator
