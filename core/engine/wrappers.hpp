#pragma once
// Wrappers (integrator-api.md §9, extension-protocol.md §3): a connection
// of type "wrapper" names a stack (wrapper{_stackId, pingFunction,
// encrypted, unencrypted, concurrencyLevel}); its exports and imports name
// a function of that stack's `wrappers` (wrapper{function, configuration}).
// The platform pings through the ping function, pages an export by calling
// its function again with the state it answered until lastPage, and hands
// an import's mapped page to its function, which answers per record.
// Pure: options and answers; the actors make the calls.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/engine/job_model.hpp"
#include "core/engine/stage_report.hpp"
#include "core/engine/user_code_answer.hpp"
#include "core/engine/user_function.hpp"
#include "core/util/result.hpp"

namespace integrator {

struct export_step;
struct flow_plan;

/// Whether `connection` (a document) is a wrapper connection.
bool is_wrapper_connection(const boost::json::value& connection);

/// The stack a wrapper connection names, for a job's spec; "" when none.
std::string wrapper_stack_id(const boost::json::value& connection);

/// A wrapper connection, resolved against its stack.
struct wrapper_target {
  std::string connection_id;
  stack_target stack;
  std::string ping_function;
  boost::json::value connection;  ///< what functions get as options.connection: {_id, encrypted, unencrypted}
  int concurrency = 5;

  /// From the connection (revealed) and its stack's document (revealed).
  static result<wrapper_target> of(const boost::json::value& connection, const boost::json::value& stack);
  /// The same, the stack found among a job's stacks.
  static result<wrapper_target> of(const boost::json::value& connection, const document_texts& stacks);

  /// The function `doc` (an export or an import) names in wrapper{function,
  /// configuration}, on this connection's stack.
  result<user_function> function_of(const boost::json::value& doc) const;
  /// The ping function, on this connection's stack; fails (ping_failed)
  /// when the connection names none.
  result<user_function> ping() const;
};

/// The ping function's options: {connection}.
std::string wrapper_ping_options(const wrapper_target& target);

/// Why a ping's answer fails the ping (it answered a statusCode other than
/// 200, or the call failed); nullopt when the connection is fine.
std::optional<std::string> wrapper_ping_failure(const user_code_answer& answer);

/// An export wrapper's function, and what it gets besides the state.
struct wrapper_export {
  std::shared_ptr<const user_function> fn;
  boost::json::value connection;
  std::string type;                 ///< delta, once, test or ""
  boost::json::value delta, once;   ///< {dateField}, {booleanField} from the export
};

/// The options of an export wrapper call: {connection, type, delta{dateField,
/// lastExecutionTime}, once, test{limit}, state, configuration, settings,
/// _exportId, _connectionId, _flowId, _integrationId}; `state_text` is the
/// state the previous call answered ("": the first call).
std::string wrapper_export_options(const flow_plan& plan, const export_step& step, const std::string& state_text);

/// One answer of an export wrapper.
struct wrapper_page {
  std::vector<std::string_view> records;  ///< data[], each record's JSON text within the answer
  std::vector<job_error_entry> errors;    ///< errors[] (the export's; records not lost)
  bool last_page = true;                  ///< (no lastPage: the last page)
  std::string state;  ///< JSON text; "" when none
  bool connection_offline = false;
};

/// Reads an answer (hook_results.hpp: page_answer; its padding capacity
/// may grow, the records point into it); fails (why, for the job) when the
/// call failed or the answer is not {data, …}.
result<wrapper_page> read_wrapper_page(user_code_answer& answer, const std::string& export_id,
                                       std::int64_t now_ms);

/// Counts identical answers in a row: more than `limit` (the protocol's 5)
/// in a row is a loop.
class repeat_guard {
public:
  explicit repeat_guard(int limit = 5) : limit_(limit) {}
  /// True when `answer` makes too many identical answers in a row.
  bool looping(const std::string& answer);

private:
  int limit_;
  std::size_t last_hash_ = 0;
  int repeats_ = 0;
};

/// An export wrapper's records, answer after answer (the wrapper's side of
/// export_cursor): the state each call sends, the export's transform,
/// output filter and test limit on what it answers, the loop guard, and
/// where a resumed job goes on (the state sent before the answer holding
/// the next record).
class wrapper_cursor {
public:
  /// `plan` and `step` must outlive the cursor.
  wrapper_cursor(const flow_plan& plan, const export_step& step) : plan_(plan), step_(step) {}

  /// Another call may follow.
  bool more() const { return !stopped_ && !last_ && !limited_; }
  /// The options of the next call.
  std::string next_options() const;

  /// Reads an answer: hands each record that goes on to `keep`; counts and
  /// errors, and `fatal` when the answer fails the export (a failed call,
  /// a wrong shape, a loop, connectionOffline: `offline` set).
  /// With `by_page` (a job's export) the counts go by page, as
  /// export_cursor's (stage_report.hpp).
  stage_report read(user_code_answer& answer, const std::function<void(std::string_view)>& keep,
                    bool& offline, std::int64_t now_ms, counts_by_page* by_page = nullptr);

  void stop() { stopped_ = true; }
  bool stopped() const { return stopped_; }
  /// As export_cursor's: the position is the state the answer was asked with.
  resume_point resume_here(bool past) const { return tally_.here(past); }
  /// Where the calls stand between two of them: the state the next call
  /// sends (position), the records kept so far, whether none follows. A
  /// standalone export pages by it (one call a page).
  resume_point between_calls() const;
  /// The same as a standalone export's position ({wrapperState, kept}, as
  /// export_cursor::position() is an HTTP export's), and going on from one.
  boost::json::object position() const;
  void restore(const boost::json::object& position);
  void resume(const resume_point& at);

private:
  const flow_plan& plan_;
  const export_step& step_;
  std::string state_;  ///< what the next call sends
  std::string reshaped_;
  repeat_guard repeats_;
  kept_tally tally_;
  bool stopped_ = false, last_ = false, limited_ = false;
};

}  // namespace integrator
