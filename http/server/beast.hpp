#pragma once
// Internal to http/: the Beast and Asio types the frontend's .cpp files
// share. Nothing outside http/ includes this.

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <functional>
#include <string>

#include "core/util/api_error.hpp"
#include "http/server/wire_response.hpp"

namespace integrator {

class gateway;

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

using http_request = bhttp::request<bhttp::string_body>;

/// Answers one request through `gw`; calls `done` once, on any thread.
void dispatch(gateway& gw, bool test_hooks, http_request&& req,
              std::function<void(wire_response)> done);

/// An error response in the API's format (used for parse failures too).
wire_response error_response(error_code code, std::string message, unsigned version,
                             bool keep_alive);

/// A fresh request id ("<process>-<n>").
std::string next_request_id();

}  // namespace integrator
