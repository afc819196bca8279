#include "core/engine/once_tracker.hpp"

namespace integrator {

std::vector<once_call> once_tracker::calls_for(std::uint64_t origin, std::vector<once_call> calls) {
  if (through_.erase(origin) > 0)
    return calls;
  waiting_.emplace(origin, std::move(calls));
  return {};
}

std::vector<once_call> once_tracker::page_through(std::uint64_t origin) {
  auto it = waiting_.find(origin);
  if (it == waiting_.end()) {
    through_.insert(origin);
    return {};
  }
  auto calls = std::move(it->second);
  waiting_.erase(it);
  return calls;
}

}  // namespace integrator
