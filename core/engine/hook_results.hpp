#pragma once
// What each hook must return, and what its answer means for the records
// (../shared/docs/extension-protocol.md §3; integrator-api.md §9). The same
// whether a script or a stack ran the hook. Pure.

#include <boost/json/value.hpp>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/util/result.hpp"

namespace integrator {

/// An error a hook reported, as {code, message} (code "Error" when absent).
struct hook_error {
  std::string code;
  std::string message;
};

class json_scan;

/// An answer of the form {data: [records], errors, …} (preSavePage's, an
/// export wrapper's): its records as JSON texts within the answer's text
/// (a page of records is never built into documents here), its errors,
/// and its other members, read on request.
class page_answer {
public:
  /// Reads `returned` (its padding capacity may grow; the records point
  /// into it). A missing `data` gives no records; anything but an object,
  /// text that is not JSON, `data` that is not an array or malformed errors
  /// refuse the answer, naming `function` and its `shape`.
  static result<page_answer> read(std::string& returned, std::string_view function, std::string_view shape);

  page_answer(page_answer&&) noexcept;
  ~page_answer();

  std::vector<std::string_view> data;
  std::vector<hook_error> errors;

  /// Member `key`, parsed (null when absent).
  result<boost::json::value> member(const char* key);
  /// Member `key` as its text (strings unescaped); "" when absent.
  std::string text(const char* key);

private:
  page_answer();
  std::unique_ptr<json_scan> scan_;
};

/// preSavePage's answer: {data, errors, abort, newErrorsAndRetryData}.
struct pre_save_page_result {
  /// The page's records from here on, as JSON texts within the answer's
  /// text (a page of records is never built into documents here).
  std::vector<std::string_view> data;
  std::vector<hook_error> errors;        ///< errors of the page, without retry data
  bool abort = false;                    ///< no further pages of this export
  struct retryable {
    boost::json::value retry_data;  ///< the record a retry replays through the hook
    std::vector<hook_error> errors;
  };
  std::vector<retryable> new_errors_and_retry_data;
};

/// Reads preSavePage's returned JSON text (its padding capacity may grow;
/// the records point into it). A missing `data` keeps no records; text
/// that is not JSON, `data` that is not an array, or malformed errors
/// refuse the answer (the page fails with the reason, its records kept for
/// a retry).
result<pre_save_page_result> read_pre_save_page(std::string& returned);

/// One record's answer from a per-record hook (preMap, postMap): its data,
/// its errors, both, or neither (ignore the record).
struct record_hook_result {
  bool has_data = false;
  boost::json::value data;
  std::vector<hook_error> errors;
  bool ignored() const { return !has_data && errors.empty(); }
};

/// Reads a per-record hook's array: one item per record, in order. Anything
/// but an array of `expected` objects refuses the answer, naming `hook` and
/// the lengths.
result<std::vector<record_hook_result>> read_record_hook(std::string_view hook,
                                                         const boost::json::value& returned,
                                                         std::size_t expected);

}  // namespace integrator
