#pragma once
// An export's user code on one page, in order: its script transform and
// script output filter (page_scripts.hpp), then its preSavePage hook
// (pre_save_page.hpp), each one call. Pure: it says which function is due
// with which options and takes the answers; a flow's hook stage, a
// standalone export and a preview make the calls. A script that fails
// ends the sequence for that page (its records became errors).

#include <boost/json/object.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "core/engine/pre_save_page.hpp"
#include "core/engine/user_code_answer.hpp"
#include "core/engine/user_function.hpp"
#include "core/json/record_page.hpp"
#include "core/util/object_id.hpp"

namespace integrator {

struct export_step;
struct flow_plan;

class export_page_code {
public:
  enum class op : std::uint8_t { transform, filter, pre_save_page, done };

  /// `page` of `step`, before its user code; `plan` is what the options
  /// name (flow, integration, settings). Both outlive this.
  export_page_code(const flow_plan& plan, const export_step& step, record_page page);

  /// The op whose call is due; done when none is left.
  op due() const { return op_; }
  /// Its function and options (without bearerToken); only while not done.
  const user_function& function() const;
  std::string options() const;

  /// The due op's answer: what it makes of the page; then the next op.
  void take(user_code_answer& answer, object_id_generator& ids, std::int64_t now_ms);

  /// The page as it stands (after the ops taken so far), the errors the
  /// ops gave so far, and why preSavePage failed ("" if it did not).
  const record_page& current() const { return current_; }
  const std::vector<job_error_entry>& errors() const { return out_.errors; }
  const std::string& failure() const { return out_.fatal; }
  /// Once done: what goes on, with the errors, ignored records, abort and
  /// failure of all the ops.
  hooked_page finish();

  /// How previews name an op's stage: "transform script", "filter script", "preSavePage".
  static const char* stage_name(op o);

  /// An error the code gave, as a standalone call or a preview answers it:
  /// {code, message, source}.
  static boost::json::object answered_error(const job_error_entry& e);

private:
  void advance();

  const flow_plan* plan_;
  const export_step* step_;
  op op_ = op::transform;
  record_page current_;
  hooked_page out_;  ///< errors, ignored, abort and fatal so far
};

}  // namespace integrator
