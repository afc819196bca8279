#pragma once
// One page's way through an import step, in order (integrator-api.md
// §7.3): a script input filter, preMap, the dynamic lookups, the mapping,
// postMap, the requests (or a wrapper import's function), a lookup's own
// code on what it found for each record (its script transform and filter
// and preSavePage, export_page_code.hpp, a record at a time), postSubmit and,
// when records go on to another station, responseMapping and the flow
// step's postResponseMap (import_hooks.hpp). Pure: it says what is due (a
// hook call, lookup requests, import requests) and takes the answers; a
// flow's import stage and a standalone import make the calls.

#include <boost/json/value.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/engine/export_page_code.hpp"
#include "core/engine/import_hooks.hpp"
#include "core/engine/stack_call.hpp"
#include "core/engine/import_plan.hpp"
#include "core/json/record_page.hpp"

namespace integrator {

struct flow_plan;
struct import_step;

class import_page_run {
public:
  enum class need : std::uint8_t { hook, lookups, requests, finished };

  /// A page of `step` (both outlive this). `goes_on`: records go on to
  /// another station (responseMapping, postResponseMap); `keep_responses`:
  /// each record's part of the answer is kept (a standalone import answers it).
  import_page_run(const flow_plan& plan, const import_step& step, bool goes_on, bool keep_responses);

  /// Starts on `page`: its records are parsed when hooks or lookups need
  /// them, else staged from their text. What is due first.
  need start(const record_page& page);

  /// The call due: a hook of the import (hook()), or a lookup's own code
  /// on what it found for a record (on_found_code()); its function, kind
  /// and options (without bearerToken).
  import_hook hook() const { return hook_; }
  bool on_found_code() const { return on_result_.has_value(); }
  const user_function& call_function() const;
  extension_type call_type() const;
  std::string hook_options() const;
  /// Its answer (`ids` key the retry data of errors); what is due next.
  need take_hook(user_code_answer& answer, object_id_generator& ids, std::int64_t now_ms);

  /// The lookups due, their answers one by one, then what is due next.
  std::vector<lookup_call>& lookups() { return lookups_; }
  void take_lookup(std::size_t q, const outbound_response& r);
  need lookups_answered() { return go(); }

  /// The requests due, their answers one by one, then what is due next.
  std::vector<import_request>& requests() { return requests_; }
  void take_response(std::size_t q, outbound_response& r);
  need requests_answered() { return go(); }

  /// Once finished: the records (parsed; empty when the page went from
  /// its text), their outcomes, the errors hooks logged beside records,
  /// and whether responseMapping has been applied to the records.
  std::vector<boost::json::value>& records() { return records_; }
  std::vector<record_outcome>& outcomes() { return outcomes_; }
  std::vector<job_error_entry>& logged() { return logged_; }
  bool responded() const { return responded_; }

private:
  enum class at : std::uint8_t {
    input_filter, pre_map, lookups, map, post_map, submit, lookup_found, post_submit, respond, done
  };

  need go();
  bool try_hook(import_hook h);
  bool found_code_due();
  void finish_found();
  const lookup_results* found() const;

  const flow_plan* plan_;
  const import_step* step_;
  bool goes_on_, keep_responses_;
  at at_ = at::input_filter;
  import_hook hook_ = import_hook::pre_map;
  std::vector<boost::json::value> records_;
  std::vector<record_outcome> outcomes_;
  std::optional<mapped_page> mapping_;
  std::vector<std::size_t> in_play_;  ///< the records the hook due is given
  std::size_t found_at_ = 0;                ///< the next record whose lookup result meets found_code
  std::optional<export_page_code> on_result_;  ///< the lookup's code on one record's result
  std::vector<lookup_call> lookups_;
  lookup_results found_;
  std::vector<import_request> requests_;
  std::vector<job_error_entry> logged_;
  bool responded_ = false;
};

}  // namespace integrator
