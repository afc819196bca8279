#pragma once
// Turns an HTTP request target into the pieces routing needs. Accepts
// origin-form ("/v1/exports?skip=10") and absolute-form
// ("http://host/v1/exports", RFC 9112 §3.2.2) alike.

#include <string>
#include <string_view>
#include <vector>

#include "core/resources/list_query.hpp"

namespace integrator {

enum class api_surface { account, admin, health, debug, unknown };

struct request_target {
  api_surface surface = api_surface::unknown;
  std::vector<std::string> segments;  ///< decoded, after the API prefix
  query_params query;                 ///< decoded, in order
  std::string path;                   ///< decoded path as sent (for Link)
};

/// Parses `target`; false when it is not a valid origin- or absolute-form.
/// Prefixes: /v1 and /api (account API), /admin/v1 (operator API),
/// /admin/v1/debug (test hooks), /healthz. A trailing slash is ignored.
bool parse_request_target(std::string_view target, request_target& out);

/// `path` with `query`, where skip is replaced by `skip` (for Link).
std::string with_skip(const std::string& path, const query_params& query, std::int64_t skip);

}  // namespace integrator
