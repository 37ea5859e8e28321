#!/usr/bin/env bash
# Benchmark: Kunren's footprint — binary size, start-up time to the first
# response, resident memory idle and after work — beside nginx (the same
# measurements of a static web server, in the same run) and beside the
# published minimum sizing of a typical open exercise platform (a stated
# figure, not run here).
#
#   binary      size of build/kunren as built (-g1 line tables) and stripped,
#               and its shared libraries (ldd)
#   start-up    exec of `kunren serve` → first byte of the answer to
#               GET /healthz and GET /login (the sign-in page: templates,
#               texts), on the demo database; best and median of RUNS starts.
#               nginx: exec → first answer to a static file.
#   RSS         VmRSS of the server process (nginx: master + workers) right
#               after the first page, after IDLE seconds of idling, and after
#               a working set: sign-in (argon2id, 64 MiB while it runs), the
#               campaign's results and an evaluation page.
#
# The probe connects with bash's /dev/tcp (no process per attempt), so the
# start-up time has ~1 ms resolution. Goals (issue 8): idle RSS < 50 MB,
# start-up < 200 ms.
#
# Usage: bench/footprint.sh [path/to/kunren]     (part of make bench)
#   RUNS=10 IDLE=5 bench/footprint.sh build/kunren
set -euo pipefail
kunren=$(realpath "${1:-build/kunren}")
runs=${RUNS:-10}
idle=${IDLE:-5}
for tool in nginx curl strip; do
  command -v "$tool" >/dev/null || { echo "footprint bench: $tool is missing (scripts/deps.sh installs it)" >&2; exit 3; }
done

work=$(mktemp -d -t kunren-footprint.XXXXXX)
pid=""
cleanup() {
  local code=$?
  trap - EXIT
  [[ -n $pid ]] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$work"
  exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT

now_ms() { local t; t=$(date +%s%N); echo $((t / 1000)); }  # microseconds, in fact
free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 20000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
}
# first_answer PORT PATH DEADLINE_US → returns once the server answered PATH
# with a status line; prints the status code.
first_answer() {
  local port=$1 path=$2 deadline=$3 line
  while :; do
    # (a brace group: `exec … 2>/dev/null` alone would silence the whole script)
    if { exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null; then
      printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' "$path" >&3
      IFS= read -r line <&3 || line=""
      exec 3<&- 3>&-
      if [[ $line == HTTP/* ]]; then
        line=${line#* }
        echo "${line%% *}"
        return 0
      fi
    fi
    (($(now_ms) < deadline)) || { echo "footprint bench: no answer on port $port within the deadline" >&2; return 1; }
  done
}
rss_kb() {  # rss_kb PID… → the sum of VmRSS
  local total=0 p kb
  for p in "$@"; do
    kb=$(awk '/^VmRSS:/ { print $2 }' "/proc/$p/status" 2>/dev/null || echo 0)
    total=$((total + ${kb:-0}))
  done
  echo "$total"
}
stats() {  # stats VALUES… → "best median" (ms, from µs)
  printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { printf "%.1f %.1f", v[1] / 1000, v[int((NR + 1) / 2)] / 1000 }'
}

# --- the binary ----------------------------------------------------------------
strip -o "$work/kunren.stripped" "$kunren"
size_built=$(stat -c %s "$kunren")
size_stripped=$(stat -c %s "$work/kunren.stripped")
libs=$(ldd "$kunren" | grep -c '=>' || true)

# --- the demo database (as `make demo` / `kunren serve --demo` make it) -------
db="sqlite:$work/kunren.db"
port=$(free_port)
"$kunren" serve --demo --db "$db" --listen "127.0.0.1:$port" >"$work/demo.out" 2>"$work/demo.log" &
pid=$!
first_answer "$port" /healthz $(($(now_ms) + 60000000)) >/dev/null
kill -TERM "$pid"; wait "$pid" || true; pid=""

# --- start-up: Kunren -----------------------------------------------------------
k_health=() k_login=() k_rss_first=()
for _ in $(seq "$runs"); do
  port=$(free_port)
  t0=$(now_ms)
  "$kunren" serve --db "$db" --listen "127.0.0.1:$port" >/dev/null 2>"$work/access.log" &
  pid=$!
  code=$(first_answer "$port" /healthz $((t0 + 10000000)))
  t1=$(now_ms)
  [[ $code == 200 ]] || { echo "footprint bench: /healthz answered $code" >&2; exit 1; }
  code=$(first_answer "$port" /login $((t0 + 10000000)))
  t2=$(now_ms)
  [[ $code == 200 ]] || { echo "footprint bench: /login answered $code" >&2; exit 1; }
  k_health+=($((t1 - t0))) k_login+=($((t2 - t0))) k_rss_first+=("$(rss_kb "$pid")")
  kill -TERM "$pid"; wait "$pid" || true; pid=""
done

# --- RSS idle and after work: Kunren (one more start) ---------------------------
port=$(free_port)
"$kunren" serve --db "$db" --listen "127.0.0.1:$port" >/dev/null 2>"$work/access.log" &
pid=$!
first_answer "$port" /login $(($(now_ms) + 10000000)) >/dev/null
sleep "$idle"  # idling is the thing measured here
k_idle=$(rss_kb "$pid")
base="http://127.0.0.1:$port"
jar="$work/cookies"
curl -sS -o /dev/null -c "$jar" -H 'Content-Type: application/json' \
  --data '{"login":"coordinator","password":"kunren-demo"}' "$base/api/v1/session"
curl -sS -o /dev/null -b "$jar" "$base/api/v1/campaigns/demo-2026/results"
curl -sS -o /dev/null -b "$jar" "$base/campaigns/demo-2026"
curl -sS -o /dev/null -c "$jar" -H 'Content-Type: application/json' \
  --data '{"login":"evaluator","password":"kunren-demo"}' "$base/api/v1/session"
code=$(curl -sS -o /dev/null -w '%{http_code}' -b "$jar" "$base/campaigns/demo-2026/evaluations/ORG-0001")
k_work=$(rss_kb "$pid")
k_hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status")
sleep "$idle"
k_after=$(rss_kb "$pid")
kill -TERM "$pid"; wait "$pid" || true; pid=""

# --- nginx, the same measurements ----------------------------------------------
mkdir -p "$work/www" "$work/nginx/logs" "$work/nginx/tmp"
chmod 711 "$work"; chmod 755 "$work/www"
echo ok >"$work/www/index.html"
n_first=() n_rss=()
for _ in $(seq "$runs"); do
  port=$(free_port)
  cat >"$work/nginx/nginx.conf" <<EOF
daemon off;
worker_processes auto;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log $work/nginx/logs/access.log;
  client_body_temp_path $work/nginx/tmp/body;
  proxy_temp_path $work/nginx/tmp/proxy;
  fastcgi_temp_path $work/nginx/tmp/fastcgi;
  uwsgi_temp_path $work/nginx/tmp/uwsgi;
  scgi_temp_path $work/nginx/tmp/scgi;
  server { listen 127.0.0.1:$port; root $work/www; }
}
EOF
  t0=$(now_ms)
  nginx -p "$work/nginx" -e "$work/nginx/logs/error.log" -c "$work/nginx/nginx.conf" &
  pid=$!
  first_answer "$port" /index.html $((t0 + 10000000)) >/dev/null
  t1=$(now_ms)
  sleep "$idle"
  n_first+=($((t1 - t0))) n_rss+=("$(rss_kb "$pid" $(pgrep -P "$pid"))")
  kill -QUIT "$pid"; wait "$pid" || true; pid=""
done

# --- the report -------------------------------------------------------------------
read -r kh_best kh_med <<<"$(stats "${k_health[@]}")"
read -r kl_best kl_med <<<"$(stats "${k_login[@]}")"
read -r n_best n_med <<<"$(stats "${n_first[@]}")"
n_idle=$(printf '%s\n' "${n_rss[@]}" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
k_first=$(printf '%s\n' "${k_rss_first[@]}" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

printf '\nKunren %s footprint on %s (%s cores), %s; %s starts each, idle %s s\n' \
  "$("$kunren" --version | cut -d' ' -f2)" "$(uname -m)" "$(nproc)" "$(date -u +%Y-%m-%dT%H:%MZ)" "$runs" "$idle"
printf '%-34s %14s %14s %10s\n' measure kunren nginx "÷nginx"
printf '%-34s %14s %14s %10s\n' "binary as built (MB)" "$(mb $((size_built / 1024)))" - -
printf '%-34s %14s %14s %10s\n' "binary stripped (MB)" "$(mb $((size_stripped / 1024)))" "$(mb $(($(stat -c %s "$(command -v nginx)") / 1024)))" -
printf '%-34s %14s %14s %10s\n' "shared libraries" "$libs" "$(ldd "$(command -v nginx)" | grep -c '=>')" -
printf '%-34s %14s %14s %10s\n' "start → /healthz, best/median ms" "$kh_best/$kh_med" "$n_best/$n_med" "$(awk -v a="$kh_med" -v b="$n_med" 'BEGIN{printf "%.1fx", a/b}')"
printf '%-34s %14s %14s %10s\n' "start → sign-in page, best/med ms" "$kl_best/$kl_med" - -
printf '%-34s %14s %14s %10s\n' "RSS after first page (MB)" "$(mb "$k_first")" - -
printf '%-34s %14s %14s %10s\n' "RSS idle after ${idle} s (MB)" "$(mb "$k_idle")" "$(mb "$n_idle")" "$(awk -v a="$k_idle" -v b="$n_idle" 'BEGIN{printf "%.1fx", a/b}')"
printf '%-34s %14s %14s %10s\n' "RSS after sign-in+results+pages" "$(mb "$k_work")" - -
printf '%-34s %14s %14s %10s\n' "RSS peak (VmHWM, argon2id)" "$(mb "$k_hwm")" - -
printf '%-34s %14s %14s %10s\n' "RSS idle again after ${idle} s (MB)" "$(mb "$k_after")" - -
printf '%-34s %14s\n' "evaluation page answered" "$code"
echo "Goals: idle RSS < 50 MB ($(mb "$k_idle") MB: $(awk -v a="$k_idle" 'BEGIN{print (a < 51200) ? "met" : "MISSED"}')); start-up < 200 ms ($kl_med ms to the sign-in page: $(awk -v a="$kl_med" 'BEGIN{print (a < 200) ? "met" : "MISSED"}'))."
echo "Beside: the published minimum sizing of a typical open exercise platform is about 25 GB of RAM"
echo "across its components (the figure given in issue 8; not run here): $(awk -v a="$k_work" 'BEGIN{printf "%.0f", 25 * 1024 * 1024 / a}')× Kunren's RSS after work."
