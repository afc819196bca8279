#!/usr/bin/env bash
# Builds everything and runs the whole test suite (unit, storage, actor and
# integration tiers) with CTest; then the checked builds (scripts/sanitize.sh):
# every tier and every fuzz target under ASan and UBSan, the actor and
# integration tiers under TSan. INTEGRATOR_CHECKED=0 leaves the checked
# builds out (a quicker local run; CI runs them). Extra arguments go to the
# release suite's ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh -DBUILD_TESTING=ON
bash scripts/setup-npm.sh tests/stack  # the test stack (integrator-extension)
(cd build && ctest --output-on-failure -j2 --timeout 600 "$@")
if [ "${INTEGRATOR_CHECKED:-1}" != 0 ]; then
  bash scripts/sanitize.sh address
  bash scripts/sanitize.sh thread
fi
