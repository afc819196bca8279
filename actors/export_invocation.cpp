#include "actors/export_invocation.hpp"
#include "core/json/json_depth.hpp"

#include <caf/all.hpp>

#include <boost/json.hpp>

#include "actors/outbound_reply.hpp"
#include "actors/spawn_work.hpp"
#include "core/engine/export_cursor.hpp"
#include "core/engine/export_preview.hpp"
#include "core/engine/user_code.hpp"

namespace integrator {

namespace json = boost::json;

namespace {

struct export_call_state {
  std::shared_ptr<const node_services> services;
  std::shared_ptr<const http_endpoint> endpoint;
  json::value settings = json::object();
  std::optional<export_step> step;
  std::optional<export_cursor> cursor;
  std::string data = "[";
  std::uint64_t records = 0;
  bool one_page = false;
  caf::typed_response_promise<export_page> rp;
  // POST /exports/preview
  std::optional<export_preview> preview;
  std::optional<export_pager> preview_pager;
  export_request sent;  ///< the preview's one request
  caf::typed_response_promise<api_reply> preview_rp;
  static inline const char* name = "export_invocation";
};

using export_call_ptr = export_invocation_actor::stateful_pointer<export_call_state>;

export_page failed(error_code code, std::string message) {
  export_page page;
  page.error = make_api_error(code, std::move(message));
  return page;
}

void answer(export_call_ptr self, export_page page) {
  self->state.rp.deliver(std::move(page));
  self->quit();
}

// Asks for the next page; answers when paging is over.
void fetch(export_call_ptr self) {
  auto& st = self->state;
  auto req = st.cursor->next();
  if (auto refused = st.cursor->take_refusal()) {
    answer(self, failed(refused->code, refused->message));
    return;
  }
  if (!req) {
    export_page page;
    page.data = std::move(st.data) + "]";
    page.count = st.records;
    page.position = json::serialize(st.cursor->position());
    page.done = true;
    answer(self, std::move(page));
    return;
  }
  call_out(*st.services->outbound, *st.endpoint, "export", std::move(*req),
           caf::actor_cast<export_invocation_actor>(self), 0);
}

void on_page(export_call_ptr self, outbound_response& resp) {
  auto& st = self->state;
  auto answer_of = st.cursor->settle(resp);
  auto r = st.cursor->read(answer_of, resp.body, [self](std::string_view kept) {
    auto& st = self->state;
    if (st.records++ > 0)
      st.data += ',';
    st.data += kept;
  });
  if (!r.fatal.empty()) {
    answer(self, failed(error_code::export_failed, r.fatal));
    return;
  }
  if (st.one_page || st.records >= max_export_records || !st.cursor->more()) {
    export_page page;
    page.data = std::move(st.data) + "]";
    page.count = st.records;
    page.position = json::serialize(st.cursor->position());
    page.done = !st.cursor->more();
    answer(self, std::move(page));
    return;
  }
  fetch(self);
}

void on_preview(export_call_ptr self, outbound_response& resp) {
  auto& st = self->state;
  auto got = st.preview_pager->on_response(resp);
  st.preview_rp.deliver(api_reply::json(
    api_status::ok, st.preview->answer(st.sent, st.endpoint->url_of(st.sent.target), resp, got)));
  self->quit();
}

}  // namespace

export_invocation_actor spawn_export_invocation(caf::actor_system& sys,
                                                std::shared_ptr<const node_services> services,
                                                std::shared_ptr<const http_endpoint> endpoint) {
  // (Arguments, not captures: see spawn_work.hpp.)
  return spawn_work(sys, services->detach, [](export_call_ptr self, std::shared_ptr<const node_services> services,
                                               std::shared_ptr<const http_endpoint> endpoint) -> export_invocation_actor::behavior_type {
    self->state.services = services;
    self->state.endpoint = endpoint;
    return {
      [=](invoke_atom, const std::string& export_doc, const std::string& position,
          bool one_page) -> caf::result<export_page> {
        auto& st = self->state;
        boost::system::error_code ec;
        auto doc = parse_json(export_doc, ec);
        auto step = ec ? result<export_step>(invalid_input("the export is not a JSON object"))
                       : export_step::compile(doc, st.endpoint, st.settings);
        if (auto refused = step ? refuse_user_code("the export", doc) : std::nullopt)
          step = std::move(*refused);
        if (!step) {
          self->quit();
          bool user_code = step.error().code == error_code::user_code_unavailable;
          auto page = failed(user_code ? step.error().code : error_code::invalid_export, step.error().message);
          page.error.field = "export";
          return page;
        }
        st.step = std::move(*step);
        st.cursor.emplace(*st.step, st.settings);
        if (!position.empty()) {
          auto p = parse_json(position, ec);
          if (!ec && p.is_object())
            st.cursor->restore(p.get_object());
        }
        st.one_page = one_page;
        st.rp = self->make_response_promise<export_page>();
        fetch(self);
        return st.rp;
      },
      [=](invoke_atom, preview_atom, const std::string& body) -> caf::result<api_reply> {
        auto& st = self->state;
        boost::system::error_code ec;
        auto doc = parse_json(body, ec);
        auto preview = ec || !doc.is_object()
                         ? result<export_preview>(invalid_input("the export is not a JSON object"))
                         : export_preview::compile(doc.get_object());
        if (!preview) {
          self->quit();
          return api_reply::fail(make_api_error(error_code::invalid_export, preview.error().message, "export"));
        }
        if (auto refused = refuse_user_code("the export", doc)) {
          self->quit();
          return api_reply::fail(*refused);
        }
        st.preview = std::move(*preview);
        st.preview_pager.emplace(st.preview->pager());
        auto req = st.preview_pager->next();
        if (!req) {
          self->quit();
          auto failed = st.preview_pager->take_failure();
          return api_reply::json(api_status::ok, st.preview->answer_unsent(
                                                     failed ? failed->message : "the export makes no request"));
        }
        st.sent = *req;
        auto out = st.endpoint->request(req->method, req->target, std::move(req->body), req->headers);
        if (!out) {
          self->quit();
          return api_reply::json(api_status::ok, st.preview->answer_unsent(out.error().message));
        }
        st.preview_rp = self->make_response_promise<api_reply>();
        call_out(*st.services->outbound, *st.endpoint, "export", std::move(*out),
                 caf::actor_cast<export_invocation_actor>(self), 0);
        return st.preview_rp;
      },
      [=](http_atom, std::uint64_t, outbound_response& resp) {
        if (self->state.preview)
          on_preview(self, resp);
        else
          on_page(self, resp);
      },
    };
  }, services, endpoint);
}

}  // namespace integrator
