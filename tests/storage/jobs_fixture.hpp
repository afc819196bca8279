#pragma once
// Jobs written straight into a real store, for the tests of what the
// engine's job logic does with them.

#include <cstdint>
#include <string>

#include "core/engine/job_store.hpp"
#include "core/util/object_id.hpp"
#include "tests/storage/temp_store.hpp"

namespace integrator::test {

inline constexpr std::int64_t t0 = 1700000000000;
inline const std::string acc_a = "aaaaaaaaaaaaaaaaaaaaaaaa";
inline const std::string acc_b = "bbbbbbbbbbbbbbbbbbbbbbbb";
inline const std::string flow_f = "ffffffffffffffffffffffff";

struct jobs_fixture {
  temp_store ts;
  object_id_generator ids{{1, 2, 3, 4, 5}, 0};
  job_store jobs{*ts.store};

  /// A job of `flow` created at `second`.
  job_doc put(const std::string& account, job_status status, std::uint32_t second,
              const std::string& type = "flow", const std::string& parent = "",
              const std::string& flow = flow_f) {
    job_doc j;
    j.id = ids.next(second);
    j.type = type;
    j.flow_id = flow;
    j.flow_job_id = parent;
    j.status = status;
    j.created_at = std::int64_t{second} * 1000;
    write_batch b;
    job_store::put(b, account, j);
    ts.store->write(b);
    return j;
  }
};

}  // namespace integrator::test
