#pragma once
// The handlers of the resources themselves (§7): list, read, create,
// replace, patch, delete and clone any kind; the lists under a parent
// (an integration's flows, a connector's install base); an unsaved
// import's mapping. Each is a store_handler (account_context.hpp).

#include "core/api/account_context.hpp"

namespace integrator {

api_reply list_resources(account_context&, const principal&, const api_call&, std::int64_t);
api_reply get_resource(account_context&, const principal&, const api_call&, std::int64_t);
api_reply create_resource(account_context&, const principal&, const api_call&, std::int64_t);
api_reply replace_resource(account_context&, const principal&, const api_call&, std::int64_t);
api_reply patch_resource(account_context&, const principal&, const api_call&, std::int64_t);
api_reply remove_resource(account_context&, const principal&, const api_call&, std::int64_t);
api_reply clone_resource(account_context&, const principal&, const api_call&, std::int64_t);
/// GET /integrations/{id}/flows
api_reply list_integration_flows(account_context&, const principal&, const api_call&, std::int64_t);
/// GET /connectors/{id}/installBase
api_reply list_install_base(account_context&, const principal&, const api_call&, std::int64_t);
/// POST /connections/{id}/import/map: only the mapping of an unsaved import.
/// GET /stacks/{id}/dependencies: the resources that call the stack.
api_reply stack_dependencies(account_context&, const principal&, const api_call&, std::int64_t);
api_reply map_import(account_context&, const principal&, const api_call&, std::int64_t);

/// The page of `kind` documents `params` asks for, narrowed by `forced`
/// filters (GET /{kind} and the lists under a parent).
api_reply list_of(account_context& ctx, const principal& who, resource_kind kind,
                  const query_params& params, const query_params& forced);

}  // namespace integrator
