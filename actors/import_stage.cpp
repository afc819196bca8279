#include <caf/all.hpp>

#include <boost/json.hpp>

#include <deque>
#include <map>

#include "actors/catalogue.hpp"
#include "actors/stages.hpp"
#include "core/json_path.hpp"
#include "core/object_id.hpp"
#include "http/outbound_client.hpp"

namespace integrator {

namespace json = boost::json;

namespace {

struct inbound_page {
  record_page page;
  caf::actor from;
};

// The page being worked on: its records, their outcomes, the requests out.
struct work {
  record_page page;
  caf::actor from;
  std::vector<json::value> records;
  std::vector<record_outcome> outcomes;
  std::vector<import_request> requests;
  std::size_t outstanding = 0;
};

struct import_state {
  std::shared_ptr<const node_services> services;
  std::shared_ptr<const flow_plan> plan;
  const import_step* step = nullptr;
  stage_links links;
  bool has_next = false;  ///< another processor follows
  std::deque<inbound_page> inbox;
  std::deque<std::pair<record_page, caf::actor>> outbox;  ///< page, its upstream
  std::map<std::uint64_t, work> active;  ///< pages being worked on, by generation
  std::int32_t credit = 0;
  bool ended = false;
  std::uint64_t generation = 0;
  std::optional<object_id_generator> ids;
  static inline const char* name = "import_stage";
};

using import_ptr = caf::stateful_actor<import_state>*;

void process_next(import_ptr self);

void maybe_end(import_ptr self) {
  auto& st = self->state;
  if (st.ended && st.inbox.empty() && st.active.empty() && st.outbox.empty()) {
    self->send(st.links.downstream, end_atom::value);
    self->quit();
  }
}

// Hands finished pages on while the next stage has credit; each page that
// leaves gives its upstream one credit back.
void drain(import_ptr self) {
  auto& st = self->state;
  while (!st.outbox.empty() && (!st.has_next || st.credit > 0)) {
    auto [page, from] = std::move(st.outbox.front());
    st.outbox.pop_front();
    if (st.has_next) {
      --st.credit;
      self->send(st.links.downstream, page_atom::value, std::move(page));
    }
    self->send(from, credit_atom::value, std::int32_t{1});
  }
}

std::string trace_key_of(const json::value& record) {
  if (const auto* o = record.if_object())
    for (const char* k : {"id", "_id"})
      if (auto it = o->find(k); it != o->end())
        return text_of(it->value());
  return {};
}

// For records staged from their text: parsed only when one failed.
std::string trace_key_of(std::string_view text) {
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  return ec ? std::string() : trace_key_of(v);
}

void finish_page(import_ptr self, std::uint64_t gen) {
  auto& st = self->state;
  auto& w = st.active.at(gen);
  stage_report r;
  r.step = st.links.step;
  r.counts.num_pages_processed = 1;
  page_builder next(w.page.size() + 1, max_page_bytes * 2);
  auto now = wall_clock_ms();
  bool parsed = !w.records.empty();
  for (std::size_t i = 0; i < w.page.size(); ++i) {
    auto& out = w.outcomes[i];
    using k = record_outcome::kind;
    bool pass = true;
    switch (out.what) {
      case k::filtered:
      case k::ignored:
        ++r.counts.num_ignore;
        break;
      case k::succeeded:
        ++r.counts.num_success;
        break;
      default: {
        ++r.counts.num_error;
        pass = st.step->plan->proceed_on_failure();
        job_error_entry e;
        e.error_id = st.ids->next(static_cast<std::uint32_t>(now / 1000));
        e.job_id = st.links.job_id;
        e.flow_job_id = st.links.flow_job_id;
        e.flow_id = st.links.flow_id;
        e.step_id = st.step->import_id;
        e.source = st.step->lookup ? "lookup" : "import";
        e.code = out.code.empty() ? "import_failed" : out.code;
        e.message = out.message;
        e.trace_key = parsed ? trace_key_of(w.records[i]) : trace_key_of(w.page.record(i));
        e.retry_data_key = st.ids->next(static_cast<std::uint32_t>(now / 1000));
        e.retry_data = std::string(w.page.record(i));
        e.occurred_at = now;
        r.errors.push_back(std::move(e));
      }
    }
    if (st.has_next && pass) {
      if (parsed) {
        st.step->plan->map_response(w.records[i], out);
        next.append(json::serialize(w.records[i]));
      } else {
        next.append(w.page.record(i));
      }
    }
  }
  self->send(st.links.job, report_atom::value, std::move(r));
  st.outbox.emplace_back(st.has_next ? next.take() : record_page(), w.from);
  st.active.erase(gen);
  drain(self);
  process_next(self);
  maybe_end(self);
}

void process_next(import_ptr self) {
  auto& st = self->state;
  // Up to pages_in_flight pages at once (their requests overlap), as long
  // as finished ones are not piling up for want of credit downstream.
  auto limit = static_cast<std::size_t>(std::max(1, st.services->pages_in_flight));
  if (st.active.size() >= limit || st.inbox.empty() || st.outbox.size() >= limit)
    return;
  auto in = std::move(st.inbox.front());
  st.inbox.pop_front();
  auto gen = ++st.generation;
  auto& w = st.active[gen];
  w.page = std::move(in.page);
  w.from = std::move(in.from);
  // Records are parsed only when responseMapping needs them afterwards
  // (or the plan cannot work from text).
  const auto& plan = *st.step->plan;
  w.requests = plan.stage_page(w.page, st.plan->settings, st.has_next && plan.maps_response(),
                               w.records, w.outcomes);
  w.outstanding = w.requests.size();
  if (w.outstanding == 0) {
    finish_page(self, gen);
    return;
  }
  auto me = caf::actor_cast<caf::actor>(self);
  const auto& endpoint = *st.step->endpoint;
  for (std::size_t q = 0; q < w.requests.size(); ++q) {
    auto& req = w.requests[q];
    auto out = endpoint.request(req.method, req.target, std::move(req.body), req.headers);
    std::uint64_t tag = (gen << 24) | q;
    st.services->outbound->submit(std::move(out), st.step->connection_id, endpoint.concurrency(),
                                  endpoint.retry(), [me, tag](outbound_response r) {
                                    caf::anon_send(me, http_atom::value, tag, std::move(r));
                                  });
  }
  process_next(self);  // another page, if the limit allows
}

caf::behavior import_impl(import_ptr self, std::shared_ptr<const node_services> services,
                          std::shared_ptr<const flow_plan> plan, std::size_t processor,
                          stage_links links) {
  auto& st = self->state;
  st.services = std::move(services);
  st.plan = std::move(plan);
  st.step = &st.plan->processors[processor];
  st.links = std::move(links);
  st.has_next = processor + 1 < st.plan->processors.size();
  st.credit = st.services->pages_in_flight;
  st.ids.emplace(make_id_generator());
  return {
    [=](page_atom, record_page& page) {
      auto& st = self->state;
      st.inbox.push_back({std::move(page), caf::actor_cast<caf::actor>(self->current_sender())});
      process_next(self);
    },
    [=](http_atom, std::uint64_t tag, outbound_response& resp) {
      auto& st = self->state;
      auto it = st.active.find(tag >> 24);
      if (it == st.active.end())
        return;
      auto& w = it->second;
      st.step->plan->settle(w.requests[tag & 0xffffff], resp, w.outcomes);
      if (--w.outstanding == 0)
        finish_page(self, it->first);
    },
    [=](credit_atom, std::int32_t n) {
      self->state.credit += n;
      drain(self);
      process_next(self);
      maybe_end(self);
    },
    [=](end_atom) {
      self->state.ended = true;
      maybe_end(self);
    },
  };
}

}  // namespace

caf::actor spawn_import_stage(caf::local_actor* parent, std::shared_ptr<const node_services> services,
                              std::shared_ptr<const flow_plan> plan, std::size_t processor,
                              stage_links links) {
  return parent->spawn<caf::linked>(import_impl, std::move(services), std::move(plan), processor,
                       std::move(links));
}

}  // namespace integrator
