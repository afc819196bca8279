#pragma once
// An HTTP answer as the outbound client hands it to the engine, for unit
// tests that drive paging, imports and stacks by hand.

#include <string>
#include <utility>

#include "core/connect/outbound.hpp"

namespace integrator::test {

inline outbound_response answered(int status, std::string body = {}, header_list headers = {}) {
  outbound_response r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

}  // namespace integrator::test
