#pragma once
// The route table: (method, path, query) → api_call, or 404/405. Pure, so
// every path of the API is unit-tested without a socket.

#include <string>
#include <string_view>
#include <vector>

#include "core/api/api_call.hpp"

namespace integrator {

/// Result of routing: a call, or an error (with the allowed methods when
/// the path exists but the method does not).
struct route_result {
  api_call call;
  api_error error;
  std::string allow;  ///< "GET, POST" for 405 answers
};

/// `segments` are the URL-decoded path segments without the "v1"/"admin"
/// prefix, e.g. {"exports", "5a0c...", "clone"}; `admin` says which API.
route_result route(std::string_view method, bool admin, const std::vector<std::string>& segments);

}  // namespace integrator
