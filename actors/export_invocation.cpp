// A standalone export call (POST /connections/{id}/export[/pages]): pages
// the export from a given position, one page or all of them (up to
// max_invoke_records), and answers {"data":[…],"position":{…},"done":bool}.
// Nothing is persisted; the caller signs the position it hands out.
#include "actors/export_invocation.hpp"

#include <caf/all.hpp>

#include <boost/json.hpp>

#include "actors/catalogue.hpp"
#include "core/connect/export_pager.hpp"
#include "core/engine/engine_calls.hpp"
#include "core/engine/export_preview.hpp"
#include "http/client/outbound_client.hpp"

namespace integrator {

namespace json = boost::json;

namespace {

struct export_call_state {
  std::shared_ptr<const node_services> services;
  std::shared_ptr<const http_endpoint> endpoint;
  std::optional<export_pager> pager;
  std::string data = "[";
  std::size_t records = 0;
  bool one_page = false;
  std::optional<export_preview> preview;  ///< POST /exports/preview
  export_request sent;                       ///< a preview's one request
  caf::response_promise rp;
  static inline const char* name = "export_invocation";
};

using export_call_ptr = caf::stateful_actor<export_call_state>*;

void answer(export_call_ptr self, std::optional<std::string> error = std::nullopt) {
  auto& st = self->state;
  export_page page;
  if (error) {
    page.error = make_api_error(errc::validation_failed, "export_failed", *error, "");
  } else {
    page.data = std::move(st.data) + "]";
    page.count = st.records;
    page.position = json::serialize(st.pager->position());
    page.done = st.pager->done();
  }
  st.rp.deliver(std::move(page));
  self->quit();
}

// Asks for the next page; answers when paging is over.
void fetch(export_call_ptr self) {
  auto& st = self->state;
  auto req = st.pager->next();
  if (!req) {
    answer(self);
    return;
  }
  if (st.preview)
    st.sent = *req;
  auto out = st.endpoint->request(req->method, req->target, std::move(req->body), req->headers);
  auto me = caf::actor_cast<caf::actor>(self);
  st.services->outbound->submit(std::move(out), "export", st.endpoint->concurrency(),
                                st.endpoint->retry(), [me](outbound_response r) {
                                  caf::anon_send(me, http_atom::value, std::uint64_t{0}, std::move(r));
                                });
}

}  // namespace

caf::actor spawn_export_invocation(caf::actor_system& sys,
                                   std::shared_ptr<const node_services> services,
                                   std::shared_ptr<const http_endpoint> endpoint) {
  return sys.spawn([services, endpoint](export_call_ptr self) -> caf::behavior {
    self->state.services = services;
    self->state.endpoint = endpoint;
    return {
      [=](invoke_atom, const std::string& export_doc, const std::string& position,
          bool one_page) -> caf::result<export_page> {
        auto& st = self->state;
        boost::system::error_code ec;
        auto doc = json::parse(export_doc, ec);
        std::string why = "the export is not a JSON object";
        auto plan = ec || !doc.is_object() ? std::nullopt : http_export_plan::compile(doc, &why);
        if (!plan) {
          self->quit();
          export_page page;
          page.error = make_api_error(errc::validation_failed, "invalid_export", why, "export");
          return page;
        }
        st.pager.emplace(std::make_shared<const http_export_plan>(std::move(*plan)),
                         json::object{{"settings", json::object()}});
        if (!position.empty()) {
          auto p = json::parse(position, ec);
          if (!ec && p.is_object())
            st.pager->restore(p.get_object());
        }
        st.one_page = one_page;
        st.rp = self->make_response_promise();
        fetch(self);
        return caf::delegated<export_page>();
      },
      // POST /exports/preview: the first page, stage by stage.
      [=](invoke_atom, preview_atom, const std::string& body) -> caf::result<api_reply> {
        auto& st = self->state;
        boost::system::error_code ec;
        auto doc = json::parse(body, ec);
        std::string why = "the export is not a JSON object";
        auto preview = ec || !doc.is_object() ? std::nullopt : export_preview::compile(doc.get_object(), &why);
        if (!preview) {
          self->quit();
          return api_reply::fail(make_api_error(errc::validation_failed, "invalid_export", why, "export"));
        }
        st.preview = std::move(preview);
        st.pager.emplace(st.preview->pager());
        st.rp = self->make_response_promise();
        fetch(self);
        return caf::delegated<api_reply>();
      },
      [=](http_atom, std::uint64_t, outbound_response& resp) {
        auto& st = self->state;
        auto got = st.pager->on_response(resp);
        if (st.preview) {
          st.rp.deliver(api_reply::json(
            api_status::ok, st.preview->answer(st.sent, st.endpoint->url_of(st.sent.target), resp, got)));
          self->quit();
          return;
        }
        if (got.error) {
          answer(self, got.error);
          return;
        }
        for (auto r : got.records) {
          if (st.records++ > 0)
            st.data += ',';
          st.data += r;
        }
        if (st.one_page || st.records >= max_export_records)
          answer(self);
        else
          fetch(self);
      },
    };
  });
}

}  // namespace integrator
