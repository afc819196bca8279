#include "core/api/named_resource.hpp"

#include <string_view>

#include "core/api/operations.hpp"
#include "core/api/request_body.hpp"
#include "core/resources/key_codec.hpp"

namespace integrator {

api_error check_named_resource(account_context& ctx, const principal& who, const api_call& call) {
  // Every row of an op names the same things, except the state ops, whose
  // resource-scoped rows say so in call.scoped.
  std::string_view path = operation_of(call.op).path;
  if (call.scoped || path.find("{id}") != std::string_view::npos) {
    bool visible = who.scope.full ? ctx.resources.load_text(call.kind, who.account_id, call.id).has_value()
                                  : ctx.resources.load_visible(call.kind, who.account_id, who.scope, call.id)
                                        .has_value();
    if (!visible)
      return no_such(call.kind).error;
  }
  if (path.find("{job}") != std::string_view::npos
      && !ctx.resources.store().get(keys::jobs_space, keys::resource(who.account_id, call.id)))
    return make_api_error(error_code::not_found, "Job not found");
  return {};
}

}  // namespace integrator
