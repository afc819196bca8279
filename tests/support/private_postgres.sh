#!/usr/bin/env bash
# A private PostgreSQL 15 for tests and the cluster script, on 127.0.0.1 and
# a free port, its data in a temporary folder. initdb refuses to run as
# root, so as root the server runs as the `postgres` user Debian's package
# creates; otherwise as the caller.
#
#   private_postgres.sh start STATE_DIR   → STATE_DIR/conninfo (libpq key=value)
#   private_postgres.sh stop STATE_DIR    → stops it and removes its data
#   private_postgres.sh pause|resume STATE_DIR  (stop and start the same server)
set -euo pipefail
action=${1:?start, stop, pause or resume}
state=${2:?state folder}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bin/initdb" ] || { echo "private_postgres: no PostgreSQL server (apt install postgresql-15)" >&2; exit 1; }

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_start() {
  local data=$1 port=$2
  as_owner "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 \
    -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$data -c max_connections=200" start >/dev/null
}

case "$action" in
  start)
    mkdir -p "$state"
    data=$(mktemp -d /tmp/integrator-pg.XXXXXX)
    [ "$(id -u)" -eq 0 ] && chown postgres: "$data"
    as_owner "$bin/initdb" -D "$data" -A trust -U integrator -E UTF8 --locale=C --no-sync >/dev/null
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    pg_start "$data" "$port"
    echo "$data" > "$state/datadir"
    echo "$port" > "$state/port"
    echo "host=127.0.0.1 port=$port user=integrator dbname=postgres" > "$state/conninfo"
    ;;
  pause)
    as_owner "$bin/pg_ctl" -D "$(cat "$state/datadir")" -m fast -w stop >/dev/null
    ;;
  resume)
    pg_start "$(cat "$state/datadir")" "$(cat "$state/port")"
    ;;
  stop)
    [ -f "$state/datadir" ] || exit 0
    data=$(cat "$state/datadir")
    as_owner "$bin/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$data" "$state/datadir" "$state/port" "$state/conninfo"
    ;;
  *) echo "private_postgres: unknown action $action" >&2; exit 2 ;;
esac
