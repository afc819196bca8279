#pragma once
// Who is calling and what their token reaches. A full-access token reaches
// everything of its account; a custom token only the listed connections,
// exports, imports and integrations, plus what those integrations contain
// (resources whose _integrationId is listed). Anything else reads as absent.

#include <boost/json/value.hpp>

#include <set>
#include <string>

#include "core/resources/resource_kind.hpp"

namespace integrator {

struct access_scope {
  bool full = true;
  std::set<std::string> connection_ids;
  std::set<std::string> export_ids;
  std::set<std::string> import_ids;
  std::set<std::string> integration_ids;
  /// A one-time token of user code (extension-protocol.md §4). A connector's
  /// code reaches only documents with this `_connectorId`.
  std::string connector_id;
  /// Other user code may only run what the account has: the API lets such
  /// a token through to the invokes, flow runs and connection proxy alone
  /// (one_time_tokens::may), which reach its exports, imports, flows and
  /// connections.
  bool invoke_only = false;

  /// True when a `kind` document `doc` with id `id` is within reach.
  bool permits(resource_kind kind, const std::string& id, const boost::json::value& doc) const;

  /// True when the token may use the account-wide parts (global state,
  /// kinds with no listed ids).
  bool account_wide() const { return full; }
};

}  // namespace integrator
