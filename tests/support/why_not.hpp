#pragma once
// What a failed result says, for test messages ("" when it holds a value).

#include <string>

#include "core/util/result.hpp"

namespace integrator::test {

template <class T>
std::string why_not(const result<T>& r) {
  return r ? std::string() : r.error().message;
}

}  // namespace integrator::test
