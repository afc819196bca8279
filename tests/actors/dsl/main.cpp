// The runner of the deterministic actor tests (CAF's own test framework,
// which caf/test/dsl.hpp is built on). Run one suite with `-s <suite>`.
#include <caf/test/unit_test_impl.hpp>
