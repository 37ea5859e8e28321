#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for tests and benchmarks, from Debian's
# `postgresql` package: a temporary data directory, listening on 127.0.0.1 at
# a free port, trust authentication, one database `kunren` owned by the role
# `kunren`. Nothing outside DIR is touched; the system cluster is not used.
#
#   scripts/pg-cluster.sh start DIR   # prints nothing; writes DIR/url
#   scripts/pg-cluster.sh stop DIR    # stops the server and removes DIR
#
# DIR/url then holds a libpq URL such as postgresql://kunren@127.0.0.1:54321/kunren.
# PostgreSQL refuses to run as root, so under root the server runs as the
# `postgres` system user that the package creates.
set -euo pipefail

cmd=${1:?usage: pg-cluster.sh start|stop DIR}
dir=${2:?usage: pg-cluster.sh start|stop DIR}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[[ -x "$bin/initdb" ]] || { echo "pg-cluster: PostgreSQL server binaries not found (apt install postgresql; scripts/deps.sh does)" >&2; exit 3; }

as_owner=()
if [[ $(id -u) -eq 0 ]]; then as_owner=(runuser -u postgres --); fi

case "$cmd" in
start)
  if [[ -f "$dir/data/postmaster.pid" ]]; then
    "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
  mkdir -p "$dir"
  [[ ${#as_owner[@]} -eq 0 ]] || chown postgres: "$dir"
  "${as_owner[@]}" "$bin/initdb" -D "$dir/data" -U kunren --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
    >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 3; }
  # Try ports until one is free; a concurrent run may take the one we picked.
  for attempt in $(seq 1 20); do
    port=$((20000 + (RANDOM % 20000)))
    if "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=on -c max_connections=64" start >/dev/null 2>&1; then
      "$bin/psql" -X -q -h 127.0.0.1 -p "$port" -U kunren -d postgres -c "CREATE DATABASE kunren" >/dev/null
      echo "postgresql://kunren@127.0.0.1:$port/kunren" >"$dir/url"
      exit 0
    fi
  done
  echo "pg-cluster: could not start PostgreSQL; see $dir/server.log" >&2
  tail -5 "$dir/server.log" >&2 || true
  exit 3
  ;;
stop)
  if [[ -d "$dir/data" ]]; then
    "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
  ;;
*)
  echo "usage: pg-cluster.sh start|stop DIR" >&2
  exit 2
  ;;
esac
