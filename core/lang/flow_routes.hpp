#pragma once
// A flow's page processors laid out in one line, routers included (§7.4).
//
// A router sends each record into one branch (first_matching_branch) or
// every matching one (all_matching_branches); a branch's processors follow,
// then its nextRouterId, if any. Rather than a graph of actors, the engine
// keeps its single line of stages with credit between neighbours: the
// routers in topological order, each followed by its branches' processors,
// and every record carries a lane, the branch it is in (0 before the first
// router). A processor works on the records of its lane and passes the
// others on untouched; a router routes the lanes that lead to it, passes
// those headed for a later router and drops those whose branch has ended.
// Branches thus run in sequence on a page while pages still overlap.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/lang/filter_expression.hpp"
#include "core/json/record_page.hpp"

#include "core/util/result.hpp"

namespace integrator {

struct route_branch {
  std::string name;
  std::optional<filter_expression> filter;  ///< none: catches every record (unless scripted)
  /// Its inputFilter is a script ({"type":"script"}): route_decisions say
  /// which records it takes (the flow plan resolves the script).
  bool scripted = false;
  std::uint16_t lane = 0;
  bool discards = false;  ///< no processors and no next router
};

/// What a router's user code decided for the records a router routes
/// (those of its routed lanes, in page order): by a router script, the
/// branches each enters; by scripted branch filters, per such branch,
/// whether it takes each record. `failed`: the code failed, the records
/// enter no branch (the stage records them as errors).
struct route_decisions {
  std::vector<std::vector<std::uint32_t>> chosen;  ///< [record] → branch indices
  std::vector<std::vector<bool>> takes;            ///< [branch] → [record]; empty: not scripted
  bool failed = false;
};

struct router_step {
  enum class lane_action : std::uint8_t { drop, pass, route };

  std::string id;  ///< the router's id, else router-<n> (n: its place in routers[])
  std::size_t doc_index = 0;  ///< its place in the flow's routers[]
  bool by_script = false;     ///< routeRecordsUsing script: its script picks the branches
  bool all_matching = false;
  std::vector<route_branch> branches;
  std::vector<lane_action> actions;  ///< by lane; lanes beyond it drop

  lane_action action(std::uint16_t lane) const {
    return lane < actions.size() ? actions[lane] : lane_action::drop;
  }

  /// Whether user code decides where records go (route_decisions).
  bool runs_code() const;

  /// The lanes `record` enters here, in branch order (discarding branches
  /// included: entering one ends the record); `decided` and `k` (the
  /// record's place among those routed) give what user code decided.
  void route(const boost::json::value& record, const boost::json::value& settings,
             std::vector<const route_branch*>& into, const route_decisions* decided = nullptr,
             std::size_t k = 0) const;

  /// The records of `page` this router routes (lanes it routes), in order.
  record_page routed_records(const record_page& page) const;

  struct routed {
    record_page page;
    std::size_t ignored = 0;  ///< records routed into no branch that goes on
  };
  /// Routes one page: each record of a routed lane once per branch it
  /// enters (a copy per branch), others passed or dropped by their lane.
  routed route_page(const record_page& page, const boost::json::value& settings,
                    const route_decisions* decided = nullptr) const;
};

/// One stage of the line: a router, or a page processor with its lane.
struct flow_station {
  bool router = false;
  std::size_t index = 0;  ///< into flow_routes::routers, or the flow's processors
  std::uint16_t lane = 0;  ///< a router's: the first lane it routes (a retry's records enter there)
};

/// The records of one lane taken out of a page that holds others too.
struct lane_pick {
  record_page page;                   ///< just those records, same origin
  std::vector<std::uint32_t> picked;  ///< where each was in the whole page
};

/// What a processor of `lane` works on; nullopt when every record of
/// `page` is in that lane, so the page serves as it is.
std::optional<lane_pick> pick_lane(const record_page& page, std::uint16_t lane);

struct flow_routes {
  std::vector<router_step> routers;
  std::vector<flow_station> stations;
  /// pageProcessors entries in station order (processor stations only).
  std::vector<boost::json::value> processor_entries;

  /// Lays out the flow's pageProcessors, or its routers from routers[0]
  /// on. Fails for a nextRouterId that names no router, a cycle or a bad
  /// branch filter.
  static result<flow_routes> of(const boost::json::object& flow);

  /// Calls `f(entry)` for every pageProcessors entry of the flow, in its
  /// pageProcessors or in any branch of any router.
  template <class F>
  static void each_processor_entry(const boost::json::object& flow, F&& f) {
    auto walk = [&](const boost::json::value* list) {
      if (list && list->is_array())
        for (const auto& p : list->get_array())
          if (p.is_object())
            f(p.get_object());
    };
    walk(flow.if_contains("pageProcessors"));
    if (const auto* rs = flow.if_contains("routers"); rs && rs->is_array())
      for (const auto& r : rs->get_array())
        if (const auto* bs = r.is_object() ? r.get_object().if_contains("branches") : nullptr;
            bs && bs->is_array())
          for (const auto& b : bs->get_array())
            if (b.is_object())
              walk(b.get_object().if_contains("pageProcessors"));
  }
};

}  // namespace integrator
