#include "core/engine/export_page_code.hpp"

#include <boost/json.hpp>

#include <iterator>

#include "core/engine/flow_plan.hpp"
#include "core/engine/page_scripts.hpp"

namespace integrator {

export_page_code::export_page_code(const flow_plan& plan, const export_step& step, record_page page)
    : plan_(&plan), step_(&step), current_(std::move(page)) {
  if (!step.transform_script)
    advance();
}

// The next op the step has, after op_.
void export_page_code::advance() {
  switch (op_) {
    case op::transform:
      if (step_->filter_script) {
        op_ = op::filter;
        return;
      }
      [[fallthrough]];
    case op::filter:
      if (step_->pre_save_page) {
        op_ = op::pre_save_page;
        return;
      }
      [[fallthrough]];
    default:
      op_ = op::done;
  }
}

const user_function& export_page_code::function() const {
  switch (op_) {
    case op::transform: return *step_->transform_script;
    case op::filter: return *step_->filter_script;
    default: return *step_->pre_save_page;
  }
}

std::string export_page_code::options() const {
  // Script filters and transforms: the function once per record, in one call.
  return op_ == op::pre_save_page ? pre_save_page_options(*plan_, *step_, current_)
                                  : page_script_options(*plan_, *step_, current_);
}

void export_page_code::take(user_code_answer& answer, object_id_generator& ids, std::int64_t now_ms) {
  if (op_ == op::done)
    return;
  if (op_ == op::pre_save_page) {
    auto hooked = apply_pre_save_page(answer, current_, *step_, ids, now_ms);
    std::move(hooked.errors.begin(), hooked.errors.end(), std::back_inserter(out_.errors));
    out_.ignored += hooked.ignored;
    out_.abort = hooked.abort;
    out_.fatal = std::move(hooked.fatal);
    current_ = std::move(hooked.page);
    op_ = op::done;
    return;
  }
  auto kind = op_ == op::transform ? page_script::transform : page_script::filter;
  auto scripted = apply_page_script(kind, answer, current_, *step_, plan_->settings, ids, now_ms);
  out_.ignored += scripted.ignored;
  bool failed = !scripted.errors.empty();
  std::move(scripted.errors.begin(), scripted.errors.end(), std::back_inserter(out_.errors));
  current_ = std::move(scripted.page);
  // A page whose script failed has no records left for what follows.
  if (failed)
    op_ = op::done;
  else
    advance();
}

hooked_page export_page_code::finish() {
  out_.page = std::move(current_);
  return std::move(out_);
}

const char* export_page_code::stage_name(op o) {
  switch (o) {
    case op::transform: return "transform script";
    case op::filter: return "filter script";
    case op::pre_save_page: return "preSavePage";
    default: return "";
  }
}

boost::json::object export_page_code::answered_error(const job_error_entry& e) {
  return boost::json::object{{"code", e.code}, {"message", e.message}, {"source", e.source}};
}

}  // namespace integrator
