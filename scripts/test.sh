#!/usr/bin/env bash
# Builds everything and runs the whole test suite (unit, storage, actor and
# integration tests) with CTest. Extra arguments go to ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh -DBUILD_TESTING=ON
cd build
ctest --output-on-failure -j2 --timeout 600 "$@"
