#include <caf/all.hpp>

#include <boost/json.hpp>

#include <deque>
#include <map>

#include "actors/catalogue.hpp"
#include "core/json/json_depth.hpp"
#include "actors/page_relay.hpp"
#include "actors/stages.hpp"
#include "core/json/json_path.hpp"
#include "core/util/object_id.hpp"
#include "actors/outbound_reply.hpp"
#include "actors/spawn_work.hpp"
#include "actors/user_code_call.hpp"
#include "core/engine/import_hooks.hpp"

namespace integrator {

namespace json = boost::json;

namespace {

struct inbound_page {
  record_page page;
  page_source_actor from;
};

// The page being worked on: its records, their outcomes, the requests out.
// When some records of the page are in other lanes (routers), `page` holds
// only this stage's and `picked` says where they were in `whole`.
struct work {
  record_page page;
  record_page whole;
  bool narrowed = false;              ///< false: page is the whole page
  std::vector<std::uint32_t> picked;  ///< where page's records are in whole
  page_source_actor from;
  std::vector<json::value> records;
  std::vector<record_outcome> outcomes;
  std::vector<import_request> requests;
  std::vector<lookup_call> lookups;  ///< dynamic lookups, answered before staging
  lookup_results found;
  std::size_t outstanding = 0;
  // With hooks (import_hooks.hpp): the records through the mapping, the
  // records the hook out was given, and the errors hooks logged.
  std::optional<mapped_page> mapping;
  std::vector<std::size_t> in_play;
  std::vector<job_error_entry> logged;
  bool responded = false;  ///< responseMapping (and postResponseMap) done on the records
};

// A request's tag: its page's generation, whether it is a lookup, its index.
// A hook call's tag is its page's generation and the hook.
constexpr std::uint64_t lookup_bit = 1u << 23;
constexpr std::uint64_t index_mask = lookup_bit - 1;

struct import_state {
  std::shared_ptr<const node_services> services;
  std::shared_ptr<const flow_plan> plan;
  const import_step* step = nullptr;
  stage_links links;
  std::uint16_t lane = 0;  ///< the records this stage works on
  std::deque<inbound_page> inbox;
  page_relay relay;
  bool last = false;  ///< no stage follows: records end here
  std::map<std::uint64_t, work> active;  ///< pages being worked on, by generation
  bool ended = false;
  std::int32_t ends_left = 1;  ///< upstreams yet to end
  std::uint64_t generation = 0;
  std::optional<object_id_generator> ids;
  static inline const char* name = "import_stage";
};

using import_ptr = import_stage_actor::stateful_pointer<import_state>;

void process_next(import_ptr self);

void maybe_end(import_ptr self) {
  auto& st = self->state;
  if (st.ended && st.inbox.empty() && st.active.empty() && st.relay.outbox.empty()) {
    self->send(st.links.downstream, end_atom::value);
    self->quit();
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
  auto v = parse_json(text, ec);
  return ec ? std::string() : trace_key_of(v);
}

bool call_hook(import_ptr self, std::uint64_t gen, import_hook h);

// Whether record i's outcome lets it go on to the next station.
bool passes(import_ptr self, const record_outcome& out) {
  using k = record_outcome::kind;
  bool failed = out.what != k::filtered && out.what != k::ignored && out.what != k::succeeded;
  return !failed || self->state.step->plan->proceed_on_failure();
}

// Before a page's records go on: responseMapping on those that do, then
// the step's postResponseMap on them. True when the hook's call is out
// (finish_page comes again with its answer).
bool respond(import_ptr self, std::uint64_t gen) {
  auto& st = self->state;
  auto& w = st.active.at(gen);
  if (w.responded || st.last || !st.step->hooks.post_response_map || w.records.empty())
    return false;
  w.responded = true;
  std::vector<std::size_t> going_on;
  for (std::size_t i = 0; i < w.records.size(); ++i)
    if (passes(self, w.outcomes[i])) {
      st.step->plan->map_response(w.records[i], w.outcomes[i]);
      going_on.push_back(i);
    }
  w.in_play = std::move(going_on);
  return call_hook(self, gen, import_hook::post_response_map);
}

void finish_page(import_ptr self, std::uint64_t gen) {
  auto& st = self->state;
  if (respond(self, gen))
    return;
  auto& w = st.active.at(gen);
  stage_report r;
  r.counts.num_pages_processed = 1;
  bool forwards = !st.last;
  std::size_t total = w.narrowed ? w.whole.size() : w.page.size();
  page_builder next(total + 1, max_page_bytes * 2);
  auto now = wall_clock_ms();
  bool parsed = !w.records.empty();
  std::size_t own = 0;  // the next record of w.page
  for (std::size_t j = 0; j < total; ++j) {
    if (w.narrowed && (own == w.picked.size() || w.picked[own] != j)) {
      if (forwards)  // another lane's record
        next.append(w.whole.record(j), w.whole.lane(j));
      continue;
    }
    auto i = own++;
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
        e.step_id = st.step->import_id;
        e.source = out.source ? out.source : st.step->lookup ? "lookup" : "import";
        e.code = out.code.empty() ? std::string(code_name(error_code::import_failed)) : out.code;
        e.message = out.message;
        e.trace_key = parsed ? trace_key_of(w.records[i]) : trace_key_of(w.page.record(i));
        e.retry_data_key = st.ids->next(static_cast<std::uint32_t>(now / 1000));
        e.retry_data = std::string(w.page.record(i));
        e.occurred_at = now;
        r.errors.push_back(std::move(e));
      }
    }
    if (forwards && pass) {
      if (parsed) {
        if (!w.responded)
          st.step->plan->map_response(w.records[i], out);
        next.append(json::serialize(w.records[i]), st.lane);
      } else {
        next.append(w.page.record(i), st.lane);
      }
    }
  }
  for (auto& e : w.logged) {
    e.step_id = st.step->import_id;
    r.errors.push_back(std::move(e));
  }
  st.links.stamp(r);
  self->send(st.links.job, report_atom::value, std::move(r));
  // The last stage hands the job the page's origin alone: it has gone
  // through the flow.
  st.relay.push(next.take(w.narrowed ? w.whole.origin() : w.page.origin()), w.from);
  st.active.erase(gen);
  st.relay.drain(self, st.links.downstream);
  process_next(self);
  maybe_end(self);
}

void submit(import_ptr self, std::uint64_t tag, const std::string& method, const std::string& target,
            std::string body, const header_list& headers) {
  auto& st = self->state;
  const auto& endpoint = *st.step->endpoint;
  call_out(*st.services->outbound, endpoint, st.step->connection_id,
           endpoint.request(method, target, std::move(body), headers),
           caf::actor_cast<import_stage_actor>(self), tag);
}

// Sends the page's staged requests (or finishes it when there are none).
void settled(import_ptr self, std::uint64_t gen);

void send_requests(import_ptr self, std::uint64_t gen) {
  auto& w = self->state.active.at(gen);
  w.outstanding = w.requests.size();
  if (w.outstanding == 0) {
    settled(self, gen);
    return;
  }
  for (std::size_t q = 0; q < w.requests.size(); ++q) {
    auto& req = w.requests[q];
    submit(self, (gen << 24) | q, req.method, req.target, std::move(req.body), req.headers);
  }
}

// Calls hook `h` on the page's records in play; the answer comes back
// tagged with the page and the hook. False, calling nothing, when the step
// has no such hook or no record is in play: the caller goes on.
bool call_hook(import_ptr self, std::uint64_t gen, import_hook h) {
  auto& st = self->state;
  auto& w = st.active.at(gen);
  if (!st.step->hooks.of(h))
    return false;
  if (h != import_hook::post_response_map)  // (respond() picks its records)
    w.in_play = records_in_play(h, w.outcomes, w.records.size());
  if (w.in_play.empty())
    return false;
  auto options = import_hook_options(h, *st.plan, *st.step, w.in_play, w.records,
                                     w.mapping ? &*w.mapping : nullptr, w.outcomes);
  auto type = h == import_hook::wrapper ? extension_type::wrapper : extension_type::hook;
  call_user_function(*st.services, st.links.account, "", *st.step->hooks.of(h), type, options,
                     caf::actor_cast<import_stage_actor>(self), (gen << 24) | static_cast<std::uint64_t>(h));
  return true;
}

const lookup_results* found_of(import_ptr self, work& w) {
  return self->state.step->plan->has_lookups() ? &w.found : nullptr;
}

// The mapped records become requests (or go to the import wrapper).
void build_page(import_ptr self, std::uint64_t gen) {
  auto& st = self->state;
  auto& w = st.active.at(gen);
  if (st.step->hooks.wrapper) {
    if (!call_hook(self, gen, import_hook::wrapper))
      settled(self, gen);
    return;
  }
  w.requests = st.step->plan->build_requests(w.records, *w.mapping, st.plan->settings, w.outcomes,
                                             found_of(self, w));
  send_requests(self, gen);
}

// The lookups are answered: stages the page with what they found (with
// hooks, in two steps: postMap goes between the mapping and the requests).
void send_page(import_ptr self, std::uint64_t gen) {
  auto& st = self->state;
  auto& w = st.active.at(gen);
  if (!st.step->hooks.any()) {
    w.requests = st.step->plan->stage(w.records, st.plan->settings, w.outcomes, found_of(self, w));
    send_requests(self, gen);
    return;
  }
  w.mapping = st.step->plan->map_records(w.records, st.plan->settings, w.outcomes, found_of(self, w));
  if (!call_hook(self, gen, import_hook::post_map))
    build_page(self, gen);
}

void look_up(import_ptr self, std::uint64_t gen);

// The page's records are parsed (and through the input filter): preMap.
void pre_map(import_ptr self, std::uint64_t gen) {
  if (!call_hook(self, gen, import_hook::pre_map))
    look_up(self, gen);
}

// The page's records are parsed (and through preMap): asks the lookups,
// or stages the page.
void look_up(import_ptr self, std::uint64_t gen) {
  auto& st = self->state;
  auto& w = st.active.at(gen);
  const auto& plan = *st.step->plan;
  if (!plan.has_lookups()) {
    send_page(self, gen);
    return;
  }
  w.lookups = plan.lookup_calls(w.records, st.plan->settings, w.found);
  w.outstanding = w.lookups.size();
  for (std::size_t q = 0; q < w.lookups.size(); ++q) {
    auto& c = w.lookups[q];
    submit(self, (gen << 24) | lookup_bit | q, c.method, c.target, std::move(c.body), {});
  }
  if (w.outstanding == 0)
    send_page(self, gen);
}

// Every request of the page is answered.
void settled(import_ptr self, std::uint64_t gen) {
  if (!call_hook(self, gen, import_hook::post_submit))
    finish_page(self, gen);
}

void process_next(import_ptr self) {
  auto& st = self->state;
  // Up to pages_in_flight pages at once (their requests overlap), as long
  // as finished ones are not piling up for want of credit downstream.
  auto limit = static_cast<std::size_t>(std::max(1, st.services->pages_in_flight));
  if (st.active.size() >= limit || st.inbox.empty() || st.relay.outbox.size() >= limit)
    return;
  auto in = std::move(st.inbox.front());
  st.inbox.pop_front();
  auto gen = ++st.generation;
  auto& w = st.active[gen];
  w.page = std::move(in.page);
  w.from = std::move(in.from);
  if (auto mine = pick_lane(w.page, st.lane)) {
    w.narrowed = true;
    w.whole = std::move(w.page);
    w.page = std::move(mine->page);
    w.picked = std::move(mine->picked);
  }
  const auto& plan = *st.step->plan;
  if ((plan.has_lookups() || st.step->hooks.any()) && w.page.size() > 0) {
    for (std::size_t i = 0; i < w.page.size(); ++i) {
      boost::system::error_code ec;
      w.records.push_back(parse_json(w.page.record(i), ec));
      if (ec)
        w.records.back() = nullptr;  // fails as invalid_record when staged
    }
    w.outcomes.assign(w.records.size(), {});  // the hooks may decide some
    if (!call_hook(self, gen, import_hook::input_filter))
      pre_map(self, gen);
  } else {
    // Records are parsed only when responseMapping needs them afterwards
    // (or the plan cannot work from text).
    if (w.page.size() > 0)
      w.requests = plan.stage_page(w.page, st.plan->settings, !st.last && plan.maps_response(),
                                   w.records, w.outcomes);
    send_requests(self, gen);
  }
  process_next(self);  // another page, if the limit allows
}

import_stage_actor::behavior_type import_impl(import_ptr self,
                                              std::shared_ptr<const node_services> services,
                                              std::shared_ptr<const flow_plan> plan,
                                              std::size_t processor, stage_links links) {
  auto& st = self->state;
  st.services = std::move(services);
  st.plan = std::move(plan);
  st.step = &st.plan->processors[processor];
  st.links = std::move(links);
  st.ends_left = st.links.upstreams;
  auto station = st.plan->station_of(processor);
  st.lane = st.plan->stations[station].lane;
  st.last = station + 1 == st.plan->stations.size();
  st.relay.credit = st.services->pages_in_flight;
  st.ids.emplace(make_id_generator());
  return {
    [=](page_atom, record_page& page) {
      auto& st = self->state;
      st.inbox.push_back({std::move(page), sender_of(self)});
      process_next(self);
    },
    [=](http_atom, std::uint64_t tag, outbound_response& resp) {
      auto& st = self->state;
      auto it = st.active.find(tag >> 24);
      if (it == st.active.end())
        return;
      auto& w = it->second;
      bool lookup = (tag & lookup_bit) != 0;
      if (lookup)
        st.step->plan->settle_lookup(w.lookups[tag & index_mask], resp, w.found);
      else  // postSubmit sees each record's part of the answer (_json)
        st.step->plan->settle(w.requests[tag & index_mask], resp, w.outcomes,
                              st.step->hooks.post_submit != nullptr);
      if (--w.outstanding > 0)
        return;
      if (lookup)
        send_page(self, it->first);
      else
        settled(self, it->first);
    },
    [=](code_atom, std::uint64_t tag, user_code_answer& answer) {
      auto& st = self->state;
      auto gen = tag >> 24;
      auto it = st.active.find(gen);
      if (it == st.active.end())
        return;
      auto& w = it->second;
      auto h = static_cast<import_hook>(tag & 0xFF);
      auto logged = apply_import_hook(h, answer, w.in_play, w.records, w.mapping ? &*w.mapping : nullptr,
                                      w.outcomes, wall_clock_ms());
      std::move(logged.begin(), logged.end(), std::back_inserter(w.logged));
      switch (h) {
        case import_hook::input_filter: pre_map(self, gen); break;
        case import_hook::pre_map: look_up(self, gen); break;
        case import_hook::post_map: build_page(self, gen); break;
        case import_hook::wrapper: settled(self, gen); break;
        case import_hook::post_submit:
        case import_hook::post_response_map: finish_page(self, gen); break;
      }
    },
    [=](credit_atom, std::int32_t n) {
      self->state.relay.credit += n;
      self->state.relay.drain(self, self->state.links.downstream);
      process_next(self);
      maybe_end(self);
    },
    [=](end_atom) {
      self->state.ended = --self->state.ends_left <= 0;
      maybe_end(self);
    },
  };
}

}  // namespace

import_stage_actor spawn_import_stage(caf::local_actor* parent,
                                      std::shared_ptr<const node_services> services,
                                      std::shared_ptr<const flow_plan> plan, std::size_t processor,
                                      stage_links links) {
  bool detach = services->detach && plan->isolate_stages;
  return spawn_linked_work(parent, detach, import_impl, std::move(services), std::move(plan), processor,
                           std::move(links));
}

}  // namespace integrator
