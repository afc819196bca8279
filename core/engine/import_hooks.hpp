#pragma once
// An import's hooks on one page (integrator-api.md §9): preMap before the
// mapping, postMap after it, postSubmit after the target answered, and the
// flow step's postResponseMap after responseMapping (a lookup's too). Each
// gets arrays of the page's records (those still in play at that point)
// and answers one item per record: preMap and postMap {data}, {errors},
// both (processed and logged) or {} (ignored); postSubmit the responseData
// it was given, edited; postResponseMap the records that go on. A hook that fails fails the records it was given,
// with retry data, as a failed request does. Pure: builds the options and
// reads the answers; the import stage makes the calls.

#include <boost/json/value.hpp>

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "core/engine/import_plan.hpp"
#include "core/engine/job_model.hpp"
#include "core/engine/user_code_answer.hpp"
#include "core/engine/user_function.hpp"

namespace integrator {

struct flow_plan;
struct import_step;

/// input_filter: a script input filter ({"type":"script"} in the import's
/// filter or its flow entry's inputFilter), first of all: the function
/// runs once per record and the records it answers falsy for are filtered.
/// wrapper: a wrapper import's function (wrappers.hpp), called with the
/// mapped records instead of requests; it answers like postSubmit's
/// responseData, one {statusCode, id, ignored, errors} per record.
enum class import_hook : std::uint8_t { pre_map, post_map, post_submit, post_response_map, input_filter, wrapper };

/// The hooks of an import (or a lookup export), resolved.
struct import_hooks {
  std::shared_ptr<const user_function> pre_map, post_map, post_submit, post_response_map, input_filter, wrapper;
  boost::json::value wrapper_connection;  ///< options.connection of the wrapper's calls

  bool any() const { return pre_map || post_map || post_submit || post_response_map || input_filter || wrapper; }
  const user_function* of(import_hook h) const;

  /// The hooks `doc` (an import, or a lookup export when `lookup`: its own
  /// code is flow_plan's found_code) and its flow entry
  /// `entry` (postResponseMap, and an inputFilter that takes the place of
  /// the import's filter, a lookup's inputFilter) configure, against the
  /// job's stacks and scripts.
  static result<import_hooks> resolve(const boost::json::value& doc, const boost::json::value& entry,
                                      const document_texts& stacks, const document_texts& scripts,
                                      bool lookup = false);
};

/// The name of a hook (preMap, …) and the `source` of its errors.
const char* hook_name(import_hook h);
const char* hook_source(import_hook h);

/// The records a hook is given: those whose outcome is still pending
/// (postSubmit: those that went out in a request), by index.
std::vector<std::size_t> records_in_play(import_hook h, const std::vector<record_outcome>& outcomes,
                                         std::size_t count);

/// The options of hook `h` (JSON text, without bearerToken) for the
/// records `in_play` of the page: `records` as they came (preMapData),
/// `mapped` after the mapping (postMapData; postMap and postSubmit).
std::string import_hook_options(import_hook h, const flow_plan& plan, const import_step& step,
                                const std::vector<std::size_t>& in_play,
                                const std::vector<boost::json::value>& records, const mapped_page* mapped,
                                const std::vector<record_outcome>& outcomes);

/// Applies the answer of hook `h`: preMap and postResponseMap edit
/// `records`, postMap `mapped->mapped`, postSubmit `outcomes`; a record the hook ignores or
/// fails gets that outcome. Errors the hook logs beside a record's data
/// come back as job errors (step and ids left to the caller). A failed
/// call or an answer of the wrong shape fails every record in play.
std::vector<job_error_entry> apply_import_hook(import_hook h, user_code_answer& answer,
                                               const std::vector<std::size_t>& in_play,
                                               std::vector<boost::json::value>& records, mapped_page* mapped,
                                               std::vector<record_outcome>& outcomes, std::int64_t now_ms);

}  // namespace integrator
