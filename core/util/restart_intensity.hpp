#pragma once
// How often a supervisor may restart its children before it gives up:
// Erlang/OTP's restart intensity and period. More than `intensity`
// restarts within any `period` means a child that keeps failing (a store
// it cannot open, say), which restarting would only turn into a hot loop:
// the supervisor then stops the node with a message instead. Time comes in
// as an argument (a steady clock's reading).

#include <chrono>
#include <cstddef>
#include <deque>

namespace integrator {

class restart_intensity {
public:
  using duration = std::chrono::milliseconds;

  /// At most `intensity` restarts within any `period`.
  restart_intensity(std::size_t intensity, duration period)
    : intensity_(intensity), period_(period) {}

  /// A child stopped at `now`: true when it may be restarted (and counts
  /// the restart), false when this one would be one too many.
  bool allow(duration now);

  std::size_t intensity() const { return intensity_; }
  duration period() const { return period_; }

private:
  std::size_t intensity_;
  duration period_;
  std::deque<duration> restarts_;  ///< within the last period, oldest first
};

}  // namespace integrator
