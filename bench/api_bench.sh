#!/usr/bin/env bash
# API benchmark: wrk with 50 connections against integratord's authenticated
# GET /v1/tokenInfo and GET /v1/connections/{id}, and in the same run against
# a bare Beast server answering a constant 200 (the ceiling). Prints
# requests/s, p50 and p99 latency of each, the server's CPU time per request
# (user+sys of all its threads, from /proc, over the wrk run) and the ratio
# to the ceiling; writes the figures to bench/results/api-<UTC date>.json.
#
# usage: bench/api_bench.sh [SECONDS per run, default 10] [ROUNDS, default 5]
# INTEGRATORD=path measures another build of the server (an A/B against an
# older commit's binary); the default is this tree's build/integratord.
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-10}"
rounds="${2:-5}"
bash scripts/build.sh >/dev/null

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

${INTEGRATORD:-build/integratord} --data-dir "$work/data" --listen 127.0.0.1:0 >"$work/integratord.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do [ -f "$work/data/endpoint" ] && break; sleep 0.1; done
endpoint=$(cat "$work/data/endpoint")
operator=$(cat "$work/data/operator-token")

integratord_pid=$!
build/bench/ceiling_server 0 2 >"$work/ceiling.log" &
pids+=($!)
ceiling_pid=$!
for _ in $(seq 100); do grep -q ready "$work/ceiling.log" 2>/dev/null && break; sleep 0.1; done
ceiling_port=$(awk '/ready/{print $2}' "$work/ceiling.log")

api() { curl -sf -X "$1" "http://$endpoint$2" -H "Authorization: Bearer $3" -H 'Content-Type: application/json' ${4:+-d "$4"}; }
json_field() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }

account=$(api POST /admin/v1/accounts "$operator" '{"name":"bench","email":"bench@localhost"}')
token=$(echo "$account" | json_field token)
account_id=$(echo "$account" | json_field _id)
api PUT "/admin/v1/accounts/$account_id/rateLimit" "$operator" '{"bucketSize":100000000,"fillRate":100000000}' >/dev/null
connection=$(api POST /v1/connections "$token" \
  '{"type":"http","name":"bench","http":{"baseURI":"https://example.com","auth":{"type":"basic","basic":{"username":"u","password":"p"}}}}' \
  | json_field _id)

source bench/wrk_measure.sh

auth=(-H "Authorization: Bearer $token")
declare -A results
for round in $(seq "$rounds"); do
  results[ceiling]+="$(measure "$ceiling_pid" "http://127.0.0.1:$ceiling_port/v1/tokenInfo")"$'\n'
  results[tokenInfo]+="$(measure "$integratord_pid" "http://$endpoint/v1/tokenInfo" "${auth[@]}")"$'\n'
  results[connection]+="$(measure "$integratord_pid" "http://$endpoint/v1/connections/$connection" "${auth[@]}")"$'\n'
done

mkdir -p bench/results
stamp=$(date -u +%Y-%m-%dT%H-%M-%SZ)
python3 - "$stamp" "$duration" "$rounds" "${INTEGRATORD:-build/integratord}" <<PY
import json, statistics, sys
raw = {
  "ceiling (bare Beast, constant 200)": """${results[ceiling]}""",
  "GET /v1/tokenInfo": """${results[tokenInfo]}""",
  "GET /v1/connections/{id}": """${results[connection]}""",
}
rows = {}
for name, text in raw.items():
    runs = [list(map(float, l.split())) for l in text.strip().splitlines()]
    rows[name] = {
        "rps": statistics.median(r[0] for r in runs),
        "p50_ms": statistics.median(r[1] for r in runs),
        "p99_ms": statistics.median(r[2] for r in runs),
        "cpu_us_per_request": statistics.median(r[3] for r in runs),
        "runs": runs,
    }
# The machine drifts between rounds, so each round's figure is divided by
# the ceiling of the same round, and the median of those ratios is reported.
ceiling_runs = rows["ceiling (bare Beast, constant 200)"]["runs"]
print(f"wrk -t2 -c50 -d{sys.argv[2]}s, medians of {sys.argv[3]} rounds, 2 cores shared by wrk and server")
print(f"{'endpoint':<38}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'CPU us/req':>12}{'ratio':>8}{'  ratio per round':<}")
for name, r in rows.items():
    ratios = [run[0] / ceil[0] for run, ceil in zip(r["runs"], ceiling_runs)]
    r["ratio_to_ceiling"] = statistics.median(ratios)
    r["ratios_per_round"] = ratios
    per_round = " ".join(f"{x:.2f}" for x in ratios)
    print(f"{name:<38}{r['rps']:>10.0f}{r['p50_ms']:>9.2f}{r['p99_ms']:>9.2f}{r['cpu_us_per_request']:>12.1f}{r['ratio_to_ceiling']:>8.2f}  {per_round}")
json.dump({"date": sys.argv[1], "benchmark": "api", "server": sys.argv[4], "duration_s": int(sys.argv[2]),
           "rounds": int(sys.argv[3]), "results": rows},
          open(f"bench/results/api-{sys.argv[1]}.json", "w"), indent=2)
PY
