#include "actors/gateway.hpp"

#include <caf/all.hpp>


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

void gateway::submit(std::string token, api_call call, completion done) {
  auto dir = directory_;
  auto timeout = timeout_;
  auto cb = once(std::move(done));
  sys_.spawn([=, token = std::move(token), call = std::move(call)](caf::event_based_actor* self) mutable {
    self->attach_functor([cb] {
      finish(cb, api_reply::fail(make_api_error(errc::internal, "request actor stopped")));
    });
    // registry → bucket → shard: each delegates, the last one answers here.
    self->request(dir->registry(), timeout, auth_atom::value, std::move(token), std::move(call))
      .then([=](api_reply& r) { finish(cb, std::move(r)); },
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
