#pragma once
// once exports (§7.2): a run exports the records the source has not yet
// flagged, and once a page has gone through the whole flow, one request per
// record (the export's http.once: relativeURI, method, body, rendered
// against the record) flags it, so later runs skip it. A page the run did
// not finish is not flagged and comes again.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "core/lang/handlebars.hpp"

#include "core/util/result.hpp"

namespace integrator {

/// One rendered request, relative to the export's connection.
struct once_call {
  std::string method;
  std::string target;
  std::string body;
  std::string failure;  ///< when set, nothing is sent: why the call could not be built
};

class once_marking {
public:
  /// The export's http.once block; fails when it has no relativeURI or a
  /// template does not compile.
  static result<once_marking> compile(const boost::json::object& export_doc);

  /// The call that flags `record` (its JSON text); nullopt when the text
  /// is not a JSON object; a call with `failure` set when a template went
  /// over its limits.
  std::optional<once_call> call_for(std::string_view record, const boost::json::value& settings) const;

  /// Why an answer to a call means the record is not flagged; nullopt on
  /// a 2xx status.
  static std::optional<std::string> failure(int status, std::string_view body);

private:
  std::string method_ = "PUT";
  std::optional<handlebars_template> relative_uri_;
  std::optional<handlebars_template> body_;
};

}  // namespace integrator
