#pragma once
// Access before anything else: a call that names a resource ({id} of its
// collection, or {job}) is answered 404 when the caller's account has no
// such resource or the caller's scope does not reach it, before its body,
// query or headers are read. Otherwise a request about another account's
// resource would learn from a validation error that it exists.

#include "core/api/account_context.hpp"
#include "core/api/api_call.hpp"
#include "core/util/api_error.hpp"

namespace integrator {

/// not_found when `call` names a resource `who` cannot see; else no error.
api_error check_named_resource(account_context& ctx, const principal& who, const api_call& call);

}  // namespace integrator
