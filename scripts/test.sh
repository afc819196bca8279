#!/usr/bin/env bash
# Builds everything and runs the whole test suite (unit, storage, actor and
# integration tests) with CTest, then every fuzz target for a bounded time
# (scripts/fuzz.sh, a clang build with ASan and UBSan). Extra arguments go
# to ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh -DBUILD_TESTING=ON
(cd build && ctest --output-on-failure -j2 --timeout 600 "$@")
bash scripts/fuzz.sh "${INTEGRATOR_FUZZ_SECONDS:-20}"
