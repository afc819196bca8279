#pragma once
// Where calls to scripts go. The actors hand a call to the port and get the
// answer back through the completion, on whatever thread the port completes
// on (they turn it into a message). integratord's port is sandbox/
// script_pool: Node.js worker processes.

#include <functional>
#include <string>

#include "core/engine/user_code_answer.hpp"

namespace integrator {

/// One call of a script's function.
struct script_call {
  std::string script_id;
  std::string code;      ///< the script's content
  std::string function;  ///< the function to call
  std::string options;   ///< its argument, as JSON text
  bool check_only = false;  ///< only compile the script: ok, or why it does not compile
  /// Call the function once per record of options.records, each time with
  /// the options' other members and `record`; the result is the array of
  /// what each call returned (script filters and transforms).
  bool each_record = false;
};

class script_port {
public:
  /// Gets the answer, once; must not block.
  using completion = std::function<void(user_code_answer)>;

  virtual ~script_port() = default;

  /// Runs `call` once a worker is free; `done` gets its answer.
  virtual void submit(script_call call, completion done) = 0;
};

}  // namespace integrator
