# Crash test: `kunren serve` (SQLite) is killed with SIGKILL again and again
# while 50 participants post to a running drill, and restarted on the same
# database and port each time. The posters (kunren_drill_load --posts-only)
# write every acknowledged post — HTTP 200 with its event's seq — to a file
# before their next request, ride out the outage and sign in again after it.
# At the end:
#   - every acknowledged post is in the stored log exactly once, at the seq it
#     was acknowledged with, with the text that was posted (each post carries
#     its own tag "POSTER-N"; no tag is stored twice);
#   - the log's seqs run 1…N without a gap or a repeat;
#   - `kunren exercise verify` accepts the hash chain;
#   - the restarted server carries on: a new post gets the next seq.
# The kill points are random: after a random number of further
# acknowledgements (CRASH_SEED, printed, replays a run's choices; the timing
# of the posters themselves is not replayable). CRASH_ROUNDS=5 kills.
source "$(dirname "$0")/lib.bash"
LOAD=$(dirname "$KUNREN")/kunren_drill_load
check
if [[ ! -x $LOAD ]]; then
  fail "$LOAD is not built (bench/CMakeLists.txt builds it beside kunren)"
  finish
fi
seed=${CRASH_SEED:-$(( $(date +%s%N) % 32768 ))}
rounds=${CRASH_ROUNDS:-5}
echo "crash_drill: CRASH_SEED=$seed CRASH_ROUNDS=$rounds (set them to replay the kill points)"
RANDOM=$seed

password=crash-drill-password-1234
roles="plant-manager production maintenance it sirt poc management comms-legal"
DB="sqlite:$WORK/kunren.db"
"$KUNREN" init --db "$DB" >/dev/null
"$KUNREN" org add CRASH-ORG --name "千鳥化成（障害試験）" --db "$DB" >/dev/null
echo "$password" | "$KUNREN" user add crash-facilitator --role facilitator --org CRASH-ORG --db "$DB" >/dev/null
members=() load_args=()
for role in $roles; do
  echo "$password" | "$KUNREN" user add "crash-$role" --role participant --org CRASH-ORG --db "$DB" >/dev/null
  members+=("{\"login\":\"crash-$role\",\"role\":\"$role\"}")
  load_args+=(--participant "$role=crash-$role")
done
printf '%s\n' "$password" >"$WORK/password"

# The server; restarts reuse the first one's port (the posters keep it).
PORT=0
LOAD_PID=""
start_server() {
  rm -f "$WORK/serve.fifo"
  mkfifo "$WORK/serve.fifo"
  "$KUNREN" serve --db "$DB" --listen "127.0.0.1:$PORT" >"$WORK/serve.fifo" 2>>"$WORK/server.log" &
  SERVER_PID=$!
  exec 4<"$WORK/serve.fifo"
  local first=""
  read -r -t 30 first <&4 || { fail "kunren serve did not start: $(tail -3 "$WORK/server.log")"; finish; }
  BASE=$(grep -oE 'http://127\.0\.0\.1:[0-9]+' <<<"$first") || { fail "no URL in: $first"; finish; }
  PORT=${BASE##*:}
}
trap 'stop_server; [[ -z $LOAD_PID ]] || kill "$LOAD_PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT
start_server

sign_in_facilitator() {
  curl -sS -o "$WORK/signin.json" -D "$WORK/signin.headers" -H 'Content-Type: application/json' \
    --data "{\"login\":\"crash-facilitator\",\"password\":\"$password\"}" "$BASE/api/v1/session" >/dev/null
  COOKIE=$(grep -i '^set-cookie: kunren_session=' "$WORK/signin.headers" | head -1 | sed -E 's/^[^:]*: *//; s/;.*//' | tr -d '\r')
  CSRF=$(jq -r .csrf_token "$WORK/signin.json")
}
api_post() {  # api_post PATH BODY OUT → HTTP status
  curl -sS -o "$3" -w '%{http_code}' -H 'Content-Type: application/json' -H "Cookie: $COOKIE" \
    -H "X-CSRF-Token: $CSRF" --data "$2" "$BASE$1"
}
sign_in_facilitator
body=$(printf '{"id":"crash","title":"障害試験 / crash test","org":"CRASH-ORG","scenario":"factory-ransomware","participants":[%s]}' \
  "$(IFS=,; echo "${members[*]}")")
expect_eq "$(api_post /api/v1/exercises "$body" "$WORK/create.json")" 201 "create the drill: $(head -c 300 "$WORK/create.json")"
expect_eq "$(api_post /api/v1/exercises/crash/control '{"action":"start","speed":10}' "$WORK/start.json")" 200 "start the drill"

# The posters: 50, a post each 20 ms at most (each waits for its answer).
"$LOAD" --posts-only --port "$PORT" --exercise crash --facilitator crash-facilitator "${load_args[@]}" \
  --password-file "$WORK/password" --posters 50 --think-ms 20 --duration 300 --acks "$WORK/acks" \
  --stop-file "$WORK/stop" >"$WORK/load.out" 2>&1 &
LOAD_PID=$!

acks() { if [[ -f $WORK/acks ]]; then wc -l <"$WORK/acks"; else echo 0; fi; }
# wait_acks N: until N posts are acknowledged (60 s at most: slow under sanitizers or a loaded machine).
wait_acks() {
  local deadline=$((SECONDS + 60))
  while (( $(acks) < $1 )); do
    if (( SECONDS >= deadline )); then fail "only $(acks) of $1 posts acknowledged within 60 s: $(tail -5 "$WORK/load.out")"; finish; fi
    kill -0 "$LOAD_PID" 2>/dev/null || { fail "the load client stopped: $(tail -5 "$WORK/load.out")"; finish; }
    sleep 0.02
  done
}
for ((round = 1; round <= rounds; round++)); do
  target=$(( $(acks) + 20 + RANDOM % 200 ))
  wait_acks "$target"
  kill -KILL "$SERVER_PID"
  wait "$SERVER_PID" 2>/dev/null || true
  echo "round $round: SIGKILL after $(acks) acknowledged posts (target $target)"
  SERVER_PID=""
  start_server
done
# The drill goes on after the last restart: more posts are acknowledged.
wait_acks $(( $(acks) + 100 ))
touch "$WORK/stop"
load_code=0
wait "$LOAD_PID" || load_code=$?
LOAD_PID=""
expect_eq "$load_code" 0 "load client: $(cat "$WORK/load.out")"
sed -n '1,4p' "$WORK/load.out"
expect_contains "$WORK/load.out" ", 0 other 4xx, 0 200 without a seq"

# The stored log against the acknowledgements.
"$KUNREN" exercise log crash --db "$DB" >"$WORK/log.jsonl"
check
python3 "$TESTS/cli/check_acks.py" "$WORK/acks" "$WORK/log.jsonl" >"$WORK/compare.out" 2>&1 ||
  fail "log vs acknowledgements: $(cat "$WORK/compare.out")"
cat "$WORK/compare.out"
expect_exit 0 "$WORK/verify.out" -- "$KUNREN" exercise verify crash --db "$DB"
expect_contains "$WORK/verify.out" "chain verified"

# The drill goes on: the next post gets the next seq.
last=$(tail -1 "$WORK/log.jsonl" | jq .seq)
sign_in_facilitator
expect_eq "$(api_post /api/v1/exercises/crash/actions '{"kind":"note","payload":{"text":"after the crashes"}}' "$WORK/next.json")" 200 \
  "a post after the crashes: $(cat "$WORK/next.json")"
expect_eq "$(jq '.events[0].seq' "$WORK/next.json")" "$((last + 1))" "the next seq"
expect_exit 0 "$WORK/verify2.out" -- "$KUNREN" exercise verify crash --db "$DB"
finish
