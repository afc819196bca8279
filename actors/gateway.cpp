#include "actors/gateway.hpp"

#include <caf/all.hpp>

#include "actors/local_names.hpp"
#include "actors/node_services.hpp"
#include "core/api/operations.hpp"

namespace integrator {

namespace {

api_reply unavailable(const caf::error& e) {
  return api_reply::fail(make_api_error(error_code::unavailable, "The service did not answer: " + caf::to_string(e)));
}

api_reply no_content() {
  return api_reply::json(api_status::no_content, "");
}

// Every call is asked without a CAF timeout: a finite one costs CAF's clock
// thread a wake-up per request. The ticket's deadline bounds the wait
// instead (ticket_table::expire).
edge_actor::behavior_type edge_impl(edge_actor::pointer self, std::shared_ptr<ticket_table> tickets) {
  auto* sys = &self->system();  // (a pointer: the handlers copy what they capture)
  auto answered = [tickets](std::uint64_t ticket) {
    return [tickets, ticket](api_reply& r) { tickets->complete(ticket, std::move(r)); };
  };
  auto unanswered = [tickets](std::uint64_t ticket) {
    return [tickets, ticket](caf::error& e) { tickets->complete(ticket, unavailable(e)); };
  };
  return {
    [=](edge_atom, std::uint64_t ticket, std::string& token, api_call& call) {
      // registry → bucket → shard: each delegates, the last one answers here.
      self->request(current_registry(*sys), caf::infinite, auth_atom::value, std::move(token),
                    std::move(call))
        .then(answered(ticket), unanswered(ticket));
    },
    [=](admin_atom, std::uint64_t ticket, std::string& token, api_call& call) {
      self->request(current_registry(*sys), caf::infinite, admin_atom::value, std::move(token),
                    std::move(call))
        .then(answered(ticket), unanswered(ticket));
    },
    [=](crash_atom, std::uint64_t ticket, const std::string& target) {
      // A crashed target answers nothing: its death is the expected answer.
      auto crashed = [tickets, ticket](bool done) {
        tickets->complete(ticket, done ? no_content()
                                       : api_reply::fail(make_api_error(error_code::not_found, "No such endpoint")));
      };
      auto died = [tickets, ticket](caf::error&) { tickets->complete(ticket, no_content()); };
      if (target == "registry")
        self->request(current_registry(*sys), caf::infinite, crash_atom::value).then(crashed, died);
      else if (target == "engine" || target == "jobs")
        self->request(current_engine(*sys), caf::infinite, crash_atom::value, target == "jobs")
          .then(crashed, died);
      else
        self->request(current_shard(*sys, 0), caf::infinite, crash_atom::value).then(crashed, died);
    },
    [=](mint_atom, std::uint64_t ticket, const std::string& account) {
      self->request(current_registry(*sys), caf::infinite, mint_atom::value, account, std::string())
        .then(
          [tickets, ticket](std::string& token) {
            if (token.empty()) {
              tickets->complete(ticket, api_reply::fail(make_api_error(error_code::not_found, "No such account")));
              return;
            }
            // The token is hex: nothing in it needs escaping.
            tickets->complete(ticket, api_reply::json(api_status::ok, R"({"token":")" + token + "\"}"));
          },
          unanswered(ticket));
    },
    [=](revoke_atom, std::uint64_t ticket, std::string& token) {
      // Answered once the registry has it: a call after this one must fail.
      self->request(current_registry(*sys), caf::infinite, revoke_atom::value, std::move(token))
        .then([tickets, ticket](bool) { tickets->complete(ticket, no_content()); }, unanswered(ticket));
    },
    [=](stall_atom, std::uint64_t ticket, std::int64_t ms) {
      for (std::size_t i = 0; auto shard = current_shard(*sys, i); ++i)
        self->send(shard, stall_atom::value, ms);
      tickets->complete(ticket, no_content());
    },
  };
}

}  // namespace

std::uint64_t ticket_table::park(completion done, clock::time_point deadline) {
  std::lock_guard<std::mutex> guard(mutex_);
  auto ticket = next_++;
  parked_.emplace(ticket, parked{std::move(done), deadline});
  return ticket;
}

void ticket_table::complete(std::uint64_t ticket, api_reply reply) {
  completion done;
  {
    std::lock_guard<std::mutex> guard(mutex_);
    auto it = parked_.find(ticket);
    if (it == parked_.end())
      return;
    done = std::move(it->second.done);
    parked_.erase(it);
  }
  done(std::move(reply));
}

void ticket_table::expire(clock::time_point now) {
  std::vector<completion> overdue;
  {
    std::lock_guard<std::mutex> guard(mutex_);
    for (auto it = parked_.begin(); it != parked_.end();) {
      if (it->second.deadline < now) {
        overdue.push_back(std::move(it->second.done));
        it = parked_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto& done : overdue)
    done(api_reply::fail(make_api_error(error_code::unavailable, "The service did not answer in time")));
}

void ticket_table::complete_all(const api_reply& reply) {
  std::unordered_map<std::uint64_t, parked> all;
  {
    std::lock_guard<std::mutex> guard(mutex_);
    all.swap(parked_);
  }
  for (auto& [ticket, p] : all)
    p.done(reply);
}

gateway::gateway(caf::actor_system& sys, std::chrono::seconds timeout, std::size_t edges)
  : sys_(sys),
    timeout_(timeout),
    tickets_(std::make_shared<ticket_table>()) {
  for (std::size_t i = 0; i < std::max<std::size_t>(edges, 1); ++i) {
    auto edge = sys_.spawn(edge_impl, tickets_);
    // An edge that stops leaves no call waiting forever.
    auto tickets = tickets_;
    edge->attach_functor([tickets] {
      tickets->complete_all(
        api_reply::fail(make_api_error(error_code::unavailable, "The service is shutting down")));
    });
    edges_.push_back(std::move(edge));
  }
}

gateway::~gateway() {
  for (auto& e : edges_)
    caf::anon_send_exit(e, caf::exit_reason::user_shutdown);
  edges_.clear();
}

edge_actor gateway::next_edge() {
  return edges_[next_edge_.fetch_add(1, std::memory_order_relaxed) % edges_.size()];
}

std::uint64_t gateway::park(completion done, std::chrono::seconds wait) {
  return tickets_->park(std::move(done), ticket_table::clock::now() + wait);
}

std::uint64_t gateway::park_call(api_call& call, completion done) {
  // A call must start within the timeout or it is refused unstarted
  // (account_shard). One that changes something is then awaited twice as
  // long, so that once started its answer, not a 503, reaches the client:
  // a client that repeats a 503'd run must not run the flow twice.
  call.start_by_ms = wall_clock_ms() + std::chrono::milliseconds(timeout_).count();
  bool writes = !operation_of(call.op).reads_only;
  return park(std::move(done), writes ? 2 * timeout_ : timeout_);
}

void gateway::submit(std::string token, api_call call, completion done) {
  auto ticket = park_call(call, std::move(done));
  caf::anon_send(next_edge(), edge_atom::value, ticket, std::move(token),
                 std::move(call));
}

void gateway::submit_admin(std::string operator_token, api_call call, completion done) {
  auto ticket = park_call(call, std::move(done));
  caf::anon_send(next_edge(), admin_atom::value, ticket, std::move(operator_token),
                 std::move(call));
}

void gateway::stall(std::int64_t ms, completion done) {
  caf::anon_send(next_edge(), stall_atom::value, park(std::move(done), timeout_), ms);
}

void gateway::crash(const std::string& target, completion done) {
  caf::anon_send(next_edge(), crash_atom::value, park(std::move(done), timeout_), target);
}

void gateway::mint(const std::string& account_id, completion done) {
  caf::anon_send(next_edge(), mint_atom::value, park(std::move(done), timeout_), account_id);
}

void gateway::revoke(const std::string& token, completion done) {
  caf::anon_send(next_edge(), revoke_atom::value, park(std::move(done), timeout_), token);
}

}  // namespace integrator
