#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with clang, ASan and UBSan in
# build-fuzz/ and runs each from its seed corpus for SECONDS (default 20).
# SEED (default 1) is libFuzzer's -seed: fixed, the run is the same on every
# machine; 0 draws a random one. The test command runs the targets with the
# whole suite under ASan (scripts/sanitize.sh address); bench/fuzz.sh runs
# them long. A crash leaves its input in build-fuzz/tests/fuzz/ (crash-*):
# make it a regression test and a seed. Usage: scripts/fuzz.sh [SECONDS] [SEED]
set -euo pipefail
INTEGRATOR_FUZZ_SECONDS="${1:-20}" INTEGRATOR_FUZZ_SEED="${2:-1}" \
  exec bash "$(dirname "$0")/sanitize.sh" fuzz
