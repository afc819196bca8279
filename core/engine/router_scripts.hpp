#pragma once
// A router's user code (integrator-api.md §7.4, §9): a router whose
// routeRecordsUsing is "script" calls its script's function once per
// record and enters the branches it answers (their indices: an array, or
// one number); a branch whose inputFilter is a script calls that function
// once per record and takes those it answers truthy for. Each is one call
// per page on the records the router routes. A call that fails turns
// those records into errors of the flow job (source input_filter) with
// retry data, and a retry sends them through the router again.

#include <boost/json/value.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/engine/job_model.hpp"
#include "core/engine/user_code_answer.hpp"
#include "core/engine/user_function.hpp"
#include "core/lang/flow_routes.hpp"
#include "core/util/object_id.hpp"

namespace integrator {

struct flow_plan;

/// The user code of one router, resolved: its script (by_script), and per
/// branch the script of its inputFilter (null: none).
struct router_code {
  std::shared_ptr<const user_function> script;
  std::vector<std::shared_ptr<const user_function>> branch_filters;

  /// Resolves router `step`'s code from its document `doc` (an entry of
  /// the flow's routers[]) against the job's scripts.
  static result<router_code> resolve(const router_step& step, const boost::json::value& doc,
                                     const document_texts& scripts);
};

/// The calls a page needs, in order: the router's script (branch = -1),
/// or each scripted branch's filter.
struct router_call {
  int branch = -1;
  const user_function* fn = nullptr;
};
std::vector<router_call> router_calls(const router_code& code);

/// The options of a router call on `routed` (the records it routes):
/// {records, settings, _flowId, _integrationId, _routerId, branches:[names]}.
std::string router_call_options(const flow_plan& plan, const router_step& step, const record_page& routed);

/// Reads the answer of `call` into `decided` (sized for `routed`); false,
/// with `why`, when the call failed or answered the wrong shape.
bool read_router_answer(const router_call& call, user_code_answer& answer, const router_step& step,
                        std::size_t routed, route_decisions& decided, std::string& why, std::string& code);

/// The errors of the records of `routed` when a call failed.
std::vector<job_error_entry> router_errors(const router_step& step, const record_page& routed,
                                           const std::string& code, const std::string& why,
                                           object_id_generator& ids, std::int64_t now_ms);

}  // namespace integrator
