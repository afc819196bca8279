#include "core/resources/resource_kind.hpp"

#include <algorithm>
#include <cctype>

#include "core/json/json_patch.hpp"

namespace integrator {

namespace {

const std::vector<resource_kind_info>& table() {
  static const std::vector<resource_kind_info> rows{
    {resource_kind::connection, "connections", "connection", false,
     {"/name", "/debugDate", "/offline"},
     {"type", "name", "_integrationId", "_connectorId", "_iClientId", "sandbox", "offline"},
     {}},
    {resource_kind::export_, "exports", "export", true,
     {"/name", "/description", "/debugUntil"},
     {"type", "adaptorType", "name", "_connectionId", "_integrationId", "_connectorId", "isLookup"},
     {}},
    {resource_kind::import_, "imports", "import", true,
     {"/name", "/description", "/debugUntil"},
     {"adaptorType", "name", "_connectionId", "_integrationId", "_connectorId"},
     {}},
    {resource_kind::flow, "flows", "flow", true,
     {"/name", "/description", "/schedule", "/timezone", "/disabled", "/pageGenerators/*/schedule"},
     {"name", "_integrationId", "_connectorId", "disabled"},
     {}},
    {resource_kind::integration, "integrations", "integration", true,
     {"/name", "/description", "/readme", "/tag", "/settings", "/mode", "/updateInProgress",
      "/version"},
     {"name", "_connectorId", "mode", "tag"},
     {}},
    {resource_kind::connector, "connectors", "connector", false,
     {"/name", "/description", "/published"},
     {"name", "published", "_integrationId", "_stackId"},
     {}},
    {resource_kind::license, "licenses", "license", false, {}, {"_integrationId"}, {}},
    {resource_kind::iclient, "iClients", "iClient", false,
     {"/name"},
     {"name", "provider", "_connectorId"},
     {}},
    {resource_kind::script, "scripts", "script", false,
     {"/name", "/description", "/debugUntil", "/content"},
     {"name"},
     {"content"}},
    {resource_kind::stack, "stacks", "stack", false, {"/name"}, {"name", "type"}, {}},
    {resource_kind::template_, "templates", "template", false,
     {"/name", "/description", "/published"},
     {"name", "published"},
     {}},
    {resource_kind::asynchelper, "asyncHelpers", "asyncHelper", false, {"/name"}, {"name"}, {}},
  };
  return rows;
}

}  // namespace

const std::vector<resource_kind>& all_resource_kinds() {
  static const std::vector<resource_kind> kinds = [] {
    std::vector<resource_kind> out;
    for (const auto& row : table())
      out.push_back(row.kind);
    return out;
  }();
  return kinds;
}

const resource_kind_info& info(resource_kind k) {
  return table()[static_cast<size_t>(k)];
}

bool kind_from_collection(std::string_view segment, resource_kind& out) {
  auto same = [](std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
             return std::tolower(static_cast<unsigned char>(x))
                    == std::tolower(static_cast<unsigned char>(y));
           });
  };
  // The 2017 docs use the singular "/template" in their examples.
  if (same(segment, "template"))
    segment = "templates";
  for (const auto& row : table())
    if (row.kind != resource_kind::license && same(row.collection, segment)) {
      out = row.kind;
      return true;
    }
  return false;
}

bool is_patchable(resource_kind k, std::string_view pointer) {
  auto tokens = parse_json_pointer(pointer);
  if (!tokens || tokens->empty())
    return false;
  for (const auto& pattern : info(k).patchable) {
    auto want = parse_json_pointer(pattern);
    if (!want || want->size() != tokens->size())
      continue;
    bool match = true;
    for (size_t i = 0; i < want->size() && match; ++i) {
      const auto& w = (*want)[i];
      const auto& t = (*tokens)[i];
      if (w == "*")
        match = !t.empty() && std::all_of(t.begin(), t.end(), [](char c) {
                  return c >= '0' && c <= '9';
                });
      else
        match = w == t;
    }
    if (match)
      return true;
  }
  return false;
}

}  // namespace integrator
