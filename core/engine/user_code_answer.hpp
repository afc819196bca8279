#pragma once
// What a call to user code answered, whoever ran it (a stack over HTTP, a
// script in the worker pool). A plain value: it travels from the thread
// that got the answer to the stage that made the call as a message.

#include <boost/json/value.hpp>

#include <string>
#include <string_view>

#include "core/util/result.hpp"

namespace integrator {

struct user_code_answer {
  bool ok = false;
  std::string returned;  ///< the function's result as JSON text; "": it returned nothing
  std::string code;      ///< when !ok: the function's error code, or ours
  std::string message;
  bool transport = false;  ///< the function never answered (may be tried again)
  std::string logs;        ///< a script's console output: a JSON array of {level, message, time}; "" when none
};

/// The returned value of an answer that is ok: null when the function
/// returned nothing; invalid_extension_response (naming `function`) when
/// the text is not JSON.
result<boost::json::value> returned_value(const user_code_answer& a, std::string_view function);

/// An answer that returned `text` (JSON; "": nothing).
inline user_code_answer returned_answer(std::string text) {
  user_code_answer a;
  a.ok = true;
  a.returned = std::move(text);
  return a;
}

/// A failed answer with `code` and `message`.
inline user_code_answer failed_answer(std::string code, std::string message, bool transport = false) {
  user_code_answer a;
  a.code = std::move(code);
  a.message = std::move(message);
  a.transport = transport;
  return a;
}

}  // namespace integrator
