#include "core/engine/job_checkpoint.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cstdio>

#include "core/engine/flow_plan.hpp"
#include "core/json/json_depth.hpp"
#include "core/json/record_page.hpp"

namespace integrator {

namespace json = boost::json;

namespace {

std::int64_t int_of(const json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  return v && v->is_int64() ? v->get_int64() : 0;
}

bool bool_of(const json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  return v && v->is_bool() && v->get_bool();
}

// FNV-1a, 64 bits: stable across builds and platforms, which std::hash is not.
void digest(std::uint64_t& h, std::string_view text) {
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  h ^= 0xff;  // a separator no JSON text holds, so "ab","c" differs from "a","bc"
  h *= 1099511628211ull;
}

}  // namespace

std::string job_checkpoint::to_json() const {
  json::array gens;
  for (const auto& g : generators)
    gens.push_back(json::object{{"started", g.started},
                                {"position", g.at.position},
                                {"skip", g.at.skip},
                                {"kept", g.at.kept},
                                {"pages", g.at.pages},
                                {"done", g.at.done}});
  json::array step_docs;
  for (const auto& s : steps)
    step_docs.emplace_back(s);
  json::object o{{"spec", spec_digest},
                 {"now", plan_now},
                 {"generators", std::move(gens)},
                 {"steps", std::move(step_docs)}};
  if (counts) {
    json::object c;
    counts->put_into(c);
    o["counts"] = std::move(c);
  }
  if (shutdown)
    o["shutdown"] = true;
  return json::serialize(o);
}

std::optional<job_checkpoint> job_checkpoint::from_json(std::string_view text) {
  boost::system::error_code ec;
  auto v = parse_json(text, ec);
  if (ec || !v.is_object())
    return std::nullopt;
  const auto& o = v.get_object();
  job_checkpoint c;
  if (const auto* s = o.if_contains("spec"); s && s->is_string())
    c.spec_digest = s->get_string();
  c.plan_now = int_of(o, "now");
  c.shutdown = bool_of(o, "shutdown");
  if (const auto* gens = o.if_contains("generators"); gens && gens->is_array())
    for (const auto& g : gens->get_array()) {
      if (!g.is_object())
        return std::nullopt;
      const auto& go = g.get_object();
      generator_checkpoint gc;
      gc.started = bool_of(go, "started");
      if (const auto* p = go.if_contains("position"); p && p->is_string())
        gc.at.position = p->get_string();
      gc.at.skip = int_of(go, "skip");
      gc.at.kept = int_of(go, "kept");
      gc.at.pages = int_of(go, "pages");
      gc.at.done = bool_of(go, "done");
      c.generators.push_back(std::move(gc));
    }
  if (const auto* n = o.if_contains("counts"); n && n->is_object())
    c.counts = job_counts::read_from(n->get_object());
  if (const auto* steps = o.if_contains("steps"); steps && steps->is_array())
    for (const auto& s : steps->get_array())
      if (s.is_string())
        c.steps.emplace_back(s.get_string());
  return c;
}

std::string spec_digest(const job_spec& spec) {
  std::uint64_t h = 14695981039346656037ull;
  digest(h, spec.flow);
  for (const auto* docs : {&spec.exports, &spec.imports, &spec.connections, &spec.stacks, &spec.scripts})
    for (const auto& [id, text] : *docs) {
      digest(h, id);
      digest(h, text);
    }
  for (const auto& [id, mark] : spec.marks) {
    digest(h, id);
    digest(h, std::to_string(mark));
  }
  char out[17];
  std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(h));
  return out;
}

checkpoint_tracker::checkpoint_tracker(std::size_t generators, std::int64_t lag)
  : generators_(generators), made_(generators), last_through_(generators, 0), ahead_(generators),
    exhausted_(generators, false), lag_(std::max<std::int64_t>(lag, 1)) {
  // nop
}

void checkpoint_tracker::restore(const std::vector<generator_checkpoint>& saved) {
  for (std::size_t g = 0; g < saved.size() && g < generators_.size(); ++g) {
    generators_[g] = saved[g];
    last_through_[g] = static_cast<std::uint64_t>(saved[g].at.pages);
  }
}

void checkpoint_tracker::started(std::size_t g) {
  if (g < generators_.size())
    generators_[g].started = true;
}

void checkpoint_tracker::page_made(std::uint64_t origin, resume_point after) {
  auto g = origin_generator(origin);
  if (g < 0 || static_cast<std::size_t>(g) >= generators_.size())
    return;
  auto k = static_cast<std::size_t>(g);
  std::uint64_t number = origin & ((std::uint64_t{1} << 40) - 1);
  if (number <= last_through_[k])  // through before its report came
    generators_[k].at = std::move(after);
  else
    made_[k].push_back({number, std::move(after)});
}

bool checkpoint_tracker::page_through(std::uint64_t origin) {
  auto g = origin_generator(origin);
  if (g >= 0 && static_cast<std::size_t>(g) < generators_.size()) {
    auto k = static_cast<std::size_t>(g);
    // Pages may come through out of order (an import's calls overlap): the
    // generator goes on only after the pages through without a gap.
    auto& ahead = ahead_[k];
    ahead.insert(origin_number(origin));
    while (!ahead.empty() && *ahead.begin() <= last_through_[k] + 1) {
      last_through_[k] = std::max(last_through_[k], *ahead.begin());
      ahead.erase(ahead.begin());
    }
    while (!made_[k].empty() && made_[k].front().number <= last_through_[k]) {
      generators_[k].at = std::move(made_[k].front().after);
      made_[k].pop_front();
    }
    if (exhausted_[k] && made_[k].empty())
      generators_[k].at.done = true;
  }
  ++through_;
  if (through_ - durable_ <= lag_)
    return true;
  ++held_;
  return false;
}

bool checkpoint_tracker::is_through(std::uint64_t origin) const {
  auto g = origin_generator(origin);
  return g >= 0 && static_cast<std::size_t>(g) < generators_.size()
         && origin_number(origin) <= last_through_[static_cast<std::size_t>(g)];
}

void checkpoint_tracker::generator_done(std::size_t g) {
  if (g >= generators_.size())
    return;
  exhausted_[g] = true;
  if (made_[g].empty())
    generators_[g].at.done = true;
}

std::int64_t checkpoint_tracker::written() {
  durable_ = std::max(durable_, in_write_);
  // The held credits are those of the last held_ pages through; page i
  // (counting from 1) may go once i <= durable_ + lag_.
  auto first_held = through_ - held_ + 1;
  auto release = std::clamp<std::int64_t>(durable_ + lag_ - first_held + 1, 0, held_);
  held_ -= release;
  return release;
}

}  // namespace integrator
