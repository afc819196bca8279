#pragma once
// The calls an import page needs (core/engine/import_page_run.hpp), made
// for whichever actor runs the page: a flow's import stage, a standalone
// import. A hook's call, lookups or requests go out tagged with the page's
// generation (and, for lookups and requests, whether it is a lookup and its
// index); their answers come back to the actor, which hands them here.

#include <cstdint>
#include <optional>
#include <string>

#include "actors/node_services.hpp"
#include "actors/outbound_reply.hpp"
#include "actors/user_code_call.hpp"
#include "core/engine/flow_plan.hpp"
#include "core/engine/import_page_run.hpp"

namespace integrator {

/// A page call's tag: the page's generation, a lookup's bit, the index.
struct page_call_tag {
  static constexpr std::uint64_t lookup_bit = 1u << 23;
  static constexpr std::uint64_t index_mask = lookup_bit - 1;
  std::uint64_t gen = 0;
  bool lookup = false;
  std::size_t index = 0;

  std::uint64_t value() const { return (gen << 24) | (lookup ? lookup_bit : 0) | index; }
  static page_call_tag of(std::uint64_t tag) { return {tag >> 24, (tag & lookup_bit) != 0, tag & index_mask}; }
};

/// Makes the calls `need` asks for page `gen` of `run` (step `step`, for
/// `account`; its requests through the outbound gate `gate`). How many
/// lookup or request answers to wait for: 0 after a hook's call (its one
/// answer comes as a code_atom) or when the page is finished.
template <class Handle>
std::size_t send_page_calls(const node_services& services, const std::string& account, const import_step& step,
                            import_page_run& run, import_page_run::need need, std::uint64_t gen,
                            const std::string& gate, Handle to) {
  using n = import_page_run::need;
  if (need == n::hook) {
    call_user_function(services, account, "", run.call_function(), run.call_type(), run.hook_options(), to,
                       page_call_tag{gen}.value());
    return 0;
  }
  if (need == n::finished)
    return 0;
  bool lookups = need == n::lookups;
  auto count = lookups ? run.lookups().size() : run.requests().size();
  const auto& endpoint = *step.endpoint;
  for (std::size_t q = 0; q < count; ++q) {
    auto tag = page_call_tag{gen, lookups, q}.value();
    if (lookups) {
      auto& c = run.lookups()[q];
      call_out(*services.outbound, endpoint, gate, endpoint.request(c.method, c.target, std::move(c.body)), to, tag);
    } else {
      auto& req = run.requests()[q];
      call_out(*services.outbound, endpoint, gate, endpoint.request(req.method, req.target, std::move(req.body), req.headers),
               to, tag);
    }
  }
  return count;
}

/// Takes a lookup's or a request's answer into `run`; when it was the last
/// one out (`outstanding` counts down), what the page needs next.
inline std::optional<import_page_run::need> take_page_answer(import_page_run& run, page_call_tag tag,
                                                             outbound_response& resp, std::size_t& outstanding) {
  if (tag.lookup)
    run.take_lookup(tag.index, resp);
  else
    run.take_response(tag.index, resp);
  if (--outstanding > 0)
    return std::nullopt;
  return tag.lookup ? run.lookups_answered() : run.requests_answered();
}

}  // namespace integrator
