#pragma once
// When a running job writes. One write is out at a time: what happens
// meanwhile joins the next one, so a job persists at page boundaries
// without a synced write per page per step. Errors and changes of state go
// out as soon as no write is out; counts alone wait up to an interval (a
// synced write per page cost more than the page's records, issue 4's
// profile). Pure: the job actor tells it what happened and does what it
// answers (write now, or arm the interval's timer).

#include <chrono>
#include <cstdint>

namespace integrator {

class write_pacer {
public:
  enum class action : std::uint8_t {
    none,       ///< nothing to do now
    write,      ///< take what is pending and write it
    arm_timer,  ///< call timer() after `interval`
  };

  /// How long counts alone may wait.
  static constexpr std::chrono::milliseconds interval{200};

  /// Something changed: `urgent` for errors and changes of state (written
  /// as soon as no write is out), else counts.
  action changed(bool urgent);

  /// The write that was out is durable.
  action written();

  /// The timer armed by arm_timer fired.
  action timer();

  /// A write is out.
  bool writing() const { return writing_; }

  /// Nothing waits to be written and no write is out.
  bool idle() const { return !writing_ && !dirty_; }

private:
  action start_write();
  action arm();

  bool writing_ = false;  ///< a write is out
  bool dirty_ = false;    ///< something not yet in a write
  bool urgent_ = false;   ///< ... that must not wait for the timer
  bool armed_ = false;    ///< the timer is armed
};

}  // namespace integrator
