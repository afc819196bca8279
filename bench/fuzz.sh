#!/usr/bin/env bash
# Long fuzzing runs: every target of tests/fuzz for SECONDS each (default
# 1800), from a random seed. Same build as the bounded CI run (scripts/fuzz.sh).
set -euo pipefail
exec bash "$(dirname "$0")/../scripts/fuzz.sh" "${1:-1800}" 0
