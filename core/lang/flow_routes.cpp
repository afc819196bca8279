#include "core/lang/flow_routes.hpp"
#include "core/json/json_depth.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <limits>
#include <map>

#include "core/json/json_path.hpp"

namespace integrator {

namespace json = boost::json;

namespace {

const json::array* array_at(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_array() ? &v->get_array() : nullptr;
}

constexpr std::size_t no_router = std::numeric_limits<std::size_t>::max();

// The routers as a graph: per router, per branch, the router it leads to.
struct router_graph {
  std::vector<const json::object*> docs;
  std::vector<std::vector<std::size_t>> next;  ///< [router][branch]
  std::vector<std::size_t> order;              ///< reachable from routers[0], topologically

  result<void> build(const json::array& routers) {
    std::map<std::string, std::size_t> by_id;
    for (const auto& r : routers) {
      if (!r.is_object())
        return invalid_input("every router must be an object", "routers");
      docs.push_back(&r.get_object());
      if (auto id = string_member(r.get_object(), "id"); !id.empty())
        by_id.emplace(id, docs.size() - 1);
    }
    auto resolve = [&](const std::string& id, std::size_t& into) -> result<void> {
      if (id.empty())
        return {};
      auto it = by_id.find(id);
      if (it == by_id.end())
        return invalid_input("nextRouterId \"" + id + "\" names no router of the flow", "routers");
      into = it->second;
      return {};
    };
    for (const auto* doc : docs) {
      next.emplace_back();
      std::size_t shared = no_router;  // the router-level nextRouterId
      if (auto r = resolve(string_member(*doc, "nextRouterId"), shared); !r)
        return r;
      if (const auto* bs = array_at(*doc, "branches"))
        for (const auto& b : *bs) {
          std::size_t own = shared;
          if (b.is_object())
            if (auto r = resolve(string_member(b.get_object(), "nextRouterId"), own); !r)
              return r;
          next.back().push_back(own);
        }
    }
    return sort();
  }

  // Depth first from routers[0]; reversed post-order is topological.
  result<void> sort() {
    enum class mark : std::uint8_t { none, open, done };
    std::vector<mark> marks(docs.size(), mark::none);
    std::vector<std::size_t> post;
    bool cyclic = false;
    auto visit = [&](auto&& self, std::size_t r) -> void {
      if (marks[r] == mark::done || cyclic)
        return;
      if (marks[r] == mark::open) {
        cyclic = true;
        return;
      }
      marks[r] = mark::open;
      for (auto n : next[r])
        if (n != no_router)
          self(self, n);
      marks[r] = mark::done;
      post.push_back(r);
    };
    visit(visit, 0);
    if (cyclic)
      return invalid_input("the routers' nextRouterIds form a cycle", "routers");
    order.assign(post.rbegin(), post.rend());
    return {};
  }
};

}  // namespace

bool router_step::runs_code() const {
  return by_script || std::any_of(branches.begin(), branches.end(), [](const route_branch& b) { return b.scripted; });
}

void router_step::route(const json::value& record, const json::value& settings,
                        std::vector<const route_branch*>& into, const route_decisions* decided,
                        std::size_t k) const {
  into.clear();
  if (decided && decided->failed)
    return;
  if (by_script) {  // the script's branches, each once, in its order
    if (!decided || k >= decided->chosen.size())
      return;
    for (auto b : decided->chosen[k]) {
      if (b >= branches.size() || std::find(into.begin(), into.end(), &branches[b]) != into.end())
        continue;
      into.push_back(&branches[b]);
      if (!all_matching)
        return;
    }
    return;
  }
  for (std::size_t b = 0; b < branches.size(); ++b) {
    const auto& branch = branches[b];
    if (branch.scripted) {
      const auto* takes = decided && b < decided->takes.size() ? &decided->takes[b] : nullptr;
      if (!takes || k >= takes->size() || !(*takes)[k])
        continue;
    } else if (branch.filter && !branch.filter->matches(record, settings)) {
      continue;
    }
    into.push_back(&branch);
    if (!all_matching)
      return;
  }
}

record_page router_step::routed_records(const record_page& page) const {
  page_builder builder(page.size() + 1, std::numeric_limits<std::size_t>::max());
  for (std::size_t i = 0; i < page.size(); ++i)
    if (action(page.lane(i)) == lane_action::route)
      builder.append(page.record(i));
  return builder.take(page.origin());
}

router_step::routed router_step::route_page(const record_page& page, const json::value& settings,
                                            const route_decisions* decided) const {
  routed out;
  page_builder builder(page.size() * std::max<std::size_t>(1, branches.size()) + 1,
                       std::numeric_limits<std::size_t>::max());
  std::vector<const route_branch*> entered;
  std::size_t k = 0;  // the record's place among those routed
  for (std::size_t i = 0; i < page.size(); ++i) {
    auto lane = page.lane(i);
    auto text = page.record(i);
    auto what = action(lane);
    if (what == router_step::lane_action::drop)
      continue;
    if (what == router_step::lane_action::pass) {
      builder.append(text, lane);
      continue;
    }
    boost::system::error_code ec;
    auto record = parse_json(text, ec);
    if (ec)
      record = nullptr;  // only a branch without a filter takes it
    route(record, settings, entered, decided, k++);
    bool goes_on = false;
    for (const auto* b : entered)
      if (!b->discards) {
        builder.append(text, b->lane);
        goes_on = true;
      }
    if (!goes_on && !(decided && decided->failed))
      ++out.ignored;
  }
  out.page = builder.take(page.origin());
  return out;
}

std::optional<lane_pick> pick_lane(const record_page& page, std::uint16_t lane) {
  if (!page.has_lanes() && lane == 0)
    return std::nullopt;
  lane_pick out;
  page_builder mine(page.size() + 1, std::numeric_limits<std::size_t>::max());
  for (std::size_t j = 0; j < page.size(); ++j)
    if (page.lane(j) == lane) {
      mine.append(page.record(j), lane);
      out.picked.push_back(static_cast<std::uint32_t>(j));
    }
  if (out.picked.size() == page.size())
    return std::nullopt;
  out.page = mine.take(page.origin());
  return out;
}

result<flow_routes> flow_routes::of(const json::object& flow) {
  flow_routes out;
  const auto* routers = array_at(flow, "routers");
  if (!routers || routers->empty()) {
    each_processor_entry(flow, [&](const json::object& entry) {
      out.stations.push_back({false, out.processor_entries.size(), 0});
      out.processor_entries.emplace_back(entry);
    });
    return out;
  }
  router_graph graph;
  if (auto built = graph.build(*routers); !built)
    return built.error();
  // Lanes: 0 before the first router, then one per branch in layout order.
  std::vector<std::vector<std::uint16_t>> lane_of(graph.docs.size());
  std::vector<std::size_t> position(graph.docs.size(), no_router);
  std::uint16_t lanes = 0;
  for (std::size_t k = 0; k < graph.order.size(); ++k) {
    auto r = graph.order[k];
    position[r] = k;
    for (std::size_t b = 0; b < graph.next[r].size(); ++b) {
      if (lanes == std::numeric_limits<std::uint16_t>::max())
        return invalid_input("the flow has too many router branches", "routers");
      lane_of[r].push_back(++lanes);
    }
  }
  for (auto r : graph.order) {
    const auto& doc = *graph.docs[r];
    router_step step;
    step.id = string_member(doc, "id");
    if (step.id.empty())
      step.id = "router-" + std::to_string(r);
    step.doc_index = r;
    auto label = "router " + step.id;
    step.by_script = string_member(doc, "routeRecordsUsing") == "script";
    step.all_matching = string_member(doc, "routeRecordsTo") == "all_matching_branches";
    step.actions.assign(lanes + 1u, router_step::lane_action::drop);
    if (r == graph.order.front())
      step.actions[0] = router_step::lane_action::route;
    for (auto from : graph.order)
      for (std::size_t b = 0; b < graph.next[from].size(); ++b) {
        auto to = graph.next[from][b];
        if (to == r)
          step.actions[lane_of[from][b]] = router_step::lane_action::route;
        else if (to != no_router && position[to] > position[r] && position[from] < position[r])
          step.actions[lane_of[from][b]] = router_step::lane_action::pass;
      }
    std::uint16_t first_routed = 0;
    for (std::size_t lane = 0; lane < step.actions.size(); ++lane)
      if (step.actions[lane] == router_step::lane_action::route) {
        first_routed = static_cast<std::uint16_t>(lane);
        break;
      }
    out.stations.push_back({true, out.routers.size(), first_routed});
    const auto* branches = array_at(doc, "branches");
    for (std::size_t b = 0; branches && b < branches->size(); ++b) {
      route_branch branch;
      branch.lane = lane_of[r][b];
      const auto* bo = (*branches)[b].if_object();
      if (bo) {
        branch.name = string_member(*bo, "name");
        const auto* f = bo->if_contains("inputFilter");
        branch.scripted = f && f->is_object() && string_member(f->get_object(), "type") == "script";
        if (f && !f->is_null() && !branch.scripted && !step.by_script) {
          auto filter = filter_expression::compile_filter(*f);
          if (!filter)
            return invalid_input(label + " branch " + std::to_string(b) + ": " + filter.error().message,
                                 "routers");
          branch.filter = std::move(*filter);
        }
      }
      const auto* procs = bo ? array_at(*bo, "pageProcessors") : nullptr;
      for (std::size_t p = 0; procs && p < procs->size(); ++p)
        if ((*procs)[p].is_object()) {
          out.stations.push_back({false, out.processor_entries.size(), branch.lane});
          out.processor_entries.push_back((*procs)[p]);
        }
      branch.discards = (!procs || procs->empty()) && graph.next[r][b] == no_router;
      step.branches.push_back(std::move(branch));
    }
    out.routers.push_back(std::move(step));
  }
  return out;
}

}  // namespace integrator
