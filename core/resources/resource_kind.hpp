#pragma once
// The table of resource kinds the API serves: their collection names and
// what each lets a client do (clone, which fields PATCH may touch, which
// list filters exist). One row per kind; behaviour elsewhere reads the row.

#include <string>
#include <string_view>
#include <vector>

namespace integrator {

enum class resource_kind : unsigned char {
  connection,
  export_,
  import_,
  flow,
  integration,
  connector,
  license,  ///< lives under /connectors/{id}/licenses
  iclient,
  script,
  stack,
  template_,
  asynchelper,
};

/// Every kind, in a fixed order (also the column-family order in storage).
const std::vector<resource_kind>& all_resource_kinds();

struct resource_kind_info {
  resource_kind kind;
  const char* collection;  ///< path segment and storage name, e.g. "exports"
  const char* singular;    ///< for messages, e.g. "export"
  bool cloneable;
  std::vector<std::string> patchable;     ///< JSON pointers; "*" matches an array index
  std::vector<std::string> list_filters;  ///< query parameters that filter lists by equality
  std::vector<std::string> list_omits;    ///< top-level fields left out of list responses
};

const resource_kind_info& info(resource_kind k);

/// Kind of a collection path segment ("exports", also "iClients",
/// "template"); false when there is none.
bool kind_from_collection(std::string_view segment, resource_kind& out);

/// True when `pointer` (e.g. "/pageGenerators/0/schedule") may be patched.
bool is_patchable(resource_kind k, std::string_view pointer);

}  // namespace integrator
