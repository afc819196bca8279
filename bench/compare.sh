#!/usr/bin/env bash
# The flow comparison (bench/compare.py): ceiling relay, Integrator
# page-batched and per record, Node-RED fn/batch/record, and integratord's
# memory curve, in one run of under 10 minutes by default. Prints the table;
# writes bench/results/compare-<date>.json and .png.
#
# usage: bench/compare.sh [--repeats N] [--full] [--quick] [--skip-nodered]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-deps.sh
bash scripts/build.sh >/dev/null
exec python3 bench/compare.py build "$@"
