#!/usr/bin/env bash
# Benchmark: the web server (`kunren serve`) under load, beside nginx serving
# the same bytes as a static file on the same machine in the same run (the
# peer; ratio = Kunren / nginx).
#
# Targets (64 connections each, wrk -t2 -c64 -d10s --latency by default):
#   results      GET /api/v1/campaigns/demo-2026/results   signed in as a coordinator
#                (the pooled analysis of 40 organisations × 75 items, computed per request)
#   evaluation   GET /campaigns/demo-2026/evaluations/ORG  signed in as an evaluator of ORG
#                (the evaluation page; measured only once it answers 200)
# For each target the response body is saved and nginx serves that file (same
# size, same bytes) from a throwaway instance: its own config and prefix in a
# temporary directory, a free loopback port, as many workers as cores, access
# log on (Kunren writes its access log too). Everything runs in a temporary
# directory that is removed at the end, and both servers are stopped even on
# failure or Ctrl-C.
#
# The database is made with the CLI as `make demo` makes it (kunren sample
# --orgs 40 --seed 2026, campaign demo-2026, open), plus two users.
#
# Goals (issue 4): throughput ≥ 0.5× nginx's, p99 latency < 10 ms. A missed
# goal is reported, not an error: this is a measurement.
#
# Usage: bench/web.sh [path/to/kunren]     (part of make bench)
#   DURATION=10s CONNECTIONS=64 THREADS=2 WARMUP=2s bench/web.sh build/kunren
set -euo pipefail
kunren=$(realpath "${1:-build/kunren}")
duration=${DURATION:-10s}
connections=${CONNECTIONS:-64}
wrk_threads=${THREADS:-2}
warmup=${WARMUP:-2s}
single=${SINGLE:-3s}           # Kunren with one connection: the time of one request (0 = skip)
timeout=${WRK_TIMEOUT:-10s}  # wrk drops slower responses from its latencies (default 2 s): keep them
campaign=demo-2026
password=bench-password-1234

for tool in wrk nginx curl; do
  command -v "$tool" >/dev/null || { echo "web bench: $tool is missing (scripts/deps.sh installs it)" >&2; exit 3; }
done
nginx_bin=$(command -v nginx)

work=$(mktemp -d -t kunren-web-bench.XXXXXX)
kunren_pid="" nginx_pid=""
cleanup() {
  local code=$?
  trap - EXIT INT TERM
  if [[ -n $kunren_pid ]] && kill -0 "$kunren_pid" 2>/dev/null; then
    kill -TERM "$kunren_pid" 2>/dev/null || true
    wait "$kunren_pid" 2>/dev/null || true
  fi
  if [[ -n $nginx_pid ]] && kill -0 "$nginx_pid" 2>/dev/null; then
    kill -QUIT "$nginx_pid" 2>/dev/null || true
    wait "$nginx_pid" 2>/dev/null || true
  fi
  exec 4<&- 2>/dev/null || true
  rm -rf "$work"
  exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- the database -----------------------------------------------------------
db="sqlite:$work/kunren.db"
q() { "$@" >/dev/null || { echo "web bench: failed: $*" >&2; exit 1; }; }
q "$kunren" sample --orgs 40 --seed 2026 -o "$work/responses.csv" --orgs-file "$work/orgs.csv"
q "$kunren" init --db "$db"
q "$kunren" org import "$work/orgs.csv" --db "$db"
q "$kunren" campaign create "$campaign" --title "工場インシデント対応演習 2026（ベンチマーク）" --db "$db"
q "$kunren" campaign open "$campaign" --db "$db"
q "$kunren" import --campaign "$campaign" --responses "$work/responses.csv" --db "$db"
org=$(awk -F, 'NR == 2 { print $1; exit }' "$work/orgs.csv")
echo "$password" | q "$kunren" user add bench-coordinator --role coordinator --db "$db"
echo "$password" | q "$kunren" user add bench-evaluator --role evaluator --org "$org" --db "$db"

# --- Kunren -----------------------------------------------------------------
# The first line (with the port) arrives through a pipe; the access log goes to a file.
mkfifo "$work/serve.fifo"
"$kunren" serve --db "$db" --listen 127.0.0.1:0 >"$work/serve.fifo" 2>"$work/access.log" &
kunren_pid=$!
exec 4<"$work/serve.fifo"
read -r -t 60 first <&4 || { echo "web bench: kunren serve did not start" >&2; tail -5 "$work/access.log" >&2; exit 1; }
base=$(grep -oE 'http://127\.0\.0\.1:[0-9]+' <<<"$first") || { echo "web bench: no URL in: $first" >&2; exit 1; }

sign_in() {  # sign_in LOGIN → prints "kunren_session=…"
  local body code
  body=$(printf '{"login":"%s","password":"%s"}' "$1" "$password")
  code=$(curl -sS -o "$work/signin.json" -D "$work/signin.headers" -w '%{http_code}' \
    -H 'Content-Type: application/json' --data "$body" "$base/api/v1/session")
  [[ $code == 200 ]] || { echo "web bench: sign-in as $1 answered HTTP $code" >&2; cat "$work/signin.json" >&2; exit 1; }
  grep -i '^set-cookie: kunren_session=' "$work/signin.headers" | head -1 | sed -E 's/^[^:]*: *//; s/;.*//' | tr -d '\r'
}
coordinator_cookie=$(sign_in bench-coordinator)
evaluator_cookie=$(sign_in bench-evaluator)

fetch() {  # fetch FILE PATH COOKIE → saves the body as $work/www/FILE, prints the HTTP status
  curl -sS -o "$work/www/$1" -w '%{http_code}' -H "Cookie: $3" "$base$2"
}

# --- nginx: the static-file peer ---------------------------------------------
mkdir -p "$work/www" "$work/nginx/logs" "$work/nginx/tmp"
chmod 711 "$work"
chmod 755 "$work/www"
start_nginx() {
  local port
  for _ in $(seq 1 20); do
    port=$((20000 + (RANDOM % 20000)))
    ! curl -s -o /dev/null "http://127.0.0.1:$port/" 2>/dev/null || continue  # taken
    cat >"$work/nginx/nginx.conf" <<EOF
daemon off;
worker_processes auto;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  sendfile on;
  access_log $work/nginx/logs/access.log;
  client_body_temp_path $work/nginx/tmp/body;
  proxy_temp_path $work/nginx/tmp/proxy;
  fastcgi_temp_path $work/nginx/tmp/fastcgi;
  uwsgi_temp_path $work/nginx/tmp/uwsgi;
  scgi_temp_path $work/nginx/tmp/scgi;
  server {
    listen 127.0.0.1:$port;
    root $work/www;
  }
}
EOF
    "$nginx_bin" -p "$work/nginx" -e "$work/nginx/logs/error.log" -c "$work/nginx/nginx.conf" &
    nginx_pid=$!
    for _ in $(seq 1 50); do
      if curl -s -o /dev/null "http://127.0.0.1:$port/" 2>/dev/null; then nginx_base="http://127.0.0.1:$port"; return 0; fi
      kill -0 "$nginx_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -QUIT "$nginx_pid" 2>/dev/null || true
    wait "$nginx_pid" 2>/dev/null || true
    nginx_pid=""
  done
  echo "web bench: could not start nginx; see below" >&2
  tail -5 "$work/nginx/logs/error.log" >&2 || true
  exit 1
}
start_nginx

# --- measuring ----------------------------------------------------------------
# wrk's latencies ("850.00us", "1.23ms", "2.00s") in milliseconds.
to_ms() { awk -v v="$1" 'BEGIN{ n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'; }
cpu_ticks() { [[ -n ${1:-} ]] && awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
# wrk stops with up to CONNECTIONS requests still queued in the server, which
# goes on computing them for closed connections: wait until Kunren is idle
# (no CPU time for half a second, at most 60 s) so that the next run, its own
# or nginx's, does not pay for them.
settle() {
  local last now
  last=$(cpu_ticks "$kunren_pid")
  for _ in $(seq 1 120); do
    sleep 0.5
    now=$(cpu_ticks "$kunren_pid")
    [[ $now != "$last" ]] || return 0
    last=$now
  done
}
measure() {  # measure URL COOKIE OUT [PID] → "rps p50 p99 cpu_ms_per_request", after a warm-up
  local header=() before after   # (the full wrk output stays in OUT; CPU time of PID, if given)
  [[ -z $2 ]] || header=(-H "Cookie: $2")
  wrk -t"$wrk_threads" -c"$connections" -d"$warmup" --timeout "$timeout" "${header[@]}" "$1" >/dev/null
  settle
  before=$(cpu_ticks "${4:-}")
  wrk -t"$wrk_threads" -c"$connections" -d"$duration" --timeout "$timeout" --latency "${header[@]}" "$1" >"$3"
  after=$(cpu_ticks "${4:-}")
  settle
  if grep -qE 'Non-2xx|Socket errors' "$3"; then
    echo "web bench: note, while measuring $1: $(grep -E 'Non-2xx|Socket errors' "$3" | xargs)" >&2
  fi
  local rps p50 p99
  rps=$(awk '/^Requests\/sec:/ { print $2 }' "$3")
  p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' "$3")")
  p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$3")")
  local requests cpu
  requests=$(awk '/ requests in / { print $1 }' "$3")
  cpu=$(awk -v a="$before" -v b="$after" -v n="$requests" -v hz="$(getconf CLK_TCK)" 'BEGIN{ printf "%.2f", (b - a) * 1000 / hz / n }')
  echo "$rps $p50 $p99 $cpu"
}

printf '\nKunren %s web server benchmark, %s\n' "$("$kunren" --version | cut -d' ' -f2)" "$(date -u +%Y-%m-%dT%H:%MZ)"
printf 'machine: %s, %s cores (%s); %s\n' "$(uname -m)" "$(nproc)" \
  "$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)" "$("$nginx_bin" -v 2>&1 | sed 's/.*: //')"
printf 'load: wrk -t%s -c%s -d%s --timeout %s --latency (after a %s warm-up), client and servers on the same machine\n' \
  "$wrk_threads" "$connections" "$duration" "$timeout" "$warmup"
printf 'load average before the run: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
printf 'kunren serve: one I/O thread per core, SQLite; nginx: worker_processes auto, sendfile, access log on\n\n'
printf '%-12s %-7s %9s %11s %9s %9s %14s\n' target server bytes "requests/s" "p50 ms" "p99 ms" "Kunren/nginx"

goal_lines=() single_lines=() cpu_lines=()
run_target() {  # run_target NAME FILE PATH COOKIE (the body is already in $work/www/FILE)
  local name=$1 file=$2 path=$3 cookie=$4 bytes k n
  bytes=$(stat -c %s "$work/www/$file")
  k=$(measure "$base$path" "$cookie" "$work/wrk-kunren-$name.txt" "$kunren_pid")
  n=$(measure "$nginx_base/$file" "" "$work/wrk-nginx-$name.txt")
  read -r k_rps k_p50 k_p99 k_cpu <<<"$k"
  read -r n_rps n_p50 n_p99 _ <<<"$n"
  cpu_lines+=("$(awk -v t="$name" -v c="$k_cpu" -v r="$k_rps" 'BEGIN{ printf "%s: %.2f cores", t, c * r / 1000 }')")
  awk -v t="$name" -v b="$bytes" -v kr="$k_rps" -v k5="$k_p50" -v k9="$k_p99" -v nr="$n_rps" -v n5="$n_p50" -v n9="$n_p99" 'BEGIN{
    printf "%-12s %-7s %9d %11.0f %9.2f %9.2f %13.3fx\n", t, "kunren", b, kr, k5, k9, kr / nr
    printf "%-12s %-7s %9d %11.0f %9.2f %9.2f\n", t, "nginx", b, nr, n5, n9 }'
  if [[ $single != 0 ]]; then
    local one before after
    one="$work/wrk-kunren-$name-1.txt"
    before=$(cpu_ticks "$kunren_pid")
    wrk -t1 -c1 -d"$single" --timeout "$timeout" --latency -H "Cookie: $cookie" "$base$path" >"$one"
    after=$(cpu_ticks "$kunren_pid")
    single_lines+=("$(awk -v t="$name" -v p50="$(to_ms "$(awk '$1 == "50%" { print $2 }' "$one")")" \
      -v r="$(awk '/^Requests\/sec:/ { print $2 }' "$one")" -v n="$(awk '/ requests in / { print $1 }' "$one")" \
      -v a="$before" -v b="$after" -v hz="$(getconf CLK_TCK)" 'BEGIN{
      printf "%s: p50 %.2f ms, %.0f requests/s, %.2f ms of CPU per request", t, p50, r, (b - a) * 1000 / hz / n }')")
  fi
  goal_lines+=("$(awk -v t="$name" -v kr="$k_rps" -v nr="$n_rps" -v k9="$k_p99" 'BEGIN{
    r = kr / nr
    printf "%s: throughput %.3fx nginx (goal >= 0.5x: %s); p99 %.2f ms (goal < 10 ms: %s)", t, r,
      (r >= 0.5 ? "met" : "MISSED"), k9, (k9 < 10 ? "met" : "MISSED") }')")
}

status=$(fetch results.json "/api/v1/campaigns/$campaign/results" "$coordinator_cookie")
[[ $status == 200 ]] || { echo "web bench: the results answered HTTP $status" >&2; cat "$work/www/results.json" >&2; exit 1; }
run_target results results.json "/api/v1/campaigns/$campaign/results" "$coordinator_cookie"
status=$(fetch evaluation.html "/campaigns/$campaign/evaluations/$org" "$evaluator_cookie")
if [[ $status == 200 ]]; then
  run_target evaluation evaluation.html "/campaigns/$campaign/evaluations/$org" "$evaluator_cookie"
else
  echo "evaluation page: not available yet (HTTP $status)"
  goal_lines+=("evaluation page: not available yet (HTTP $status)")
fi

if [[ ${#cpu_lines[@]} -gt 0 ]]; then
  echo
  echo "CPU the Kunren process got during the ${connections}-connection runs (of $(nproc) cores, shared with wrk and anything else):"
  printf '  %s\n' "${cpu_lines[@]}"
fi
if [[ ${#single_lines[@]} -gt 0 ]]; then
  echo "Kunren with one connection (wrk -t1 -c1 -d$single: the time of one request, no queueing):"
  printf '  %s\n' "${single_lines[@]}"
fi
echo
echo "goals (issue 4): Kunren throughput >= 0.5x nginx's on the same bytes; p99 < 10 ms at $connections connections"
printf '  %s\n' "${goal_lines[@]}"
echo "(requests/s over ${duration}; latencies from wrk --latency; ratio = Kunren requests/s ÷ nginx requests/s)"
