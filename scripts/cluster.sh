#!/usr/bin/env bash
# Starts a cluster on this machine in one command: a private PostgreSQL and
# N integratord nodes (default 3) with certificates of a fresh CA, each on
# 127.0.0.1, and prints how to call them. Ctrl-C (or SIGTERM) stops them all.
# Flags after N go to every node (e.g. --spread-imports true).
#   scripts/cluster.sh [N [integratord flags...]]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-3}
shift $(( $# > 0 ? 1 : 0 ))
extra=("$@")
bash scripts/build.sh >/dev/null
work=$(mktemp -d /tmp/integrator-cluster.XXXXXX)
names=()
for i in $(seq 1 "$n"); do names+=("node$i"); done
bash tests/support/make_certs.sh "$work/certs" "${names[@]}"
bash tests/support/private_postgres.sh start "$work/pg"
pids=()
stop() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  bash tests/support/private_postgres.sh stop "$work/pg"
  echo "cluster stopped; its files stay in $work"
}
trap stop EXIT
for i in $(seq 1 "$n"); do
  name=node$i
  build/integratord --data-dir "$work/$name" --listen "127.0.0.1:$((8080 + i - 1))" \
    --postgres "$(cat "$work/pg/conninfo")" --cluster-listen "127.0.0.1:$((7400 + i - 1))" \
    --cluster-cert "$work/certs/$name.pem" --cluster-key "$work/certs/$name.key" \
    --cluster-ca "$work/certs/ca.pem" --node-id "$name" ${extra[@]+"${extra[@]}"} > "$work/$name.log" 2>&1 &
  pids+=($!)
  # The first node makes the first account; the others join it.
  for _ in $(seq 1 100); do [ -f "$work/$name/endpoint" ] && break; sleep 0.1; done
  [ -f "$work/$name/endpoint" ] || { cat "$work/$name.log"; exit 1; }
done
echo "cluster of $n nodes on 127.0.0.1: APIs on ports 8080..$((8080 + n - 1)), PostgreSQL $(cat "$work/pg/conninfo")"
echo "  token:  export T=\$(cat $work/node1/initial-token)"
echo "  call any node:  curl -H \"Authorization: Bearer \$T\" http://127.0.0.1:808{0..$((n - 1))}/v1/tokenInfo"
echo "  members:  curl -H \"Authorization: Bearer \$(cat $work/node1/operator-token)\" http://127.0.0.1:8080/admin/v1/cluster/nodes"
echo "Ctrl-C stops the cluster."
wait
