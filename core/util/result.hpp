#pragma once
// The one result type of Integrator's compile, validation and store steps:
// a value, or the api_error that says why there is none (Boost.System's
// result, with api_error as its error). value() on an error throws
// std::runtime_error with the message; check first, or use operator->.

#include <boost/system/result.hpp>

#include <stdexcept>

#include "core/util/api_error.hpp"

namespace integrator {

template <class T>
using result = boost::system::result<T, api_error>;

/// A compile or validation step's failure: what is wrong with the input
/// (an invalid_field error, 422 when a client sent it), and where.
inline api_error invalid_input(std::string message, std::string field = {}) {
  return make_api_error(error_code::invalid_field, std::move(message), std::move(field));
}

/// What result<T>::value() throws on an error (found by ADL).
[[noreturn]] inline void throw_exception_from_error(const api_error& e,
                                                    const boost::source_location&) {
  throw std::runtime_error(e.message);
}

}  // namespace integrator
