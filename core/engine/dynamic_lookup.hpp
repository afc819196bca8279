#pragma once
// Dynamic lookups of an HTTP or legacy REST import: before a record is
// sent, each lookup asks the target system for a value (an id, usually),
// which the import's relativeURI and body then use under the lookup's
// name: `/customers/{{idLookup}}`, or `/customers/{idLookup}` in a legacy
// rest block, whose single-brace templates name record fields the same way.
//
// A lookup is {name, relativeURI, method (GET), body | postData, extract
// (a path into the answer, "0.id"), map{}, default, allowFailures}:
//   - no match (nothing at extract, an empty array on the way, a failed
//     request): `default` when set, else "" with allowFailures, else the
//     record fails;
//   - several matches (an array of more than one on extract's way): the
//     first with allowFailures, else the record fails;
//   - with `map`, the value found is translated through it as a static
//     lookup translates (static_lookup.hpp).
// Entries with `map` and no relativeURI are static lookups (static_lookup.hpp).

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/lang/handlebars.hpp"
#include "core/connect/outbound.hpp"
#include "core/lang/static_lookup.hpp"

#include "core/util/result.hpp"

namespace integrator {

/// One lookup request for one record.
struct lookup_call {
  std::size_t record = 0;  ///< index into the page
  std::size_t lookup = 0;  ///< index into the import's dynamic lookups
  std::string method;
  std::string target;
  std::string body;
};

class dynamic_lookup {
public:
  /// The dynamic entries of `lookups` (an array or null); `legacy`: a rest
  /// block's, with single-brace templates. Fails when one has no name or a
  /// template does not compile.
  static result<std::vector<dynamic_lookup>> parse(const boost::json::value& lookups, bool legacy);

  const std::string& name() const { return outcome_.name; }

  /// The request for a record, given what templates see of it; fails when
  /// a template goes over its limits.
  result<lookup_call> call_for(const boost::json::value& context) const;

  /// The value an answer yields; nullopt with `error` when the record must
  /// fail.
  std::optional<boost::json::value> resolve(const outbound_response& r, std::string& error) const;

private:
  std::optional<boost::json::value> no_match(std::string why, std::string& error) const;

  /// Name, map, default and allowFailures: what the value found becomes.
  static_lookup outcome_;
  std::string method_ = "GET";
  std::optional<handlebars_template> relative_uri_;
  std::optional<handlebars_template> body_;
  std::vector<std::string> extract_;
};

/// A legacy template: each "{field}" (not part of "{{…}}") as "{{field}}".
std::string legacy_template(std::string_view source);

}  // namespace integrator
