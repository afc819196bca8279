#pragma once
// What a job runs, as a value that can cross nodes: the documents (flow,
// exports, imports, connections with secrets revealed, the scripts and
// stacks their hooks name) as JSON text. flow_plan.hpp compiles it. A
// standalone call (an export or import invoked alone, a preview) travels
// as one too: a flow of that one step (standalone_spec()).

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace integrator {

/// Documents by id, as JSON text.
using document_texts = std::vector<std::pair<std::string, std::string>>;

struct job_spec {
  std::string flow;  ///< JSON
  document_texts exports;      ///< id → JSON
  document_texts imports;      ///< id → JSON
  document_texts connections;  ///< id → JSON, revealed
  std::vector<std::pair<std::string, std::int64_t>> marks;  ///< delta export id → mark (ms)
  document_texts stacks;   ///< the stacks hooks name: id → JSON, revealed
  document_texts scripts;  ///< the scripts hooks name: id → JSON
};

}  // namespace integrator
