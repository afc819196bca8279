#!/usr/bin/env bash
# The API on the cluster's store against the single node's (issue 16): one
# integratord on RocksDB and one on a private PostgreSQL (started here, on
# this machine), measured in the same run, rounds alternating: wrk with 50
# connections on GET /v1/connections/{id} (a read of the store) and POST
# /v1/integrations (a durable write: RocksDB's synced WAL against
# PostgreSQL's commit). Prints requests/s, p50/p99 latency and integratord's
# CPU per request of each, and PostgreSQL's side over the write runs; writes
# the figures to bench/results/store-<UTC date>.json.
#
# usage: bench/cluster/store_bench.sh [SECONDS per run, default 10] [ROUNDS, default 3]
set -euo pipefail
cd "$(dirname "$0")/../.."
duration="${1:-10}"
rounds="${2:-3}"
bash scripts/build.sh >/dev/null

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  bash tests/support/private_postgres.sh stop "$work/pg" || true
  rm -rf "$work"
}
trap cleanup EXIT
bash tests/support/private_postgres.sh start "$work/pg"
source bench/wrk_measure.sh

# start NAME [flags…] → sets ${NAME}_pid, ${NAME}_endpoint, ${NAME}_token, ${NAME}_connection
start() {
  local name=$1; shift
  build/integratord --data-dir "$work/$name" --listen 127.0.0.1:0 "$@" >"$work/$name.log" 2>&1 &
  pids+=($!)
  eval "${name}_pid=$!"
  for _ in $(seq 100); do [ -f "$work/$name/endpoint" ] && break; sleep 0.1; done
  local endpoint operator account token account_id
  endpoint=$(cat "$work/$name/endpoint")
  operator=$(cat "$work/$name/operator-token")
  api() { curl -sf -X "$1" "http://$endpoint$2" -H "Authorization: Bearer $3" -H 'Content-Type: application/json' ${4:+-d "$4"}; }
  account=$(api POST /admin/v1/accounts "$operator" '{"name":"bench","email":"bench@localhost"}')
  token=$(echo "$account" | python3 -c "import json,sys; print(json.load(sys.stdin)['token'])")
  account_id=$(echo "$account" | python3 -c "import json,sys; print(json.load(sys.stdin)['_id'])")
  api PUT "/admin/v1/accounts/$account_id/rateLimit" "$operator" '{"bucketSize":100000000,"fillRate":100000000}' >/dev/null
  eval "${name}_endpoint=$endpoint ${name}_token=$token"
  eval "${name}_connection=$(api POST /v1/connections "$token" '{"type":"http","name":"bench","http":{"baseURI":"https://example.com"}}' \
    | python3 -c "import json,sys; print(json.load(sys.stdin)['_id'])")"
}
start rocks
start pg --postgres "$(cat "$work/pg/conninfo")" --postgres-connections 8

cat >"$work/post.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '{"name":"bench integration"}'
wrk.headers["Content-Type"] = "application/json"
LUA
pg_ticks() { for p in $(pgrep -f "postgres.*$(cat "$work/pg/datadir")" ; pgrep -u postgres -f "postgres: "); do cat /proc/"$p"/task/*/stat 2>/dev/null; done | awk '{t += $14 + $15} END {print t+0}'; }

declare -A results
for round in $(seq "$rounds"); do
  for store in rocks pg; do
    pid_var=${store}_pid endpoint_var=${store}_endpoint token_var=${store}_token conn_var=${store}_connection
    auth=(-H "Authorization: Bearer ${!token_var}")
    results[$store-get]+="$(measure "${!pid_var}" "http://${!endpoint_var}/v1/connections/${!conn_var}" "${auth[@]}")"$'\n'
    before=$(pg_ticks)
    line=$(measure "${!pid_var}" "http://${!endpoint_var}/v1/integrations" "${auth[@]}" -s "$work/post.lua")
    after=$(pg_ticks)
    requests=$(grep -o "[0-9]* requests in" "$work/wrk.out" | awk '{print $1}')
    pg_us=$(python3 -c "print(f'{($after - $before) / $(getconf CLK_TCK) * 1e6 / $requests:.1f}')")
    results[$store-post]+="$line $pg_us"$'\n'
  done
done

mkdir -p bench/results
stamp=$(date -u +%Y-%m-%dT%H-%M-%SZ)
python3 - "$stamp" "$duration" "$rounds" <<PY
import json, statistics, sys
raw = {
  "GET /v1/connections/{id}, RocksDB": """${results[rocks-get]}""",
  "GET /v1/connections/{id}, PostgreSQL": """${results[pg-get]}""",
  "POST /v1/integrations, RocksDB": """${results[rocks-post]}""",
  "POST /v1/integrations, PostgreSQL": """${results[pg-post]}""",
}
rows = {}
print(f"wrk -t2 -c50 -d{sys.argv[2]}s, medians of {sys.argv[3]} alternating rounds; 2 cores shared by wrk, integratord and PostgreSQL")
print(f"{'call, store':<42}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'integratord CPU us/req':>24}{'PostgreSQL CPU us/req':>23}")
for name, text in raw.items():
    runs = [list(map(float, l.split())) for l in text.strip().splitlines()]
    med = lambda i: statistics.median(r[i] for r in runs) if all(len(r) > i for r in runs) else None
    rows[name] = {"rps": med(0), "p50_ms": med(1), "p99_ms": med(2), "cpu_us_per_request": med(3),
                  "postgres_cpu_us_per_request": med(4), "runs": runs}
    pg = "" if med(4) is None or "RocksDB" in name else f"{med(4):.1f}"
    print(f"{name:<42}{med(0):>9.0f}{med(1):>9.2f}{med(2):>9.2f}{med(3):>24.1f}{pg:>23}")
json.dump({"date": sys.argv[1], "benchmark": "store", "duration_s": int(sys.argv[2]), "rounds": int(sys.argv[3]),
           "results": rows}, open(f"bench/results/store-{sys.argv[1]}.json", "w"), indent=2)
PY
