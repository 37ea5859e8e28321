#!/usr/bin/env bash
# Soak: one live drill kept busy for a long time, watching for errors, lost or
# duplicated events, a broken log and memory that keeps growing.
#
# Workload (defaults; the issue's soak): the built-in scenario
# factory-ransomware at ×10 (SPEED) for DURATION=1800 s (30 minutes), against
# `kunren serve` on loopback (SQLite), driven by kunren_drill_load:
#   PARTICIPANTS=200  SSE streams, spread over the scenario's 8 roles (one
#                     participant user per role; the streams of a role share
#                     its session)
#   POSTERS=200       every participant also posts (a report or a note in turn)
#   THINK_MS=20000    … one post each 20 s: about 10 posts per second in all
#                     (a bounded rate: a busy drill, not a flood)
#   INJECT_MS=2000    the facilitator delivers an inject every 2 s (the
#                     scenario's own, then ad-hoc ones to one role in turn)
# The server's VmRSS is sampled every RSS_EVERY=10 s (by the client, from
# /proc/PID/status) and printed at the end.
#
# Pass criteria (exit 0 only if all hold):
#   - the load client's verdict: no HTTP error, every stream received exactly
#     the events its role may see (nothing lost, duplicated, unexpected, out
#     of order), no stream failed;
#   - `kunren exercise verify`: the stored hash chain verifies;
#   - memory: the largest RSS sample after the warm-up (WARMUP_S=300, minute 5)
#     exceeds the sample taken at the warm-up by less than BOUND_MB=20 MB.
#     Why 20 MB: the server keeps each loaded drill's picture (every report,
#     note and inject, folded) in memory, so some growth is data, not a leak:
#     at ~10 posts/s the 25 minutes after the warm-up add ~15,000 events, and
#     the event log itself lives in the database, not in memory. 20 MB allows
#     ~1.3 kB of memory per stored event; a leak of one request's buffers
#     (several kB per request, ~40,000 requests with the streams' traffic)
#     would exceed it. See docs/reliability.md "Soak" for the measured numbers.
#
# Quick mode: DURATION=60 bench/soak.sh build/kunren (warm-up 15 s then).
# Usage: bench/soak.sh [path/to/kunren]
set -euo pipefail
kunren=$(realpath "${1:-build/kunren}")
load=${DRILL_LOAD:-$(dirname "$kunren")/kunren_drill_load}
duration=${DURATION:-1800}
participants=${PARTICIPANTS:-200}
posters=${POSTERS:-200}
think_ms=${THINK_MS:-20000}
inject_ms=${INJECT_MS:-2000}
speed=${SPEED:-10}
rss_every=${RSS_EVERY:-10}
bound_mb=${BOUND_MB:-20}
drain=${DRAIN:-60}
if [[ -z ${WARMUP_S:-} ]]; then
  if ((duration >= 1200)); then WARMUP_S=300; else WARMUP_S=$((duration / 4)); fi
fi
warmup=$WARMUP_S
roles="plant-manager production maintenance it sirt poc management comms-legal"
exercise=soak
org=SOAK-ORG
password=soak-drill-password-1234

[[ -x $load ]] || { echo "soak: $load is missing (built with kunren)" >&2; exit 3; }
for tool in curl jq awk; do
  command -v "$tool" >/dev/null || { echo "soak: $tool is missing (scripts/deps.sh installs it)" >&2; exit 3; }
done

work=$(mktemp -d -t kunren-soak.XXXXXX)
kunren_pid=""
cleanup() {
  local code=$?
  trap - EXIT INT TERM
  if [[ -n $kunren_pid ]] && kill -0 "$kunren_pid" 2>/dev/null; then
    kill -TERM "$kunren_pid" 2>/dev/null || true
    wait "$kunren_pid" 2>/dev/null || true
  fi
  exec 4<&- 2>/dev/null || true
  if [[ -n ${KEEP:-} ]]; then echo "soak: kept $work" >&2; else rm -rf "$work"; fi
  exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

db="sqlite:$work/kunren.db"
q() { "$@" >/dev/null || { echo "soak: failed: $*" >&2; exit 1; }; }
q "$kunren" init --db "$db"
q "$kunren" org add "$org" --name "千鳥化成 浜ノ宮工場（耐久試験）" --db "$db"
echo "$password" | q "$kunren" user add soak-facilitator --role facilitator --org "$org" --db "$db"
members=() load_args=()
for role in $roles; do
  echo "$password" | q "$kunren" user add "soak-$role" --role participant --org "$org" --db "$db"
  members+=("{\"login\":\"soak-$role\",\"role\":\"$role\"}")
  load_args+=(--participant "$role=soak-$role")
done
(umask 077 && printf '%s\n' "$password" >"$work/password")

mkfifo "$work/serve.fifo"
"$kunren" serve --db "$db" --listen 127.0.0.1:0 >"$work/serve.fifo" 2>"$work/server.log" &
kunren_pid=$!
exec 4<"$work/serve.fifo"
read -r -t 60 first <&4 || { echo "soak: kunren serve did not start" >&2; tail -5 "$work/server.log" >&2; exit 1; }
base=$(grep -oE 'http://127\.0\.0\.1:[0-9]+' <<<"$first") || { echo "soak: no URL in: $first" >&2; exit 1; }
port=${base##*:}

code=$(curl -sS -o "$work/signin.json" -D "$work/signin.headers" -w '%{http_code}' -H 'Content-Type: application/json' \
  --data "{\"login\":\"soak-facilitator\",\"password\":\"$password\"}" "$base/api/v1/session")
[[ $code == 200 ]] || { echo "soak: sign-in answered HTTP $code" >&2; exit 1; }
cookie=$(grep -i '^set-cookie: kunren_session=' "$work/signin.headers" | head -1 | sed -E 's/^[^:]*: *//; s/;.*//' | tr -d '\r')
csrf=$(jq -r .csrf_token "$work/signin.json")
body=$(printf '{"id":"%s","title":"耐久試験 / soak","org":"%s","scenario":"factory-ransomware","participants":[%s]}' \
  "$exercise" "$org" "$(IFS=,; echo "${members[*]}")")
code=$(curl -sS -o "$work/create.json" -w '%{http_code}' -H 'Content-Type: application/json' -H "Cookie: $cookie" \
  -H "X-CSRF-Token: $csrf" --data "$body" "$base/api/v1/exercises")
[[ $code == 201 ]] || { echo "soak: POST /api/v1/exercises answered HTTP $code" >&2; cat "$work/create.json" >&2; exit 1; }

printf 'Kunren %s soak on %s (%s cores), %s: %s s at x%s, %s participants (streams), %s posting every %s ms, an inject every %s ms\n' \
  "$("$kunren" --version | cut -d' ' -f2)" "$(uname -m)" "$(nproc)" "$(date -u +%Y-%m-%dT%H:%MZ)" \
  "$duration" "$speed" "$participants" "$posters" "$think_ms" "$inject_ms"
load_code=0
"$load" --port "$port" --exercise "$exercise" --facilitator soak-facilitator "${load_args[@]}" \
  --password-file "$work/password" --clients "$participants" --posters "$posters" --duration "$duration" \
  --speed "$speed" --inject-ms "$inject_ms" --think-ms "$think_ms" --drain "$drain" --server-pid "$kunren_pid" \
  --rss-log "$work/rss.txt" --rss-every "$rss_every" --summary "$work/summary.json" || load_code=$?

verify_code=0
"$kunren" exercise verify "$exercise" --db "$db" >"$work/verify.out" 2>&1 || verify_code=$?
printf 'kunren exercise verify: exit %s: %s\n' "$verify_code" "$(tr '\n' ' ' <"$work/verify.out" | cut -c1-200)"
kill -TERM "$kunren_pid" 2>/dev/null || true
serve_code=0
wait "$kunren_pid" || serve_code=$?
kunren_pid=""
server_5xx=$(grep -c '"status":5' "$work/server.log" || true)
printf 'server: exit %s after SIGTERM, %s responses 5xx in the access log\n' "$serve_code" "$server_5xx"

# --- memory -------------------------------------------------------------------
# rss.txt: "SECONDS KB" from the client's start (sign-ins and the streams'
# opening come first; the drill starts a few seconds later).
echo "server RSS samples (s since the client started: MB):"
awk '{ printf "  %5d s %7.1f MB%s", $1, $2 / 1024, (NR % 6 == 0 ? "\n" : "") } END { if (NR % 6) print "" }' "$work/rss.txt"
memory=$(awk -v w="$warmup" -v bound="$bound_mb" '
  $1 >= w && base == "" { base = $2; base_t = $1 }
  base != "" && $2 > peak { peak = $2; peak_t = $1 }
  { last = $2; last_t = $1 }
  END {
    if (base == "") { print "FAIL no sample after the warm-up"; exit }
    growth = (peak - base) / 1024
    printf "%s RSS at %d s %.1f MB, largest after it %.1f MB (at %d s), at the end %.1f MB: growth %.1f MB (bound %d MB)\n",
      (growth < bound ? "ok" : "FAIL"), base_t, base / 1024, peak / 1024, peak_t, last / 1024, growth, bound
  }' "$work/rss.txt")
echo "memory: ${memory#* }"
if [[ -s $work/summary.json ]]; then
  jq -r '"events in the log \(.log_events), delivered to streams \(.delivered), actions posted \(.actions.ok), injects \(.injects.ok); lost \(.lost), duplicated \(.duplicated), unexpected \(.unexpected), HTTP errors \(.http_errors)"' "$work/summary.json"
fi

verdict=PASS
[[ $load_code -eq 0 ]] || verdict=FAIL
[[ $verify_code -eq 0 ]] || verdict=FAIL
[[ $server_5xx -eq 0 ]] || verdict=FAIL
[[ $memory == ok* ]] || verdict=FAIL
echo "soak: $verdict (load client exit $load_code, verify exit $verify_code, ${memory%% *} memory)"
[[ $verdict == PASS ]]
