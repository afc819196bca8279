#include <caf/all.hpp>

#include <boost/json.hpp>

#include <deque>

#include "actors/catalogue.hpp"
#include "actors/stages.hpp"
#include "http/client/outbound_client.hpp"

namespace integrator {

namespace json = boost::json;

namespace {

struct export_state {
  std::shared_ptr<const node_services> services;
  std::shared_ptr<const flow_plan> plan;
  const export_step* step = nullptr;
  stage_links links;
  std::optional<export_pager> pager;
  std::optional<page_builder> builder;
  std::deque<record_page> ready;
  std::int32_t credit = 0;
  bool waiting = false;   ///< a request is out
  bool stopped = false;   ///< canceled or failed: no more requests
  bool closed = false;
  std::size_t kept = 0;   ///< records passed on
  bool limited = false;   ///< a test export's limit is reached: no more pages
  std::uint64_t tag = 0;
  std::size_t generator = 0;  ///< index in the plan's generators
  std::uint64_t pages = 0;        ///< pages made so far
  static inline const char* name = "export_stage";
};

using export_ptr = caf::stateful_actor<export_state>*;

void report(export_ptr self, stage_report r) {
  r.step = self->state.links.step;
  self->send(self->state.links.job, report_atom::value, std::move(r));
}

// Sends the pager's next request; false when paging is over.
bool request_next(export_ptr self) {
  auto& st = self->state;
  auto req = st.pager->next();
  if (!req)
    return false;
  auto out = st.step->endpoint->request(req->method, req->target, std::move(req->body),
                                        req->headers);
  st.waiting = true;
  auto me = caf::actor_cast<caf::actor>(self);
  auto tag = ++st.tag;
  st.services->outbound->submit(std::move(out), st.step->connection_id,
                                st.step->endpoint->concurrency(), st.step->endpoint->retry(),
                                [me, tag](outbound_response r) {
                                  caf::anon_send(me, http_atom::value, tag, std::move(r));
                                });
  return true;
}

// Takes the page being built, numbered; a once export tells its job how to
// flag the page's records once the page has gone through the flow.
void ready_page(export_ptr self) {
  auto& st = self->state;
  auto page = st.builder->take(page_origin(st.generator, ++st.pages));
  if (st.step->once) {
    std::vector<once_call> calls;
    calls.reserve(page.size());
    for (std::size_t i = 0; i < page.size(); ++i)
      if (auto call = st.step->once->call_for(page.record(i), st.plan->settings))
        calls.push_back(std::move(*call));
    self->send(st.links.job, once_atom::value, page.origin(), std::move(calls));
  }
  st.ready.push_back(std::move(page));
}

// Sends what credit allows, asks for more, or ends when all is out.
void pump(export_ptr self) {
  auto& st = self->state;
  if (st.closed)
    return;
  while (st.credit > 0 && !st.ready.empty()) {
    stage_report r;
    r.counts.num_pages_generated = 1;
    self->send(st.links.downstream, page_atom::value, std::move(st.ready.front()));
    st.ready.pop_front();
    --st.credit;
    report(self, std::move(r));
  }
  if (st.waiting)
    return;
  bool more = !st.stopped && !st.limited && !st.pager->done();
  if (more) {
    if (st.credit <= 0 || !st.ready.empty())
      return;
    if (request_next(self))
      return;
  }
  if (!st.stopped && !st.builder->empty())
    ready_page(self);
  if (!st.ready.empty()) {
    if (st.credit > 0)
      pump(self);
    return;
  }
  st.closed = true;
  stage_report done;
  done.exhausted = true;
  report(self, std::move(done));
  self->send(st.links.downstream, end_atom::value);
  self->quit();
}

// A record the export could not read: a job error, and it goes no further.
void broken_record(std::string_view text, stage_report& r) {
  job_error_entry e;
  e.source = "export";
  e.code = "invalid_record";
  e.message = "a record is not valid JSON";
  e.retry_data = std::string(text);
  r.errors.push_back(std::move(e));
  ++r.counts.num_error;
}

// `body`: the answer the records are slices of (parsed in place when its
// spare capacity allows).
void take_records(export_ptr self, const export_pager::outcome& got, const std::string& body,
                  stage_report& r) {
  auto& st = self->state;
  std::string reshaped;
  auto limit = st.step->selection.record_limit;
  for (std::size_t i = 0; i < got.records.size() && !st.limited; ++i) {
    auto text = got.records[i];
    ++r.counts.num_export;
    std::string_view kept;
    std::optional<std::uint8_t> judged;
    if (i < got.verdicts.size())
      judged = got.verdicts[i];
    record_view view{text, readable_within(text, body), judged};
    switch (st.step->screen(view, st.plan->settings, reshaped, kept)) {
      case record_verdict::broken:
        broken_record(text, r);
        continue;
      case record_verdict::ignore:
        ++r.counts.num_ignore;
        continue;
      case record_verdict::keep:
        break;
    }
    if (st.builder->full_for(kept.size()))
      ready_page(self);
    st.builder->append(kept);
    st.limited = limit > 0 && ++st.kept >= limit;
    if (st.builder->complete())
      ready_page(self);
  }
}

caf::behavior export_impl(export_ptr self, std::shared_ptr<const node_services> services,
                          std::shared_ptr<const flow_plan> plan, std::size_t generator,
                          stage_links links, bool skip) {
  auto& st = self->state;
  st.services = std::move(services);
  st.plan = std::move(plan);
  st.step = &st.plan->generators[generator];
  st.links = std::move(links);
  st.stopped = skip;
  st.credit = st.services->pages_in_flight;
  st.generator = generator;
  st.pager.emplace(st.step->paging, st.step->context);
  if (st.step->output_filter && !st.step->transform)
    st.pager->project(st.step->filter_fields, [plan = st.plan, step = st.step](const json::value& f) {
      return step->judge(f, plan->settings);
    });
  st.builder.emplace(st.step->page_size, max_page_bytes);
  self->send(self, start_atom::value);
  return {
    [=](start_atom) { pump(self); },
    [=](http_atom, std::uint64_t, outbound_response& resp) {
      auto& st = self->state;
      st.waiting = false;
      if (st.stopped) {  // canceled meanwhile: its records go nowhere
        pump(self);
        return;
      }
      stage_report r;
      // Ask for the next page once paging is settled, before this page's
      // records are read, when credit allows a page beyond it: the source
      // prepares it meanwhile.
      auto answer = st.pager->read_paging(resp);
      if (!st.stopped && !st.limited && !st.pager->done()
          && st.credit - static_cast<std::int32_t>(st.ready.size()) > 1)
        request_next(self);
      auto got = st.pager->read_records(answer);
      take_records(self, got, resp.body, r);
      if (got.error) {
        r.fatal = *got.error;
        job_error_entry e;
        e.source = "export";
        e.code = resp.status ? std::to_string(resp.status) : "connection_error";
        e.message = *got.error;
        r.errors.push_back(std::move(e));
        ++r.counts.num_error;
        st.stopped = true;
      }
      for (auto& e : r.errors) {
        e.step_id = st.step->export_id;
        e.job_id = st.links.job_id;
        e.flow_job_id = st.links.flow_job_id;
        e.flow_id = st.links.flow_id;
      }
      report(self, std::move(r));
      pump(self);
    },
    [=](credit_atom, std::int32_t n) {
      self->state.credit += n;
      pump(self);
    },
    [=](cancel_atom) {
      auto& st = self->state;
      st.stopped = true;
      st.ready.clear();
      pump(self);
    },
  };
}

}  // namespace

caf::actor spawn_export_stage(caf::local_actor* parent, std::shared_ptr<const node_services> services,
                              std::shared_ptr<const flow_plan> plan, std::size_t generator,
                              stage_links links, bool skip) {
  return parent->spawn<caf::linked>(export_impl, std::move(services), std::move(plan), generator,
                       std::move(links), skip);
}

}  // namespace integrator
