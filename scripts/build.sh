#!/usr/bin/env bash
# Configures and builds Integrator into build/ (Release with debug info,
# Ninja, ccache, lld). Usage: scripts/build.sh [extra cmake -D options]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-deps.sh
bash scripts/setup-npm.sh sandbox  # what script workers run with (dayjs, sjcl)
# Let ccache share objects between clones in different folders (CI builds a
# fresh clone): paths relative to the project, cwd not hashed.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=true
if [ ! -f build/build.ninja ]; then
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
elif [ $# -gt 0 ]; then
  cmake -S . -B build "$@" >/dev/null
fi
cmake --build build -j2
