#pragma once
// The message catalogue: every atom and every type that crosses actors,
// with its inspect overload. add_message_types() registers them all under
// fixed names; the node config (cluster/node_config.hpp) and every test
// fixture call it, so an actor may live on any node.

#include <caf/actor_system_config.hpp>
#include <caf/atom.hpp>
#include <caf/meta/type_name.hpp>

#include <cstdint>

#include "core/account_book.hpp"
#include "core/api_call.hpp"

namespace integrator {

// -- atoms (at most 10 characters) --------------------------------------------

using auth_atom = caf::atom_constant<caf::atom("auth")>;
using take_atom = caf::atom_constant<caf::atom("take")>;
using exec_atom = caf::atom_constant<caf::atom("exec")>;
using admin_atom = caf::atom_constant<caf::atom("admin")>;
using limit_atom = caf::atom_constant<caf::atom("limit")>;
using crash_atom = caf::atom_constant<caf::atom("crash")>;
using load_atom = caf::atom_constant<caf::atom("load")>;
using write_atom = caf::atom_constant<caf::atom("write")>;
using edge_atom = caf::atom_constant<caf::atom("edge")>;

// -- message types ------------------------------------------------------------

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, api_error& x) {
  return f(caf::meta::type_name("api_error"), x.kind, x.code, x.message, x.field);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, access_scope& x) {
  return f(caf::meta::type_name("access_scope"), x.full, x.connection_ids, x.export_ids,
           x.import_ids, x.integration_ids);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, principal& x) {
  return f(caf::meta::type_name("principal"), x.account_id, x.token_id, x.email, x.scope);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, api_call& x) {
  return f(caf::meta::type_name("api_call"), x.op, x.kind, x.scoped, x.id, x.sub_id, x.body,
           x.query);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, api_reply& x) {
  return f(caf::meta::type_name("api_reply"), x.status, x.body, x.text, x.next_skip, x.prev_skip,
           x.retry_after, x.error);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, write_batch::op& x) {
  return f(caf::meta::type_name("write_op"), x.space, x.key, x.value, x.erase);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, write_batch& x) {
  return f(caf::meta::type_name("write_batch"), x.mutable_ops());
}

/// Registers every type above and the actor handles of interfaces.hpp.
void add_message_types(caf::actor_system_config& cfg);

}  // namespace integrator
