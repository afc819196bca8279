#pragma once
// The handlers of a connector's licenses (/connectors/{id}/licenses): list,
// read, create (for a user known by email), replace and delete. Each is a
// store_handler (account_context.hpp).

#include "core/api/account_context.hpp"

namespace integrator {

api_reply list_licenses(account_context&, const principal&, const api_call&, std::int64_t);
api_reply get_license(account_context&, const principal&, const api_call&, std::int64_t);
api_reply create_license(account_context&, const principal&, const api_call&, std::int64_t);
api_reply replace_license(account_context&, const principal&, const api_call&, std::int64_t);
api_reply remove_license(account_context&, const principal&, const api_call&, std::int64_t);

}  // namespace integrator
