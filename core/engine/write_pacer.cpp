#include "core/engine/write_pacer.hpp"

namespace integrator {

write_pacer::action write_pacer::start_write() {
  writing_ = true;
  dirty_ = false;
  urgent_ = false;
  return action::write;
}

write_pacer::action write_pacer::arm() {
  if (armed_)
    return action::none;
  armed_ = true;
  return action::arm_timer;
}

write_pacer::action write_pacer::changed(bool urgent) {
  dirty_ = true;
  urgent_ = urgent_ || urgent;
  if (writing_)
    return action::none;
  return urgent_ ? start_write() : arm();
}

write_pacer::action write_pacer::written() {
  writing_ = false;
  if (urgent_)
    return start_write();
  return dirty_ ? arm() : action::none;
}

write_pacer::action write_pacer::timer() {
  armed_ = false;
  if (dirty_ && !writing_)
    return start_write();
  return action::none;
}

}  // namespace integrator
