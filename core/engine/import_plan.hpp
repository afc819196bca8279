#pragma once
// An HTTP import (or a legacy REST import) compiled for a job: for a page
// of records, which are filtered out or ignored, how each maps, which
// requests carry them (one per record, or batchSize per request), and
// what each record's outcome is once the answers are in. Pure, so the
// import actor only sends the requests and reports.
//
// Order per record (§7.3): input filter → (CREATE or UPDATE by
// existingExtract; ignoreExisting / ignoreMissing) → mapping → request.
// relativeURI and headers render against the record before mapping; body
// templates against the mapped record; without a body the mapped record
// (or an array of them) is sent.

#include <boost/json/value.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/engine/dynamic_lookup.hpp"
#include "core/lang/filter_expression.hpp"
#include "core/lang/handlebars.hpp"
#include "core/lang/mapper2.hpp"
#include "core/lang/mapping.hpp"
#include "core/connect/outbound.hpp"
#include "core/lang/raw_mapping.hpp"
#include "core/lang/transform.hpp"
#include "core/json/record_page.hpp"
#include "core/connect/response_check.hpp"

#include "core/util/result.hpp"

namespace integrator {

struct import_request {
  std::vector<std::size_t> records;  ///< indexes into the page
  std::string method;
  std::string target;  ///< relative to the connection's base URI
  std::string body;
  header_list headers;
  std::size_t op = 0;  ///< index into method[]/relativeURI[]
};

struct record_outcome {
  enum class kind : std::uint8_t { pending, filtered, ignored, succeeded, failed };
  kind what = kind::pending;
  std::string id;       ///< id the target gave the record
  int status_code = 0;  ///< HTTP status of its request
  std::string code;     ///< error code when failed
  std::string message;  ///< error message when failed
  /// Its part of the answer (_json), kept only for responseMapping. Held
  /// only when kept: an outcome is made and freed per record of every batch,
  /// and Boost.JSON's constructor and destructor are library calls.
  std::optional<boost::json::value> response;
  /// Where a failure came from when not the import itself: a hook's
  /// `source` (pre_map_hook, …); null: the import's (or the lookup's).
  const char* source = nullptr;
};

/// A page's records through the mapping, before requests are built from
/// them (import hooks may change them in between: postMap).
struct mapped_page {
  std::vector<boost::json::value> mapped;  ///< by record; null for a decided one
  std::vector<std::size_t> op_of;          ///< by record: its operation
};

/// What an import's dynamic lookups found for each record of a page.
struct lookup_results {
  std::vector<boost::json::object> values;  ///< by record: lookup name → value
  std::vector<std::string> failures;        ///< by record: why a lookup failed ("" if none)
};

class import_plan {
public:
  /// Compiles an import document and its flow entry (pageProcessors[i],
  /// for responseMapping and inputFilter; may be null).
  static result<import_plan> compile(const boost::json::value& import_doc,
                                     const boost::json::value& processor_entry);

  /// Compiles a lookup export (isLookup) as a page processor: one request
  /// per record from the export's http block, rendered against the record;
  /// the records of the answer (at response.resourcePath) become the
  /// outcome's `data` for responseMapping (data[0].x).
  static result<import_plan> compile_lookup(const boost::json::value& export_doc,
                                            const boost::json::value& processor_entry);

  /// Stages a page: fills `outcomes` for records decided without a request
  /// (filtered, ignored, failed mapping or lookup) and returns the requests
  /// to send. `found`: what the dynamic lookups found (lookup_calls first).
  std::vector<import_request> stage(const std::vector<boost::json::value>& records,
                                    const boost::json::value& settings,
                                    std::vector<record_outcome>& outcomes,
                                    const lookup_results* found = nullptr) const;

  /// stage() in two steps. map_records decides what it can without a
  /// request (records whose outcome is already decided stay so; `outcomes`
  /// is sized to the records when it is not) and maps the rest;
  /// build_requests makes the requests of the records still pending.
  mapped_page map_records(const std::vector<boost::json::value>& records, const boost::json::value& settings,
                          std::vector<record_outcome>& outcomes, const lookup_results* found = nullptr) const;
  std::vector<import_request> build_requests(const std::vector<boost::json::value>& records,
                                             const mapped_page& page, const boost::json::value& settings,
                                             std::vector<record_outcome>& outcomes,
                                             const lookup_results* found = nullptr) const;

  /// True when records need dynamic lookups (dynamic_lookup.hpp) before
  /// they are staged.
  bool has_lookups() const { return !lookups_.empty(); }
  /// The lookup requests of a page's parsed records (those the input
  /// filter keeps), and `found` sized for their answers.
  std::vector<lookup_call> lookup_calls(const std::vector<boost::json::value>& records,
                                        const boost::json::value& settings, lookup_results& found) const;
  /// Reads a lookup's answer into `found`.
  void settle_lookup(const lookup_call& call, const outbound_response& r, lookup_results& found) const;

  /// True when a page can be staged from its text alone (stage_raw): no
  /// filter, no upsert, a copying mapping (raw_mapping) or none, fixed
  /// relativeURIs, no body templates, not a lookup.
  bool raw_capable() const { return raw_capable_; }
  /// True when responseMapping writes into the records.
  bool maps_response() const { return !response_fields_.empty(); }

  /// stage() for raw_capable() plans, without parsing the records into
  /// documents: bodies are built from the records' text.
  std::vector<import_request> stage_raw(const record_page& page,
                                        std::vector<record_outcome>& outcomes) const;

  /// Stages a page as the import stage needs it: from the records' text
  /// when the plan allows and `keep_records` is false; otherwise parsed into
  /// `records` (kept for responseMapping). A record that is not a JSON
  /// object fails as invalid_record and goes in no request.
  std::vector<import_request> stage_page(const record_page& page,
                                         const boost::json::value& settings, bool keep_records,
                                         std::vector<boost::json::value>& records,
                                         std::vector<record_outcome>& outcomes) const;

  /// Reads the answer to `req` into the outcomes of its records; each
  /// record's part of the answer is kept (outcome.response) when
  /// responseMapping needs it or `keep_response` asks (a lookup's: what it
  /// found, as an array).
  void settle(const import_request& req, outbound_response& r,
              std::vector<record_outcome>& outcomes, bool keep_response = false) const;

  /// One record through the mapping (or mappings; as it is without either).
  boost::json::value map(const boost::json::value& record, std::vector<std::string>& errors) const;

  /// POST /connections/{id}/import/map: each record mapped by the import's
  /// mapping, or {"errors":[…]} for one that fails; fails when the import
  /// does not compile.
  static result<boost::json::array> map_only(const boost::json::value& import_doc,
                                             const boost::json::array& records);

  /// The API form of an outcome, as standalone invokes answer per record:
  /// {statusCode, id, ignored, errors[{code,message}], _json}.
  static boost::json::object result_of(const record_outcome& outcome);

  /// Merges the outcome into the record per responseMapping, for the
  /// processors after this one.
  void map_response(boost::json::value& record, const record_outcome& outcome) const;

  bool proceed_on_failure() const { return proceed_on_failure_; }
  bool is_lookup() const { return lookup_; }

  struct op_plan;

private:
  void read_entry(const boost::json::value& processor_entry);
  /// What a lookup found, through its transform and output filter.
  void screen_found(boost::json::array& data) const;
  /// The input filter: `doc`[`key`], or the flow entry's inputFilter.
  result<void> read_input_filter(const boost::json::object& doc, std::string_view key,
                                 const boost::json::value& processor_entry);

  std::optional<filter_expression> filter_;
  std::optional<mapping_v1> mapping_;
  std::optional<mapper_v2> mapper_;
  std::vector<std::string> existing_extract_;
  bool ignore_existing_ = false;
  bool ignore_missing_ = false;
  std::size_t batch_size_ = 1;
  bool proceed_on_failure_ = false;
  bool lookup_ = false;
  std::vector<dynamic_lookup> lookups_;
  std::optional<raw_mapping> raw_;
  bool raw_capable_ = false;
  std::vector<std::string> lookup_records_;  ///< resourcePath of a lookup's answer
  /// A lookup export's own transform and output filter, on what it found
  /// (their script forms are refused: user_code.hpp).
  std::shared_ptr<const record_transform> lookup_transform_;
  std::shared_ptr<const filter_expression> lookup_filter_;
  std::shared_ptr<const std::vector<op_plan>> ops_;
  std::size_t create_op_ = 0;
  std::size_t update_op_ = 0;
  std::vector<std::pair<std::vector<std::string>, std::vector<std::string>>> response_fields_;
};

}  // namespace integrator
