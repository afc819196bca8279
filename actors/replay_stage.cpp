// The generator of a retry job: the failed records, read back from their
// retry data, go to the retried step in pages, by the same credit as an
// export's pages, then the stream ends.
#include <caf/all.hpp>

#include <deque>

#include "actors/catalogue.hpp"
#include "actors/stages.hpp"

namespace integrator {

namespace {

struct replay_state {
  stage_links links;
  std::deque<record_page> pages;
  std::int32_t credit = 0;
  bool loaded = false;
  static inline const char* name = "replay_stage";
};

using replay_ptr = generator_actor::stateful_pointer<replay_state>;

void pump(replay_ptr self) {
  auto& st = self->state;
  if (!st.loaded)
    return;
  while (st.credit > 0 && !st.pages.empty()) {
    stage_report r;
    r.counts.num_pages_generated = 1;
    r.counts.num_export = static_cast<std::int64_t>(st.pages.front().size());
    st.links.stamp(r);
    self->send(st.links.job, report_atom::value, std::move(r));
    self->send(st.links.downstream, page_atom::value, std::move(st.pages.front()));
    st.pages.pop_front();
    --st.credit;
  }
  if (st.pages.empty()) {
    self->send(st.links.downstream, end_atom::value);
    self->quit();
  }
}

// Splits the one page the store answers into pages of `page_size`, all
// in the lane of the step they go back into.
void split(replay_state& st, const record_page& all, std::size_t page_size, std::uint16_t lane) {
  page_builder b(page_size, max_page_bytes);
  for (std::size_t i = 0; i < all.size(); ++i) {
    auto text = all.record(i);
    if (b.full_for(text.size()))
      st.pages.push_back(b.take());
    b.append(text, lane);
  }
  if (!b.empty())
    st.pages.push_back(b.take());
}

}  // namespace

generator_actor spawn_replay_stage(caf::local_actor* parent, engine_store_actor store, std::string account,
                                   std::string retry_job, std::size_t page_size,
                                   std::uint16_t lane, stage_links links) {
  return parent->spawn<caf::linked>(
    // (`own` is an argument, not a capture: see spawn_work.hpp.)
    [=](replay_ptr self, const stage_links& own) -> generator_actor::behavior_type {
      self->state.links = own;
      self->state.credit = services_of(self->system())->pages_in_flight;
      self->request(store, caf::infinite, retry_atom::value, account, retry_job)
        .then([=](const record_page& all) {
          split(self->state, all, page_size, lane);
          self->state.loaded = true;
          pump(self);
        });
      return {
        [=](credit_atom, std::int32_t n) {
          self->state.credit += n;
          pump(self);
        },
        [=](cancel_atom) {
          self->state.pages.clear();
          pump(self);
        },
      };
    },
    links);
}

}  // namespace integrator
