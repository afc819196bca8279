#pragma once
// The handlers of the state API (§7.10): values kept under keys, for the
// whole account (/state) or for one resource (/{kind}/{id}/state; the
// call is `scoped`). Each is a store_handler (account_context.hpp).

#include "core/api/account_context.hpp"

namespace integrator {

api_reply list_state_keys(account_context&, const principal&, const api_call&, std::int64_t);
api_reply get_state(account_context&, const principal&, const api_call&, std::int64_t);
api_reply put_state(account_context&, const principal&, const api_call&, std::int64_t);
api_reply remove_state(account_context&, const principal&, const api_call&, std::int64_t);
api_reply clear_state(account_context&, const principal&, const api_call&, std::int64_t);

}  // namespace integrator
