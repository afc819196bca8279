#pragma once
// A once export's flagging, page by page. The export stage hands the job
// the calls that flag a page's records when it makes the page; the last
// stage hands the job the page once it has gone through the whole flow.
// The two arrive in either order; the calls go out only when both are in,
// and the job ends only when every call has been answered.

#include <cstdint>
#include <map>
#include <set>
#include <vector>

#include "core/connect/once_marking.hpp"

namespace integrator {

class once_tracker {
public:
  /// Page `origin`'s flagging calls are known; returns the calls to send
  /// now (empty until the page is through).
  std::vector<once_call> calls_for(std::uint64_t origin, std::vector<once_call> calls);

  /// Page `origin` has gone through the flow; returns the calls to send
  /// now (empty until its calls are known).
  std::vector<once_call> page_through(std::uint64_t origin);

  /// `n` calls were sent.
  void sent(std::size_t n) { out_ += n; }

  /// One sent call was answered.
  void answered() {
    if (out_ > 0)
      --out_;
  }

  /// No sent call waits for its answer.
  bool settled() const { return out_ == 0; }

private:
  std::map<std::uint64_t, std::vector<once_call>> waiting_;  ///< calls of pages not yet through
  std::set<std::uint64_t> through_;  ///< pages through before their calls came
  std::size_t out_ = 0;              ///< calls sent, not yet answered
};

}  // namespace integrator
