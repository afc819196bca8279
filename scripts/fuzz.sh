#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with clang, ASan and UBSan in
# build-fuzz/ and runs each from its seed corpus for SECONDS (default 20).
# The test command runs it bounded (two targets at a time, one per core);
# bench/fuzz.sh runs it long. A crash leaves its input in
# build-fuzz/tests/fuzz/ (crash-*): make it a regression test and a seed.
# SEED (default 1) is libFuzzer's -seed: fixed, the run is the same on every
# machine; 0 draws a random one. Usage: scripts/fuzz.sh [SECONDS] [SEED]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-20}"
seed="${2:-1}"
bash scripts/setup-deps.sh
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=true
if [ ! -f build-fuzz/build.ninja ]; then
  CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DINTEGRATOR_FUZZ=ON -DBUILD_TESTING=ON -DINTEGRATOR_FUZZ_SECONDS="$seconds" -DINTEGRATOR_FUZZ_SEED="$seed" >/dev/null
else
  cmake -S . -B build-fuzz -DINTEGRATOR_FUZZ_SECONDS="$seconds" -DINTEGRATOR_FUZZ_SEED="$seed" >/dev/null
fi
cmake --build build-fuzz -j2 --target fuzz_targets
cd build-fuzz
ctest --output-on-failure -j2 -R '^fuzz\.' --timeout $((seconds + 120))
