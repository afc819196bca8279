#include "http/server/status_map.hpp"

namespace integrator {

unsigned http_status(errc e) {
  switch (e) {
    case errc::none: return 200;
    case errc::invalid_json: return 400;
    case errc::invalid_request: return 400;
    case errc::unauthorized: return 401;
    case errc::forbidden: return 403;
    case errc::not_found: return 404;
    case errc::method_not_allowed: return 405;
    case errc::conflict: return 409;
    case errc::payload_too_large: return 413;
    case errc::unsupported_media_type: return 415;
    case errc::validation_failed: return 422;
    case errc::rate_limited: return 429;
    case errc::internal: return 500;
    case errc::insufficient_storage: return 507;
    case errc::unavailable: return 503;
  }
  return 500;
}

unsigned http_status(const api_reply& r) {
  if (r.raw_status)
    return r.raw_status;
  switch (r.status) {
    case api_status::ok: return 200;
    case api_status::created: return 201;
    case api_status::no_content: return 204;
    case api_status::failed: return http_status(r.error.kind());
  }
  return 500;
}

}  // namespace integrator
