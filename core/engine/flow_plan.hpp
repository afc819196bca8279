#pragma once
// What one flow job runs, compiled once per job from its job_spec
// (job_spec.hpp): endpoints, paging, filters, mappings, templates, the
// user code its steps call; shared read-only by the job's actors.

#include <boost/json/value.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/resources/access_scope.hpp"
#include "core/connect/export_pager.hpp"
#include "core/engine/export_window.hpp"
#include "core/lang/filter_expression.hpp"
#include "core/lang/flow_routes.hpp"
#include "core/connect/http_endpoint.hpp"
#include "core/engine/import_hooks.hpp"
#include "core/engine/import_plan.hpp"
#include "core/engine/job_model.hpp"
#include "core/engine/job_spec.hpp"
#include "core/engine/router_scripts.hpp"
#include "core/engine/wrappers.hpp"
#include "core/engine/user_function.hpp"
#include "core/connect/once_marking.hpp"
#include "core/lang/transform.hpp"
#include "core/util/result.hpp"

namespace integrator {

class resource_store;

/// Reads everything flow `flow_id` of `account` needs; not_found when a
/// document is missing.
result<job_spec> load_job_spec(const resource_store& resources, const std::string& account,
                               const std::string& flow_id);

/// The job_spec of a standalone call of `doc`: an export (an invoke, an
/// export on a connection, a preview) as the flow's only generator, or an
/// import (`is_import`) as its only processor, with no generator. It runs
/// on connection `connection_id` (`connection`: revealed), and
/// the spec holds the scripts and stacks its hooks name. Its id is its
/// _id ("" when unsaved).
job_spec standalone_spec(const resource_store& resources, const std::string& account, boost::json::object doc,
                         bool is_import, const std::string& connection_id, const boost::json::value& connection);

/// What an export does with one record it read.
enum class record_verdict : std::uint8_t { keep, ignore, broken };

/// A record an export read: its text and what is known around it.
struct record_view {
  std::string_view text;
  std::size_t readable = 0;  ///< bytes readable from text.data() (raw_mapping::apply)
  /// The output filter's verdict, given while the page was read (judge(),
  /// through json_scan's field_projection); unset: the filter reads the text.
  std::optional<std::uint8_t> judged;
};

struct export_step {
  std::string export_id;
  std::string connection_id;
  std::shared_ptr<const http_endpoint> endpoint;
  std::shared_ptr<const http_export_plan> paging;
  std::optional<filter_expression> output_filter;
  std::optional<record_transform> transform;
  std::size_t page_size = 20;
  boost::json::value context;  ///< what templates see besides paging
  std::vector<std::string> filter_fields;  ///< what the output filter reads
  export_selection selection;              ///< delta window, test limit
  std::optional<export_window> window;     ///< this run's delta window (select())
  std::shared_ptr<const once_marking> once;  ///< a once export's flagging request
  /// hooks.preSavePage: runs on each page before the processors.
  std::shared_ptr<const user_function> pre_save_page;
  /// A script transform and a script output filter (page_scripts.hpp): run
  /// per record, before preSavePage.
  std::shared_ptr<const user_function> transform_script;
  std::shared_ptr<const user_function> filter_script;
  /// The expression output filter of an export whose transform is a
  /// script: it judges the transformed records, after the script.
  std::optional<filter_expression> filter_after_script;
  /// A wrapper export (its connection is a wrapper's): its stack's function
  /// gives the records, no endpoint or paging.
  std::shared_ptr<const wrapper_export> wrapper;
  /// Whether the export's pages go through user code before the processors.
  bool runs_page_code() const { return pre_save_page || transform_script || filter_script; }

  /// Runs the transform and the output filter on one record. On keep,
  /// `kept` is the text to pass on: the record as it came when no
  /// transform changed it (the filter then reads only its fields), else
  /// the transformed record, held in `reshaped`.
  record_verdict screen(const record_view& record, const boost::json::value& settings,
                        std::string& reshaped, std::string_view& kept) const;

  /// The output filter on the fields it reads (filter_fields), as a
  /// verdict for record_view::judged.
  std::uint8_t judge(const boost::json::value& fields, const boost::json::value& settings) const;

  /// The step of export `doc` (an object) reading through `endpoint` (a
  /// WrapperExport has none: its function pages); `settings` (the flow's)
  /// is what its templates see as settings. Fails when the export cannot run.
  static result<export_step> compile(const boost::json::value& doc,
                                     std::shared_ptr<const http_endpoint> endpoint,
                                     const boost::json::value& settings);
};

/// A page processor: an import, or a lookup export (isLookup).
struct import_step {
  std::string import_id;  ///< the import's id, or the lookup export's
  bool lookup = false;
  std::string connection_id;
  std::shared_ptr<const http_endpoint> endpoint;
  std::shared_ptr<const import_plan> plan;
  import_hooks hooks;  ///< preMap, postMap, postSubmit (imports only)
  /// A lookup's own user code (script transform, script filter,
  /// preSavePage; export_page_code.hpp), run on what it found for each
  /// record as a page of its own; null when it has none.
  std::shared_ptr<const export_step> found_code;
};

struct flow_plan {
  std::string flow_id;
  std::string integration_id;
  std::vector<export_step> generators;
  std::vector<import_step> processors;
  std::vector<router_step> routers;
  std::vector<router_code> routers_code;  ///< by router: its script, its branches' filter scripts
  /// The processors and routers in the order their stages run
  /// (flow_routes.hpp); without routers, the processors in order.
  std::vector<flow_station> stations;
  boost::json::value settings;
  std::vector<std::string> next_flow_ids;  ///< _runNextFlowIds: run after a completed run
  bool parallel_generators = false;        ///< runPageGeneratorsInParallel
  /// Some document of the job has an {{#each}} block (has_loop_block): its
  /// stages' work may grow faster than the pages they read, so they run on
  /// threads of their own, away from the threads that serve API calls.
  /// Other stages share the scheduler, where their work per message stays
  /// linear in a page (at most max_page_bytes).
  bool isolate_stages = false;

  /// A plan with no generator compiles (a standalone import's), but no
  /// job runs one (for_job).
  static result<flow_plan> compile(const job_spec& spec);

  /// Fits the plan to one run: keeps the generators `export_ids` names
  /// (all when empty) and gives delta exports their window from the
  /// spec's marks and the run's dates (-1: none), exposed to templates.
  /// Fails when an export id is not a generator of the flow.
  result<void> select(const std::vector<std::string>& export_ids, const job_spec& spec,
                      std::int64_t now_ms, std::int64_t start_ms, std::int64_t end_ms);

  /// The station a retry of step `step_id`'s errors goes back into: that
  /// processor's or router's, or the first one for an export's errors; nullopt when the
  /// flow no longer has the step.
  std::optional<std::size_t> retry_entry(const std::string& step_id) const;

  /// The plan job `job` runs: compile(), then select() for the run's export
  /// ids and dates; for a retry, `first_station` is where its records go
  /// back in (retry_entry()), else 0. Fails when the job cannot run.
  static result<flow_plan> for_job(const job_spec& spec, const job_doc& job, std::int64_t now_ms,
                                   std::size_t& first_station);

  /// The station that processor `processor` runs at.
  std::size_t station_of(std::size_t processor) const;
};

/// Largest page the engine passes between actors (the product's limit).
inline constexpr std::size_t max_page_bytes = 5 * 1024 * 1024;

}  // namespace integrator
