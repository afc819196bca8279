#include "actors/export_invocation.hpp"
#include "core/json/json_depth.hpp"

#include <caf/all.hpp>

#include <boost/json.hpp>

#include "actors/outbound_reply.hpp"
#include "actors/spawn_work.hpp"
#include "actors/user_code_call.hpp"
#include "core/engine/export_cursor.hpp"
#include "core/engine/export_page_code.hpp"
#include "core/engine/export_preview.hpp"
#include "core/engine/flow_plan.hpp"

namespace integrator {

namespace json = boost::json;

namespace {

struct export_call_state {
  std::shared_ptr<const node_services> services;
  std::string account;
  std::shared_ptr<const flow_plan> plan;  ///< the export alone (standalone_spec)
  const export_step* step = nullptr;
  std::optional<export_cursor> cursor;            ///< an HTTP export's paging
  std::optional<wrapper_cursor> wrapper;          ///< a wrapper export's calls
  std::optional<export_page_code> code;           ///< the page in its user code
  std::optional<object_id_generator> ids;
  std::uint64_t tag = 0;  ///< of the user code call out
  std::string data = "[";
  std::uint64_t records = 0;
  json::array errors;  ///< what the user code gave
  bool one_page = false;
  bool stopped = false;  ///< preSavePage aborted: no further page
  caf::typed_response_promise<export_page> rp;
  // POST /exports/preview
  std::optional<export_preview> preview;
  std::optional<export_pager> preview_pager;
  export_request sent;  ///< the preview's one request
  export_preview::outcome seen;
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

bool more(const export_call_state& st) {
  return !st.stopped && (st.wrapper ? st.wrapper->more() : st.cursor->more());
}

void answer_pages(export_call_ptr self) {
  auto& st = self->state;
  export_page page;
  page.data = std::move(st.data) + "]";
  page.count = st.records;
  if (!st.errors.empty())
    page.errors = json::serialize(st.errors);
  page.position = json::serialize(st.cursor ? st.cursor->position() : st.wrapper->position());
  page.done = !more(st);
  answer(self, std::move(page));
}

void add_record(export_call_state& st, std::string_view record) {
  if (st.records++ > 0)
    st.data += ',';
  st.data += record;
}

void call_code(export_call_ptr self) {
  auto& st = self->state;
  call_user_function(*st.services, st.account, "", st.code->function(), extension_type::hook, st.code->options(),
                     caf::actor_cast<export_invocation_actor>(self), ++st.tag);
}

// Asks for the next page, or answers when paging is over.
void fetch(export_call_ptr self) {
  auto& st = self->state;
  if (!more(st) || (st.records >= max_export_records)) {
    answer_pages(self);
    return;
  }
  if (st.wrapper) {
    call_user_function(*st.services, st.account, "", *st.step->wrapper->fn, extension_type::wrapper,
                       st.wrapper->next_options(), caf::actor_cast<export_invocation_actor>(self), ++st.tag);
    return;
  }
  auto req = st.cursor->next();
  if (auto refused = st.cursor->take_refusal()) {
    answer(self, failed(refused->code, refused->message));
    return;
  }
  if (!req) {
    answer_pages(self);
    return;
  }
  call_out(*st.services->outbound, *st.step->endpoint, "export", std::move(*req),
           caf::actor_cast<export_invocation_actor>(self), 0);
}

// A page is read (and through its user code): the next, or the answer.
void page_done(export_call_ptr self) {
  if (self->state.one_page)
    answer_pages(self);
  else
    fetch(self);
}

// The page's user code is through: its records join the answer.
void code_done(export_call_ptr self) {
  auto& st = self->state;
  auto out = st.code->finish();
  st.code.reset();
  for (const auto& e : out.errors)
    st.errors.push_back(export_page_code::answered_error(e));
  if (!out.fatal.empty()) {
    answer(self, failed(error_code::extension_failed, out.fatal));
    return;
  }
  for (std::size_t i = 0; i < out.page.size(); ++i)
    add_record(st, out.page.record(i));
  st.stopped = st.stopped || out.abort;
  page_done(self);
}

// The records a page kept: into the answer, or first through the export's
// user code (a script transform or filter, preSavePage).
void take_page(export_call_ptr self, page_builder& kept) {
  auto& st = self->state;
  if (!st.step->runs_page_code() || kept.empty()) {
    page_done(self);
    return;
  }
  st.code.emplace(*st.plan, *st.step, kept.take());
  if (st.code->due() == export_page_code::op::done)
    code_done(self);
  else
    call_code(self);
}

// Where a page's records go as they are read: into the answer, or into
// `kept`, for the export's user code first.
auto keeper(export_call_state& st, page_builder& kept) {
  return [&st, &kept, hooked = st.step->runs_page_code()](std::string_view record) {
    if (hooked)
      kept.append(record);
    else
      add_record(st, record);
  };
}

void on_page(export_call_ptr self, outbound_response& resp) {
  auto& st = self->state;
  auto answer_of = st.cursor->settle(resp);
  page_builder kept(1, 0);
  auto r = st.cursor->read(answer_of, resp.body, keeper(st, kept));
  if (!r.fatal.empty()) {
    answer(self, failed(error_code::export_failed, r.fatal));
    return;
  }
  take_page(self, kept);
}

void on_wrapper_answer(export_call_ptr self, user_code_answer& a) {
  auto& st = self->state;
  page_builder kept(1, 0);
  bool offline = false;
  auto r = st.wrapper->read(a, keeper(st, kept), offline, wall_clock_ms());
  for (const auto& e : r.errors)
    st.errors.push_back(export_page_code::answered_error(e));
  if (!r.fatal.empty()) {
    answer(self, failed(error_code::wrapper_failed, r.fatal));
    return;
  }
  take_page(self, kept);
}

// A preview's user code: each op answered adds its stage; the last one's
// records are the answer's data (none when preSavePage failed).
void on_preview_code(export_call_ptr self, user_code_answer& a) {
  auto& st = self->state;
  auto op = st.code->due();
  auto before = st.code->errors().size();
  st.code->take(a, *st.ids, wall_clock_ms());
  auto stage = export_preview::code_stage(*st.code, op, before);
  if (st.code->due() != export_page_code::op::done) {
    st.seen.stages.push_back(std::move(stage));
    call_code(self);
    return;
  }
  st.seen.data = st.code->failure().empty() ? stage.at("data").as_array() : json::array();
  st.seen.stages.push_back(std::move(stage));
  st.preview_rp.deliver(api_reply::json(api_status::ok, export_preview::answer(std::move(st.seen))));
  self->quit();
}

void on_preview(export_call_ptr self, outbound_response& resp) {
  auto& st = self->state;
  auto got = st.preview_pager->on_response(resp);
  st.seen = st.preview->read(st.sent, st.step->endpoint->url_of(st.sent.target), resp, got);
  if (st.step->runs_page_code() && !st.seen.data.empty()) {
    st.code.emplace(*st.plan, *st.step, export_preview::page_of(st.seen));
    call_code(self);
    return;
  }
  st.preview_rp.deliver(api_reply::json(api_status::ok, export_preview::answer(std::move(st.seen))));
  self->quit();
}

// The plan of a standalone export, or why it cannot run.
result<std::shared_ptr<const flow_plan>> plan_of(const job_spec& spec) {
  auto plan = flow_plan::compile(spec);
  if (!plan) {
    auto e = plan.error();
    if (e.code != error_code::user_code_unavailable)
      e.code = error_code::invalid_export;
    e.field = "export";
    return e;
  }
  return std::make_shared<const flow_plan>(std::move(*plan));
}

}  // namespace

export_invocation_actor spawn_export_invocation(caf::actor_system& sys) {
  return spawn_work(sys, true, [](export_call_ptr self, spawn_tag) -> export_invocation_actor::behavior_type {
    self->state.services = services_of(self->system());
    self->state.ids.emplace(make_id_generator());
    return {
      [=](standalone_export& call) -> caf::result<export_page> {
        auto& st = self->state;
        auto plan = plan_of(call.spec);
        if (!plan) {
          self->quit();
          export_page page;
          page.error = plan.error();
          return page;
        }
        st.account = std::move(call.account);
        st.plan = std::move(*plan);
        st.step = &st.plan->generators.front();
        boost::system::error_code ec;
        auto position = call.position.empty() ? json::value() : parse_json(call.position, ec);
        const auto* from = ec ? nullptr : position.if_object();
        if (st.step->wrapper) {  // one call a page, going on with the state the last one answered
          st.wrapper.emplace(*st.plan, *st.step);
          if (from)
            st.wrapper->restore(*from);
        } else {
          st.cursor.emplace(*st.step, st.plan->settings);
          if (from)
            st.cursor->restore(*from);
        }
        st.one_page = call.one_page;
        st.rp = self->make_response_promise<export_page>();
        fetch(self);
        return st.rp;
      },
      [=](preview_request& call) -> caf::result<api_reply> {
        auto& st = self->state;
        auto plan = plan_of(call.spec);
        if (plan && (*plan)->generators.front().wrapper)
          plan = make_api_error(error_code::user_code_unavailable,
                                "a wrapper export is not previewed here: invoke it (POST /exports/{id}/invoke) "
                                "to see what its function answers",
                                "export");
        if (!plan) {
          self->quit();
          return api_reply::fail(plan.error());
        }
        st.account = std::move(call.account);
        st.plan = std::move(*plan);
        st.step = &st.plan->generators.front();
        boost::system::error_code ec;  // (the export compiled: it parses, as an object)
        auto doc = parse_json(call.spec.exports.front().second, ec);
        st.preview = export_preview::of(doc.get_object(), *st.step);
        st.preview_pager.emplace(st.preview->pager());
        auto req = st.preview_pager->next();
        if (!req) {
          self->quit();
          auto failed = st.preview_pager->take_failure();
          return api_reply::json(api_status::ok, st.preview->answer_unsent(
                                                     failed ? failed->message : "the export makes no request"));
        }
        st.sent = *req;
        auto out = st.step->endpoint->request(req->method, req->target, std::move(req->body), req->headers);
        if (!out) {
          self->quit();
          return api_reply::json(api_status::ok, st.preview->answer_unsent(out.error().message));
        }
        st.preview_rp = self->make_response_promise<api_reply>();
        call_out(*st.services->outbound, *st.step->endpoint, "export", std::move(*out),
                 caf::actor_cast<export_invocation_actor>(self), 0);
        return st.preview_rp;
      },
      [=](http_atom, std::uint64_t, outbound_response& resp) {
        if (self->state.preview)
          on_preview(self, resp);
        else
          on_page(self, resp);
      },
      [=](code_atom, std::uint64_t tag, user_code_answer& a) {
        auto& st = self->state;
        if (tag != st.tag)
          return;
        if (st.preview) {
          on_preview_code(self, a);
        } else if (st.code) {
          st.code->take(a, *st.ids, wall_clock_ms());
          if (st.code->due() == export_page_code::op::done)
            code_done(self);
          else
            call_code(self);
        } else {
          on_wrapper_answer(self, a);
        }
      },
    };
  }, spawn_tag{});
}

}  // namespace integrator
