#pragma once
// An HTTP export's requests, page after page: which request comes next,
// which records an answer holds and when paging stops. Pure: the export
// actor sends what next() gives and feeds back what came, so every paging
// method is unit-tested against plain responses.
//
// Methods (http.paging.method): page, skip, token (in body or header;
// pathAfterFirstRequest), linkheader, url, relativeuri, body; absent means
// one request. Stops: lastPageStatusCode (404 unless set), lastPagePath +
// lastPageValues, maxPagePath, maxCountPath, an empty page, and no next
// token/link/URL. The legacy rest.* names (pagingMethod nextpageurl,
// pageargument, relativeuri, linkheader, token) compile onto the same plan.

#include <boost/json/value.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/lang/handlebars.hpp"
#include "core/connect/outbound.hpp"
#include "core/connect/response_check.hpp"

namespace integrator {

enum class paging_method { none, page, skip, token, linkheader, url, relativeuri, body };

struct http_export_plan {
  std::string method = "GET";
  std::optional<handlebars_template> relative_uri;
  std::optional<handlebars_template> body;
  std::vector<std::pair<std::string, handlebars_template>> headers;
  std::vector<std::string> resource_path;
  response_check check;

  paging_method paging = paging_method::none;
  std::int64_t page_start = 0;
  std::int64_t skip_start = 0;
  std::vector<std::string> path;             ///< token or next-URL location
  std::vector<std::string> path_after_first; ///< token location after the first answer
  bool path_in_header = false;
  std::string link_relation = "next";
  std::string page_argument;  ///< legacy: page number as this URL parameter
  std::optional<handlebars_template> paging_relative_uri;
  std::optional<handlebars_template> paging_body;
  int last_page_status = 404;
  bool last_page_status_set = false;
  std::vector<std::string> last_page_path;
  std::vector<std::string> last_page_values;
  std::vector<std::string> max_page_path;
  std::vector<std::string> max_count_path;
  /// http.paging.maxPages: the export fails after this many answers when
  /// the source has more (0: no limit). A safety net for sources whose
  /// paging is misconfigured.
  std::int64_t max_pages = 0;

  /// Compiles the export's http (or legacy rest) block; fails when a
  /// template or setting is invalid.
  static result<http_export_plan> compile(const boost::json::value& export_doc);
};

/// A request the pager wants sent: `target` is relative to the
/// connection's base URI, or absolute (next-page URLs and links).
struct export_request {
  std::string method;
  std::string target;
  std::string body;
  header_list headers;
  bool link = false;  ///< `target` is a URL the source gave (url, linkheader paging)
};

class export_pager {
public:
  /// `context` is what templates see besides the paging state:
  /// lastExportDateTime, currentExportDateTime, settings, connection.
  export_pager(std::shared_ptr<const http_export_plan> plan, boost::json::value context);

  /// The next request, or nullopt when paging is over, or when a template
  /// went over its limits (take_failure() says why; paging is over then).
  std::optional<export_request> next();
  std::optional<api_error> take_failure() { return std::exchange(failure_, std::nullopt); }

  struct outcome {
    std::vector<std::string_view> records;  ///< slices of the response body
    std::optional<std::string> error;       ///< the export failed here
    /// Each record's verdict from the judge given to project(), when set
    /// (field_projection::not_an_object for a record that is not an object).
    std::vector<std::uint8_t> verdicts;
    /// No record nests deeper than max_json_depth (json_scan's full parse
    /// saw to it); false: unknown, judge each record.
    bool within_depth = false;
  };

  /// Has read_records() also read these top-level fields of each record and
  /// handed them to `judge` (what the output filter needs), in the same pass
  /// as the records; see field_projection.
  void project(std::vector<std::string> keys,
               std::function<std::uint8_t(const boost::json::value&)> judge) {
    projected_keys_ = std::move(keys);
    judge_ = std::move(judge);
  }

  /// An answer read in two steps, so the next request can go out between
  /// them: read_paging() settles what comes next (or that paging is over)
  /// from the answer's stop fields and how many records it holds, skipping
  /// over them; read_records() then reads the records. Paging by relativeURI
  /// or body templates (which see the last record) reads them in the first
  /// step. `r` must outlive the answer and the returned slices.
  class answer {
  public:
    answer();
    answer(answer&&) noexcept;
    ~answer();

  private:
    friend class export_pager;
    outbound_response* response = nullptr;
    std::unique_ptr<class json_scan> scan;
    outcome out;
    bool settled = false;  ///< `out` is final
  };
  answer read_paging(outbound_response& r);
  outcome read_records(answer& a);

  /// Both steps at once.
  outcome on_response(outbound_response& r) {
    auto a = read_paging(r);
    return read_records(a);
  }

  bool done() const { return done_; }
  std::int64_t requests() const { return requests_; }

  /// Where paging stands, as JSON: resumed by restore() in another call
  /// (a paged export's state), between pages.
  boost::json::object position() const;
  void restore(const boost::json::object& position);

private:
  std::vector<std::string> projected_keys_;
  std::function<std::uint8_t(const boost::json::value&)> judge_;
  boost::json::value template_context() const;
  /// Settles the next request from an answer; why the export fails when a
  /// paging template went over its limits.
  std::optional<std::string> advance(outbound_response& r, class json_scan& scan,
                                     std::size_t records, std::string_view last_record);
  void read_into(answer& a);
  /// Why paging stops here when `body` is the same answer as the last five
  /// (a source that ignores the paging parameters), else nullopt.
  std::optional<std::string> repeated(std::string_view body);

  std::shared_ptr<const http_export_plan> plan_;
  boost::json::value context_;
  std::int64_t page_;
  std::int64_t skip_;
  std::string token_;
  std::string next_target_;  ///< url/linkheader/relativeuri/body: what comes next
  std::string last_target_;
  std::string last_body_;
  std::int64_t requests_ = 0;
  std::int64_t answers_ = 0;
  std::int64_t records_ = 0;
  bool done_ = false;
  std::optional<api_error> failure_;  ///< why next() could not build a request
  // The last answer's fingerprint: its size, first and last bytes, and its
  // hash once a later answer had the same size, start and end (so pages
  // that differ cost no hashing).
  std::size_t last_size_ = 0;
  std::string last_head_, last_tail_;
  std::optional<std::size_t> last_hash_;
  int identical_ = 0;  ///< answers in a row known to be the same
};

/// The URL of the Link header entry with rel `relation`, or "".
std::string link_target(std::string_view link_header, std::string_view relation);

}  // namespace integrator
