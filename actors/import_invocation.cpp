// A standalone import call (POST /imports/{id}/invoke, POST
// /connections/{id}/import, POST /{apiIdentifier}): the records of the body
// go through the import's filter, hooks, mapping and requests (or its
// wrapper's function) as in a flow (core/engine/import_page_run.hpp), but
// nothing is persisted and the answer is one result per record.
#include "actors/import_invocation.hpp"
#include "core/json/json_depth.hpp"

#include <caf/all.hpp>

#include <boost/json.hpp>

#include "actors/catalogue.hpp"
#include "actors/import_page_calls.hpp"
#include "actors/outbound_reply.hpp"
#include "actors/spawn_work.hpp"
#include "core/engine/flow_plan.hpp"
#include "core/engine/import_page_run.hpp"
#include "core/util/object_id.hpp"

namespace integrator {

namespace json = boost::json;

namespace {

struct invocation_state {
  std::shared_ptr<const node_services> services;
  std::string account;
  std::shared_ptr<const flow_plan> plan;  ///< the import alone (standalone_spec)
  const import_step* step = nullptr;
  std::optional<import_page_run> run;
  std::size_t outstanding = 0;
  std::optional<object_id_generator> ids;
  caf::typed_response_promise<api_reply> rp;
  static inline const char* name = "import_invocation";
};

using invocation_ptr = import_invocation_actor::stateful_pointer<invocation_state>;

api_reply invalid(std::string message) {
  return api_reply::fail(make_api_error(error_code::invalid_body, std::move(message), ""));
}

void answer(invocation_ptr self) {
  auto& st = self->state;
  json::array out;
  for (const auto& o : st.run->outcomes())
    out.push_back(import_plan::result_of(o));
  st.rp.deliver(api_reply::json(api_status::ok, json::serialize(out)));
  self->quit();
}

// The records of a body, {"data":[…]} or the array itself, as a page.
std::optional<record_page> records_of(const std::string& body) {
  boost::system::error_code ec;
  auto v = parse_json(body, ec);
  const json::array* records = nullptr;
  if (!ec && v.is_array())
    records = &v.get_array();
  else if (const auto* o = ec ? nullptr : v.if_object())
    if (const auto* d = o->if_contains("data"); d && d->is_array())
      records = &d->get_array();
  if (!records)
    return std::nullopt;
  page_builder page(1, 0);
  for (const auto& r : *records)
    page.append(json::serialize(r));
  return page.take();
}

// Makes the calls of what the records need next (import_page_calls.hpp),
// or answers. The records are one page, generation 1.
void proceed(invocation_ptr self, import_page_run::need need) {
  auto& st = self->state;
  if (need == import_page_run::need::finished) {
    answer(self);
    return;
  }
  st.outstanding = send_page_calls(*st.services, st.account, *st.step, *st.run, need, 1, "invoke",
                                   caf::actor_cast<import_invocation_actor>(self));
}

}  // namespace

import_invocation_actor spawn_import_invocation(caf::actor_system& sys) {
  return spawn_work(sys, true, [](invocation_ptr self, spawn_tag) -> import_invocation_actor::behavior_type {
    self->state.services = services_of(self->system());
    self->state.ids.emplace(make_id_generator());
    return {
      [=](standalone_import& call) -> caf::result<api_reply> {
        auto& st = self->state;
        auto plan = flow_plan::compile(call.spec);
        if (!plan) {
          self->quit();
          if (plan.error().code == error_code::user_code_unavailable)
            return api_reply::fail(plan.error());
          return invalid("the import cannot run: " + plan.error().message);
        }
        auto page = records_of(call.body);
        if (!page) {
          self->quit();
          return invalid("the body must be {\"data\":[records…]} or an array of records");
        }
        st.account = std::move(call.account);
        st.plan = std::make_shared<const flow_plan>(std::move(*plan));
        st.step = &st.plan->processors.front();
        st.rp = self->make_response_promise<api_reply>();
        st.run.emplace(*st.plan, *st.step, false, true);
        proceed(self, st.run->start(*page));
        return st.rp;
      },
      [=](http_atom, std::uint64_t tag, outbound_response& resp) {
        auto& st = self->state;
        if (auto next = take_page_answer(*st.run, page_call_tag::of(tag), resp, st.outstanding))
          proceed(self, *next);
      },
      [=](code_atom, std::uint64_t, user_code_answer& a) {
        auto& st = self->state;
        proceed(self, st.run->take_hook(a, *st.ids, wall_clock_ms()));
      },
    };
  }, spawn_tag{});
}

}  // namespace integrator
