#!/usr/bin/env bash
# Flow benchmark (bench/flow_bench.py): builds, then measures integratord
# moving records from the bench source to the bench sink, page-batched and
# per record, at 10k, 100k and 1M records; writes bench/results/flow-<date>.json.
#
# usage: bench/flow_bench.sh [extra flow_bench.py options, e.g. --sizes 10000 --repeats 3]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh >/dev/null
mkdir -p bench/results
exec python3 bench/flow_bench.py build --out "bench/results/flow-$(date -u +%Y-%m-%dT%H-%M-%SZ).json" "$@"
