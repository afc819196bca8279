#pragma once
// The one place where protocol-neutral outcomes become HTTP status codes.

#include "core/api/api_call.hpp"

namespace integrator {

/// HTTP status of an error class.
unsigned http_status(errc e);

/// HTTP status of a reply (success kinds and errors).
unsigned http_status(const api_reply& r);

}  // namespace integrator
