// A standalone import call (POST /imports/{id}/invoke, POST
// /connections/{id}/import): the records of the body go through the
// import's filter, mapping and requests, as in a flow, but nothing is
// persisted and the answer is one result per record.
#include "actors/import_invocation.hpp"
#include "core/json/json_depth.hpp"

#include <caf/all.hpp>

#include <boost/json.hpp>

#include "actors/catalogue.hpp"
#include "core/engine/import_plan.hpp"
#include "core/engine/user_code.hpp"
#include "actors/outbound_reply.hpp"
#include "actors/spawn_work.hpp"

namespace integrator {

namespace json = boost::json;

namespace {

struct invocation_state {
  std::shared_ptr<const node_services> services;
  std::shared_ptr<const http_endpoint> endpoint;
  std::optional<import_plan> plan;
  std::vector<import_request> requests;
  std::vector<record_outcome> outcomes;
  std::size_t outstanding = 0;
  caf::typed_response_promise<api_reply> rp;
  static inline const char* name = "import_invocation";
};

using invocation_ptr = import_invocation_actor::stateful_pointer<invocation_state>;

api_reply invalid(std::string message) {
  return api_reply::fail(make_api_error(error_code::invalid_body, std::move(message), ""));
}

api_reply results(const invocation_state& st) {
  json::array out;
  for (const auto& o : st.outcomes)
    out.push_back(import_plan::result_of(o));
  return api_reply::json(api_status::ok, json::serialize(out));
}

// The records of a body: {"data":[…]} or the array itself.
std::optional<json::array> records_of(const std::string& body) {
  boost::system::error_code ec;
  auto v = parse_json(body, ec);
  if (ec)
    return std::nullopt;
  if (v.is_array())
    return v.get_array();
  if (const auto* o = v.if_object())
    if (const auto* d = o->if_contains("data"); d && d->is_array())
      return d->get_array();
  return std::nullopt;
}

}  // namespace

import_invocation_actor spawn_import_invocation(caf::actor_system& sys,
                                                std::shared_ptr<const node_services> services,
                                                std::shared_ptr<const http_endpoint> endpoint) {
  // (Arguments, not captures: see spawn_work.hpp.)
  return spawn_work(sys, services->detach, [](invocation_ptr self, std::shared_ptr<const node_services> services,
                                               std::shared_ptr<const http_endpoint> endpoint) -> import_invocation_actor::behavior_type {
    self->state.services = services;
    self->state.endpoint = endpoint;
    return {
      [=](invoke_atom, const std::string& import_doc, const std::string& body) -> caf::result<api_reply> {
        auto& st = self->state;
        boost::system::error_code ec;
        auto doc = parse_json(import_doc, ec);
        auto plan = ec ? result<import_plan>(invalid_input("the import is not JSON"))
                       : import_plan::compile(doc, json::value());
        if (auto refused = plan ? refuse_user_code("the import", doc) : std::nullopt)
          plan = std::move(*refused);
        if (!plan) {
          self->quit();
          if (plan.error().code == error_code::user_code_unavailable)
            return api_reply::fail(plan.error());
          return invalid("the import cannot run: " + plan.error().message);
        }
        st.plan = std::move(*plan);
        auto records = records_of(body);
        if (!records) {
          self->quit();
          return invalid("the body must be {\"data\":[records…]} or an array of records");
        }
        std::vector<json::value> recs(records->begin(), records->end());
        st.requests = st.plan->stage(recs, json::object(), st.outcomes);
        st.outstanding = st.requests.size();
        if (st.outstanding == 0) {
          self->quit();
          return results(st);
        }
        st.rp = self->make_response_promise<api_reply>();
        for (std::size_t q = 0; q < st.requests.size(); ++q) {
          auto& req = st.requests[q];
          call_out(*st.services->outbound, *st.endpoint, "invoke",
                   st.endpoint->request(req.method, req.target, std::move(req.body), req.headers),
                   caf::actor_cast<import_invocation_actor>(self), q);
        }
        return st.rp;
      },
      [=](http_atom, std::uint64_t q, outbound_response& resp) {
        auto& st = self->state;
        st.plan->settle(st.requests[q], resp, st.outcomes, true);
        if (--st.outstanding == 0) {
          st.rp.deliver(results(st));
          self->quit();
        }
      },
    };
  }, services, endpoint);
}

}  // namespace integrator
