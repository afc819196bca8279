#include "actors/gateway.hpp"

#include <caf/all.hpp>

#include <boost/json.hpp>

namespace integrator {

namespace {

api_reply unavailable(const caf::error& e) {
  return api_reply::fail(make_api_error(
    errc::unavailable, "The service did not answer in time: " + caf::to_string(e)));
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

}  // namespace

std::string token_info_body(const principal& who) {
  boost::json::object o{{"_userId", who.account_id},
                        {"scope", who.scope.full ? "full" : "custom"},
                        {"email", who.email}};
  return boost::json::serialize(o);
}

void gateway::submit(std::string token, api_call call, completion done) {
  auto dir = directory_;
  auto timeout = timeout_;
  auto cb = once(std::move(done));
  sys_.spawn([=, token = std::move(token), call = std::move(call)](caf::event_based_actor* self) {
    self->attach_functor([cb] {
      finish(cb, api_reply::fail(make_api_error(errc::internal, "request actor stopped")));
    });
    self->request(dir->registry(), timeout, auth_atom::value, token)
      .then(
        [=](auth_result& auth) {
          if (auth.status == auth_status::unauthorized) {
            finish(cb, api_reply::fail(make_api_error(errc::unauthorized, "unauthorized",
                                                      "Missing, invalid or revoked API token", "")));
            return;
          }
          if (auth.status == auth_status::rate_limited) {
            auto r = api_reply::fail(make_api_error(
              errc::rate_limited, "rate_limited",
              "Too many requests. Retry after " + std::to_string(auth.retry_after) + " seconds.",
              ""));
            r.retry_after = auth.retry_after;
            finish(cb, std::move(r));
            return;
          }
          if (call.op == api_op::token_info) {
            finish(cb, api_reply::json(api_status::ok, token_info_body(auth.who)));
            return;
          }
          auto shard = dir->shard_for(auth.who.account_id);
          self->request(shard, timeout, exec_atom::value, auth.who, call)
            .then([=](api_reply& r) { finish(cb, std::move(r)); },
                  [=](caf::error& e) { finish(cb, unavailable(e)); });
        },
        [=](caf::error& e) { finish(cb, unavailable(e)); });
  });
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
    else
      self->request(dir->shard(0), timeout, crash_atom::value).then(on_bool, on_error);
  });
}

}  // namespace integrator
