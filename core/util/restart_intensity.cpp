#include "core/util/restart_intensity.hpp"

namespace integrator {

bool restart_intensity::allow(duration now) {
  while (!restarts_.empty() && now - restarts_.front() >= period_)
    restarts_.pop_front();
  if (restarts_.size() >= intensity_)
    return false;
  restarts_.push_back(now);
  return true;
}

}  // namespace integrator
