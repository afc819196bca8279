#!/usr/bin/env bash
# The checked builds of issue 14 §7, each in a clang build of its own:
#   scripts/sanitize.sh address   ASan + UBSan, every tier and every fuzz
#                                 target, in build-fuzz/
#   scripts/sanitize.sh thread    TSan, the actor and integration tiers, in
#                                 build-tsan/
#   scripts/sanitize.sh fuzz      only the fuzz targets (ASan + UBSan), in
#                                 build-fuzz/
# The test command runs address and thread after the release suite. From
# scratch on two cores the two builds take about 13 and 9 minutes (ccache
# makes a rebuild a matter of seconds); the runs about 5 and 3.
# Environment: INTEGRATOR_FUZZ_SECONDS (default 20) and INTEGRATOR_FUZZ_SEED
# (default 1, fixed; 0 is random: tests/fuzz/README.md). Extra arguments go
# to ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
kind="${1:-address}"
shift || true
bash scripts/setup-deps.sh
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=true
fuzz_options=(-DINTEGRATOR_FUZZ_SECONDS="${INTEGRATOR_FUZZ_SECONDS:-20}"
              -DINTEGRATOR_FUZZ_SEED="${INTEGRATOR_FUZZ_SEED:-1}")
# template_limits renders each runaway record to its 10M-step budget: 25
# times slower instrumented, its invoke outlasts the request timeout (147 s
# against 6). The handlebars fuzz target covers the renderer here.
skip='^integration\.template_limits$'
export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$PWD/tests/tsan.supp"
case "$kind" in
  address)
    dir=build-fuzz flags=(-DINTEGRATOR_FUZZ=ON "${fuzz_options[@]}") targets=(all)
    tiers='^(unit|storage|storage_pg|actors|http|integration|fuzz)\.'
    ;;
  fuzz)
    dir=build-fuzz flags=(-DINTEGRATOR_FUZZ=ON "${fuzz_options[@]}") targets=(fuzz_targets)
    tiers='^fuzz\.'
    ;;
  thread)
    dir=build-tsan flags=(-DINTEGRATOR_SANITIZE=thread)
    targets=(integratord actor_tests engine_actor_tests integration_tests)
    tiers='^(actors|integration)\.'
    # The crash loop's 20 rounds of 100k records take about 95 s each under
    # TSan (9 rounds ran clean in 850 s); it runs under ASan instead.
    skip='^integration\.(template_limits|crash_loop)$'
    ;;
  *)
    echo "usage: scripts/sanitize.sh [address|thread|fuzz] [ctest arguments]" >&2
    exit 2
    ;;
esac
if [ ! -f "$dir/build.ninja" ]; then
  CXX=clang++ cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "${flags[@]}" \
    -DBUILD_TESTING=ON >/dev/null
else
  cmake -S . -B "$dir" "${flags[@]}" >/dev/null
fi
cmake --build "$dir" -j2 --target "${targets[@]}"
cd "$dir"
ctest --output-on-failure -j2 --timeout 1800 -R "$tiers" -E "$skip" "$@"
