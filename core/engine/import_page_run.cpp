#include "core/engine/import_page_run.hpp"

#include <boost/json.hpp>

#include <iterator>

#include "core/engine/flow_plan.hpp"
#include "core/json/json_depth.hpp"

namespace integrator {

import_page_run::import_page_run(const flow_plan& plan, const import_step& step, bool goes_on, bool keep_responses)
    : plan_(&plan),
      step_(&step),
      goes_on_(goes_on),
      keep_responses_(keep_responses || step.hooks.post_submit || step.found_code) {}

import_page_run::need import_page_run::start(const record_page& page) {
  const auto& import = *step_->plan;
  if ((import.has_lookups() || step_->hooks.any() || step_->found_code) && page.size() > 0) {
    for (std::size_t i = 0; i < page.size(); ++i) {
      boost::system::error_code ec;
      records_.push_back(parse_json(page.record(i), ec));
      if (ec)
        records_.back() = nullptr;  // fails as invalid_record when staged
    }
    outcomes_.assign(records_.size(), {});  // the hooks may decide some
    return go();
  }
  // Records are parsed only when responseMapping needs them afterwards
  // (or the plan cannot work from text).
  if (page.size() > 0)
    requests_ = import.stage_page(page, plan_->settings, goes_on_ && import.maps_response(), records_, outcomes_);
  at_ = at::post_submit;
  return requests_.empty() ? go() : need::requests;
}

const lookup_results* import_page_run::found() const {
  return step_->plan->has_lookups() ? &found_ : nullptr;
}

// Whether hook `h` is due: the step has it and some record is in play.
bool import_page_run::try_hook(import_hook h) {
  if (!step_->hooks.of(h))
    return false;
  if (h != import_hook::post_response_map)  // (its records are those that go on)
    in_play_ = records_in_play(h, outcomes_, records_.size());
  if (in_play_.empty())
    return false;
  hook_ = h;
  return true;
}

// From where the page stands to the next thing due.
import_page_run::need import_page_run::go() {
  const auto& import = *step_->plan;
  const auto& settings = plan_->settings;
  for (;;) {
    switch (at_) {
      case at::input_filter:
        at_ = at::pre_map;
        if (try_hook(import_hook::input_filter))
          return need::hook;
        break;
      case at::pre_map:
        at_ = at::lookups;
        if (try_hook(import_hook::pre_map))
          return need::hook;
        break;
      case at::lookups:
        at_ = at::map;
        if (import.has_lookups()) {
          lookups_ = import.lookup_calls(records_, settings, found_);
          if (!lookups_.empty())
            return need::lookups;
        }
        break;
      case at::map:
        if (!step_->hooks.any()) {  // mapping and requests at once
          requests_ = import.stage(records_, settings, outcomes_, found());
          at_ = at::lookup_found;
          if (!requests_.empty())
            return need::requests;
          break;
        }
        mapping_ = import.map_records(records_, settings, outcomes_, found());
        at_ = at::post_map;
        break;
      case at::post_map:
        at_ = at::submit;
        if (try_hook(import_hook::post_map))
          return need::hook;
        break;
      case at::submit:
        at_ = at::lookup_found;
        if (step_->hooks.wrapper) {
          if (try_hook(import_hook::wrapper))
            return need::hook;
          break;
        }
        requests_ = import.build_requests(records_, *mapping_, settings, outcomes_, found());
        if (!requests_.empty())
          return need::requests;
        break;
      case at::lookup_found:
        if (found_code_due())
          return need::hook;
        at_ = at::post_submit;
        break;
      case at::post_submit:
        at_ = at::respond;
        if (try_hook(import_hook::post_submit))
          return need::hook;
        break;
      case at::respond: {
        // responseMapping on the records that go on, then postResponseMap.
        at_ = at::done;
        if (!goes_on_ || !step_->hooks.post_response_map || records_.empty())
          break;
        responded_ = true;
        in_play_.clear();
        for (std::size_t i = 0; i < records_.size(); ++i) {
          using k = record_outcome::kind;
          auto what = outcomes_[i].what;
          bool failed = what != k::filtered && what != k::ignored && what != k::succeeded;
          if (!failed || import.proceed_on_failure()) {
            import.map_response(records_[i], outcomes_[i]);
            in_play_.push_back(i);
          }
        }
        if (try_hook(import_hook::post_response_map))
          return need::hook;
        break;
      }
      case at::done:
        return need::finished;
    }
  }
}

// A lookup's own code, on a record's result at a time: whether one of its
// calls is due (the records before are through it).
bool import_page_run::found_code_due() {
  auto due = [&] { return on_result_->due() != export_page_code::op::done; };
  if (on_result_ && due())
    return true;
  if (on_result_)
    finish_found();
  while (step_->found_code && found_at_ < records_.size()) {
    const auto& out = outcomes_[found_at_++];
    const auto* items = out.what == record_outcome::kind::succeeded && out.response ? out.response->if_array() : nullptr;
    if (!items || items->empty())
      continue;
    page_builder page(1, 0);
    for (const auto& item : *items)
      page.append(boost::json::serialize(item));
    on_result_.emplace(*plan_, *step_->found_code, page.take());
    if (due())
      return true;
    finish_found();
  }
  return false;
}

// What the lookup's code made of a record's result: what goes on as
// found, or the record's failure. Errors the code only logged are kept;
// those of results it failed on say why the record fails instead (a retry
// replays the record, not what its lookup found).
void import_page_run::finish_found() {
  auto out = on_result_->finish();
  on_result_.reset();
  auto& outcome = outcomes_[found_at_ - 1];
  const job_error_entry* failed = nullptr;
  for (auto& e : out.errors) {
    if (!e.retry_data_key.empty()) {
      failed = failed ? failed : &e;
      continue;
    }
    logged_.push_back(std::move(e));
  }
  if (!out.fatal.empty() || failed) {
    outcome.what = record_outcome::kind::failed;
    outcome.code = failed ? failed->code : "hook_failed";
    outcome.message = out.fatal.empty() ? failed->message : out.fatal;
    outcome.source = "pre_save_page_hook";
    for (const char* script : {"transformation", "output_filter"})  // (a source outlives the page)
      if (failed && failed->source == script)
        outcome.source = script;
    return;
  }
  boost::json::array found;
  for (std::size_t i = 0; i < out.page.size(); ++i) {
    boost::system::error_code ec;
    found.push_back(parse_json(out.page.record(i), ec));
  }
  outcome.response = boost::json::value(std::move(found));
}

const user_function& import_page_run::call_function() const {
  return on_result_ ? on_result_->function() : *step_->hooks.of(hook_);
}

extension_type import_page_run::call_type() const {
  return !on_result_ && hook_ == import_hook::wrapper ? extension_type::wrapper : extension_type::hook;
}

std::string import_page_run::hook_options() const {
  if (on_result_)
    return on_result_->options();
  return import_hook_options(hook_, *plan_, *step_, in_play_, records_, mapping_ ? &*mapping_ : nullptr, outcomes_);
}

import_page_run::need import_page_run::take_hook(user_code_answer& answer, object_id_generator& ids,
                                                  std::int64_t now_ms) {
  if (on_result_) {
    on_result_->take(answer, ids, now_ms);
    return go();
  }
  auto logged = apply_import_hook(hook_, answer, in_play_, records_, mapping_ ? &*mapping_ : nullptr, outcomes_,
                                  now_ms);
  std::move(logged.begin(), logged.end(), std::back_inserter(logged_));
  return go();
}

void import_page_run::take_lookup(std::size_t q, const outbound_response& r) {
  step_->plan->settle_lookup(lookups_[q], r, found_);
}

void import_page_run::take_response(std::size_t q, outbound_response& r) {
  step_->plan->settle(requests_[q], r, outcomes_, keep_responses_);
}

}  // namespace integrator
