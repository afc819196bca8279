#include "actors/gateway.hpp"

#include <caf/all.hpp>

namespace integrator {

namespace {

api_reply unavailable(const caf::error& e) {
  return api_reply::fail(make_api_error(
    errc::unavailable, "The service did not answer: " + caf::to_string(e)));
}

// Makes sure `done` runs once even if the actor dies without answering.
std::shared_ptr<gateway::completion> once(gateway::completion done) {
  return std::make_shared<gateway::completion>(std::move(done));
}

void finish(const std::shared_ptr<gateway::completion>& done, api_reply r) {
  if (*done) {
    auto f = std::move(*done);
    *done = nullptr;
    f(std::move(r));
  }
}

edge_actor::behavior_type edge_impl(edge_actor::pointer self,
                                    std::shared_ptr<actor_directory> dir,
                                    std::shared_ptr<ticket_table> tickets) {
  return {
    [=](edge_atom, std::uint64_t ticket, std::string& token, api_call& call) {
      // registry → bucket → shard: each delegates, the last one answers here.
      // No CAF timeout: a finite one costs CAF's clock thread a wake-up per
      // request. The ticket's deadline bounds the wait instead (expire).
      self->request(dir->registry(), caf::infinite, auth_atom::value, std::move(token),
                    std::move(call))
        .then([=](api_reply& r) { tickets->complete(ticket, std::move(r)); },
              [=](caf::error& e) { tickets->complete(ticket, unavailable(e)); });
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
    done(api_reply::fail(make_api_error(errc::unavailable, "The service did not answer in time")));
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

gateway::gateway(caf::actor_system& sys, std::shared_ptr<actor_directory> directory,
                 std::chrono::seconds timeout, std::size_t edges)
  : sys_(sys),
    directory_(std::move(directory)),
    timeout_(timeout),
    tickets_(std::make_shared<ticket_table>()) {
  for (std::size_t i = 0; i < std::max<std::size_t>(edges, 1); ++i) {
    auto edge = sys_.spawn(edge_impl, directory_, tickets_);
    // An edge that stops leaves no call waiting forever.
    auto tickets = tickets_;
    edge->attach_functor([tickets] {
      tickets->complete_all(
        api_reply::fail(make_api_error(errc::unavailable, "The service is shutting down")));
    });
    edges_.push_back(caf::actor_cast<caf::actor>(edge));
  }
}

gateway::~gateway() {
  for (auto& e : edges_)
    caf::anon_send_exit(e, caf::exit_reason::user_shutdown);
  edges_.clear();
}

void gateway::submit(std::string token, api_call call, completion done) {
  auto ticket = tickets_->park(std::move(done), ticket_table::clock::now() + timeout_);
  auto& edge = edges_[next_edge_.fetch_add(1, std::memory_order_relaxed) % edges_.size()];
  caf::anon_send(caf::actor_cast<edge_actor>(edge), edge_atom::value, ticket, std::move(token),
                 std::move(call));
}

void gateway::submit_admin(std::string operator_token, api_call call, completion done) {
  auto dir = directory_;
  auto timeout = timeout_;
  auto cb = once(std::move(done));
  sys_.spawn([=, token = std::move(operator_token),
              call = std::move(call)](caf::event_based_actor* self) {
    self->attach_functor([cb] {
      finish(cb, api_reply::fail(make_api_error(errc::internal, "request actor stopped")));
    });
    self->request(dir->registry(), timeout, admin_atom::value, token, call)
      .then([=](api_reply& r) { finish(cb, std::move(r)); },
            [=](caf::error& e) { finish(cb, unavailable(e)); });
  });
}

void gateway::crash(const std::string& target, completion done) {
  auto dir = directory_;
  auto timeout = timeout_;
  auto cb = once(std::move(done));
  sys_.spawn([=](caf::event_based_actor* self) {
    self->attach_functor([cb] { finish(cb, api_reply::json(api_status::no_content, "")); });
    auto on_error = [=](caf::error&) { finish(cb, api_reply::json(api_status::no_content, "")); };
    auto on_bool = [=](bool crashed) {
      finish(cb, crashed ? api_reply::json(api_status::no_content, "")
                         : api_reply::fail(make_api_error(errc::not_found, "No such endpoint")));
    };
    if (target == "registry")
      self->request(dir->registry(), timeout, crash_atom::value).then(on_bool, on_error);
    else if (target == "engine" || target == "jobs")
      self->request(dir->engine(), timeout, crash_atom::value, target == "jobs")
        .then(on_bool, on_error);
    else
      self->request(dir->shard(0), timeout, crash_atom::value).then(on_bool, on_error);
  });
}

}  // namespace integrator
