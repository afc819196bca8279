#pragma once
// POST /exports/preview (§7.2): an unsaved export runs once in test mode,
// its first page only, and the answer shows each stage the records went
// through, so a user can see why a record looks as it does:
//   request    the request sent (method, URL, body; never the credentials)
//   raw        the answer as it came (status and body)
//   parse      the records read from it (at response.resourcePath)
//   transform  each record after the export's transform (when it has one)
//   filter     the records its output filter kept (when it has one)
// and then a stage for each piece of its user code that ran (a script
// transform or filter, preSavePage: export_page_code.hpp).
// `data` is what a flow would get, at most test.limit records (whatever the
// export's type; 10 when it sets none). postData{lastExportDateTime, currentExportDateTime}
// fill a delta export's templates; a preview never moves a mark.

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <memory>
#include <optional>
#include <string>

#include "core/connect/export_pager.hpp"
#include "core/engine/export_page_code.hpp"
#include "core/lang/filter_expression.hpp"
#include "core/lang/transform.hpp"

#include "core/util/result.hpp"

namespace integrator {

struct export_step;

class export_preview {
public:
  /// The preview of `body` (the export, with postData), compiled as `step`
  /// (flow_plan of the export alone): its paging, transform, output filter
  /// and test limit.
  static export_preview of(const boost::json::object& body, const export_step& step);

  /// The pager for the one request; its templates see postData.
  export_pager pager() const { return export_pager(plan_, context_); }

  /// What the preview saw, from the request sent (`url`: where it went,
  /// without credentials) and what came back; `r.body` holds the records
  /// `got` points into. `data` holds at most the limit's records; the
  /// export's user code (export_page_code.hpp) runs on them after, each op
  /// adding its stage.
  struct outcome {
    boost::json::array data;
    boost::json::array stages;
  };
  outcome read(const export_request& req, const std::string& url, const outbound_response& r,
               const export_pager::outcome& got) const;

  /// The answer: {data, dataURIs, stages}.
  static std::string answer(outcome seen);

  /// The answer when the request could not be made at all.
  std::string answer_unsent(const std::string& why) const;

  /// The records seen, as a page for the export's user code.
  static record_page page_of(const outcome& seen);
  /// The stage of op `op` of `code`, which has just taken its answer: the
  /// records as they stand, the errors it gave (those after the first
  /// `errors_before`) and its failure.
  static boost::json::object code_stage(const export_page_code& code, export_page_code::op op,
                                        std::size_t errors_before);

  static constexpr std::size_t default_limit = 10;

private:
  std::shared_ptr<const http_export_plan> plan_;
  boost::json::value context_;
  std::optional<record_transform> transform_;
  std::optional<filter_expression> filter_;
  std::size_t limit_ = default_limit;
};

}  // namespace integrator
