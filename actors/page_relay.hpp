#pragma once
// A stage's finished pages on their way out: each goes to the next stage
// (the job after the last) while it has credit, and gives its own upstream
// one credit back as it leaves, so no stage holds more than
// pages_in_flight pages of another.

#include <cstdint>
#include <deque>
#include <utility>

#include "actors/engine_interfaces.hpp"

namespace integrator {

struct page_relay {
  std::deque<std::pair<record_page, page_source_actor>> outbox;  ///< page, its upstream
  std::int32_t credit = 0;

  void push(record_page page, page_source_actor from) {
    outbox.emplace_back(std::move(page), std::move(from));
  }

  template <class Self>
  void drain(Self* self, const page_sink_actor& downstream) {
    while (!outbox.empty() && credit > 0) {
      auto [page, from] = std::move(outbox.front());
      outbox.pop_front();
      --credit;
      self->send(downstream, page_atom::value, std::move(page));
      self->send(from, credit_atom::value, std::int32_t{1});
    }
  }
};

/// The stage that sent the message being handled, as a credit receiver.
template <class Self>
page_source_actor sender_of(Self* self) {
  return caf::actor_cast<page_source_actor>(self->current_sender());
}

}  // namespace integrator
