#!/usr/bin/env bash
# Benchmark: a live drill under load — many participants following one drill
# over server-sent events while some post actions and the facilitator
# delivers injects, against `kunren serve` on loopback (SQLite).
#
# Workload (defaults; the issue's goal): the built-in scenario
# factory-ransomware at ×10, one participant user per role (8 roles);
#   CLIENTS=500   SSE streams (GET /api/v1/exercises/{id}/events), spread
#                 over the roles, each role's streams sharing its user's session
#   POSTERS=50    participants posting a report or a note (POST …/actions)
#                 in a loop, THINK_MS=1000 between posts
#   INJECT_MS=250 the facilitator delivers the next inject now (then ad-hoc
#                 injects to one role in turn once the scenario's are used up)
#   DURATION=60   seconds of load; then the drill is ended, the whole log is
#                 fetched and every stream must have received exactly the
#                 events its role may see (DRAIN=20 s at most to catch up)
# The client (kunren_drill_load, built beside kunren) prints the summary:
# lost / duplicated / unexpected events, inject delivery latency (receive
# time − the event's stored `at`), action POST latency, and the server's
# peak RSS (VmHWM). Then `kunren exercise verify` checks the stored log.
#
# The peer: there is no second implementation of live drills to run in the
# same run, so the ratios printed are against the goals of the issue —
# p99 inject delivery latency ÷ 100 ms and server peak RSS ÷ 200 MB (below
# 1.0 meets the goal). A missed goal is reported, not an error; a lost,
# duplicated or unexpected event, an HTTP error or a broken log is (exit 1).
#
# Client and server share the machine (2 cores here): the client runs one
# I/O thread (CLIENT_THREADS), the server one per core (SERVER_THREADS).
# Everything lives in a temporary directory, removed at the end; the server
# is stopped even on failure or Ctrl-C.
#
# Usage: bench/drill.sh [path/to/kunren]     (part of make bench)
#   CLIENTS=20 POSTERS=3 DURATION=5 bench/drill.sh build/kunren   (a quick run)
set -euo pipefail
kunren=$(realpath "${1:-build/kunren}")
load=${DRILL_LOAD:-$(dirname "$kunren")/kunren_drill_load}
clients=${CLIENTS:-500}
posters=${POSTERS:-50}
duration=${DURATION:-60}
speed=${SPEED:-10}
inject_ms=${INJECT_MS:-250}
think_ms=${THINK_MS:-1000}
drain=${DRAIN:-20}
console=${CONSOLE:-0}            # extra streams as the facilitator (the whole drill)
client_threads=${CLIENT_THREADS:-1}
server_threads=${SERVER_THREADS:-}  # default: kunren serve's own (one per core)
roles=${ROLES:-"plant-manager production maintenance it sirt poc management comms-legal"}
goal_p99_ms=100
goal_rss_mb=200
exercise=drill-bench
org=DRILL-ORG
password=drill-bench-password-1234

[[ -x $load ]] || { echo "drill bench: $load is missing (built with kunren: cmake --build …)" >&2; exit 3; }
for tool in curl jq; do
  command -v "$tool" >/dev/null || { echo "drill bench: $tool is missing (scripts/deps.sh installs it)" >&2; exit 3; }
done

work=$(mktemp -d -t kunren-drill-bench.XXXXXX)
kunren_pid=""
cleanup() {
  local code=$?
  trap - EXIT INT TERM
  if [[ -n $kunren_pid ]] && kill -0 "$kunren_pid" 2>/dev/null; then
    kill -TERM "$kunren_pid" 2>/dev/null || true
    wait "$kunren_pid" 2>/dev/null || true
  fi
  exec 4<&- 2>/dev/null || true
  rm -rf "$work"
  exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- the database: an organisation, its facilitator, one participant per role --
db="sqlite:$work/kunren.db"
q() { "$@" >/dev/null || { echo "drill bench: failed: $*" >&2; exit 1; }; }
q "$kunren" init --db "$db"
q "$kunren" org add "$org" --name "千鳥化成 浜ノ宮工場（負荷試験）" --db "$db"
echo "$password" | q "$kunren" user add drill-facilitator --role facilitator --org "$org" --db "$db"
participants=() load_args=()
for role in $roles; do
  echo "$password" | q "$kunren" user add "drill-$role" --role participant --org "$org" --db "$db"
  participants+=("{\"login\":\"drill-$role\",\"role\":\"$role\"}")
  load_args+=(--participant "$role=drill-$role")
done
(umask 077 && printf '%s\n' "$password" >"$work/password")

# --- the server ---------------------------------------------------------------
# The first line (with the port) arrives through a pipe; the access log goes to a file.
mkfifo "$work/serve.fifo"
"$kunren" serve --db "$db" --listen 127.0.0.1:0 ${server_threads:+--threads "$server_threads"} \
  >"$work/serve.fifo" 2>"$work/server.log" &
kunren_pid=$!
exec 4<"$work/serve.fifo"
read -r -t 60 first <&4 || { echo "drill bench: kunren serve did not start" >&2; tail -5 "$work/server.log" >&2; exit 1; }
base=$(grep -oE 'http://127\.0\.0\.1:[0-9]+' <<<"$first") || { echo "drill bench: no URL in: $first" >&2; exit 1; }
port=${base##*:}

# --- the drill, created through the API as its facilitator ---------------------
code=$(curl -sS -o "$work/signin.json" -D "$work/signin.headers" -w '%{http_code}' -H 'Content-Type: application/json' \
  --data "{\"login\":\"drill-facilitator\",\"password\":\"$password\"}" "$base/api/v1/session")
[[ $code == 200 ]] || { echo "drill bench: sign-in answered HTTP $code" >&2; cat "$work/signin.json" >&2; exit 1; }
cookie=$(grep -i '^set-cookie: kunren_session=' "$work/signin.headers" | head -1 | sed -E 's/^[^:]*: *//; s/;.*//' | tr -d '\r')
csrf=$(jq -r .csrf_token "$work/signin.json")
body=$(printf '{"id":"%s","title":"負荷試験 / load test","org":"%s","scenario":"factory-ransomware","participants":[%s]}' \
  "$exercise" "$org" "$(IFS=,; echo "${participants[*]}")")
code=$(curl -sS -o "$work/create.json" -w '%{http_code}' -H 'Content-Type: application/json' -H "Cookie: $cookie" \
  -H "X-CSRF-Token: $csrf" --data "$body" "$base/api/v1/exercises")
[[ $code == 201 ]] || { echo "drill bench: POST /api/v1/exercises answered HTTP $code" >&2; cat "$work/create.json" >&2; echo >&2; exit 1; }

# --- the load -----------------------------------------------------------------
printf '\nKunren %s on %s (%s cores, %s), %s\n' "$("$kunren" --version | cut -d' ' -f2)" "$(uname -m)" "$(nproc)" \
  "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')" "$(date -u +%Y-%m-%dT%H:%MZ)"
printf 'load average before: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
load_code=0
"$load" --port "$port" --exercise "$exercise" --facilitator drill-facilitator "${load_args[@]}" \
  --password-file "$work/password" --clients "$clients" --console-streams "$console" --posters "$posters" \
  --duration "$duration" --speed "$speed" --inject-ms "$inject_ms" --think-ms "$think_ms" --drain "$drain" \
  --threads "$client_threads" --server-pid "$kunren_pid" --summary "$work/summary.json" || load_code=$?

# --- the stored log -----------------------------------------------------------
verify_code=0
"$kunren" exercise verify "$exercise" --db "$db" >"$work/verify.out" 2>&1 || verify_code=$?
printf 'kunren exercise verify: exit %s: %s\n' "$verify_code" "$(tr '\n' ' ' <"$work/verify.out" | cut -c1-200)"

kill -TERM "$kunren_pid" 2>/dev/null || true
serve_code=0
wait "$kunren_pid" || serve_code=$?
kunren_pid=""
server_5xx=$(grep -c '"status":5' "$work/server.log" || true)
other=$(grep -v '"status":' "$work/server.log" | grep -c . || true)
printf 'server: exit %s after SIGTERM, %s responses 5xx in the access log, %s other log lines\n' \
  "$serve_code" "$server_5xx" "$other"
if [[ $other -gt 0 ]]; then grep -v '"status":' "$work/server.log" | sort | uniq -c | sort -rn | head -5 | cut -c1-240; fi

# --- against the goals (the peer) -----------------------------------------------
if [[ -s $work/summary.json ]]; then
  jq -r '"\(.streams) streams, \(.posters) posters, \(.seconds * 10 | round / 10) s: lost \(.lost), duplicated \(.duplicated), unexpected \(.unexpected)"' "$work/summary.json"
  jq -r --argjson p99 "$goal_p99_ms" --argjson rss "$goal_rss_mb" '
    def f(x): (x * 100 | round) / 100;
    (["measure", "Kunren", "goal", "ratio"] | @tsv),
    (["inject p99 (ms)", f(.inject_latency_ms.p99), $p99, "\(f(.inject_latency_ms.p99 / $p99))x"] | @tsv),
    (["server peak RSS, VmHWM (MB)", f(.server_vmhwm_kb / 1024), $rss, "\(f(.server_vmhwm_kb / 1024 / $rss))x"] | @tsv),
    (["server RSS under load (MB)", f(.server_rss_load_peak_kb / 1024), $rss, "\(f(.server_rss_load_peak_kb / 1024 / $rss))x"] | @tsv)
  ' "$work/summary.json" | column -t -s $'\t'
  echo "(ratio = Kunren ÷ goal: below 1.0 meets the goal; the peer is the issue's goal, not another server."
  echo " VmHWM covers the server's whole life, sign-ins included: argon2id takes 64 MiB each; \"under load\" is"
  echo " the largest RSS sampled every 250 ms from the streams' opening to their close)"
fi

[[ $load_code -eq 0 && $verify_code -eq 0 ]] || { echo "drill bench: FAILED (load client exit $load_code, verify exit $verify_code)" >&2; exit 1; }
