#pragma once
// Where a connection's requests may go. A target that a template builds
// (an export's or import's relativeURI, a lookup, a once flag, a ping, the
// proxy's Integrator-Relative-URI) stays under the connection's baseURI:
// an absolute or scheme-relative target, a backslash, or dot segments that
// climb out of the base path are refused, so a tenant cannot send the
// connection's credentials to a host of its choosing (or to integratord
// itself). A link the source hands out (a next-page URL, a Link header) may
// be absolute, but only http(s), and it gets the connection's credentials
// only on the connection's own origin.

#include <optional>
#include <string>
#include <string_view>

namespace integrator {

/// An http(s) URL in three parts.
struct url_parts {
  std::string origin;  ///< scheme://authority, scheme and host lower-cased
  std::string path;    ///< as written, "" when none
  std::string rest;    ///< ?query and #fragment, as written
};

/// The parts of an absolute http or https URL; nullopt for anything else.
std::optional<url_parts> split_http_url(std::string_view url);

/// True when `target` names a place of its own rather than a path under a
/// base: it has a scheme ("http:", "javascript:"), starts with "//", or
/// holds a backslash before its query.
bool names_own_place(std::string_view target);

/// RFC 3986's remove_dot_segments, with "%2e" read as ".".
std::string remove_dot_segments(std::string_view path);

/// True when `path` (normalized) is `base_path` or below it.
bool path_within(std::string_view path, std::string_view base_path);

}  // namespace integrator
