# PostgreSQL restarted under load: `kunren serve` on PostgreSQL while 20
# participants post to a running drill (kunren_drill_load --posts-only); the
# PostgreSQL server is stopped (pg_ctl stop -m fast), kept down until kunren
# has refused a number of posts, and started again. Checks:
#   - during the outage posts fail cleanly: a 5xx answer with a JSON error
#     (the load client counts any other answer), each within a bound (curl
#     --max-time 10 for a probe; the client's longest failed request is
#     printed), and kunren keeps running;
#   - after the restart, posts are stored again by the same kunren process
#     (its connections reconnect), with no restart of kunren;
#   - every acknowledged post is stored exactly once at its seq
#     (check_acks.py) and `kunren exercise verify` accepts the chain.
# The test runs its own throwaway cluster (scripts/pg-cluster.sh), so that
# restarting it disturbs no other test using the shared fixture.
source "$(dirname "$0")/lib.bash"
LOAD=$(dirname "$KUNREN")/kunren_drill_load
check
[[ -x $LOAD ]] || { fail "$LOAD is not built (bench/CMakeLists.txt builds it beside kunren)"; finish; }
PG=$WORK/pg
LOAD_PID=""
cleanup() {
  stop_server
  [[ -z $LOAD_PID ]] || kill "$LOAD_PID" 2>/dev/null || true
  bash "$TESTS/../scripts/pg-cluster.sh" stop "$PG" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
chmod 755 "$WORK"  # the cluster runs as the postgres user under root
bash "$TESTS/../scripts/pg-cluster.sh" start "$PG" || { fail "could not start a PostgreSQL cluster"; finish; }
DB=$(cat "$PG/url")
pg_port=${DB##*:}
pg_port=${pg_port%%/*}
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
as_owner=()
[[ $(id -u) -ne 0 ]] || as_owner=(runuser -u postgres --)
pg_stop() { "${as_owner[@]}" "$pg_bin/pg_ctl" -D "$PG/data" -m fast -w stop >/dev/null; }
pg_start() {  # the same options as scripts/pg-cluster.sh
  "${as_owner[@]}" "$pg_bin/pg_ctl" -D "$PG/data" -l "$PG/server.log" -w -t 30 \
    -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $PG -c fsync=on -c max_connections=64" start >/dev/null
}

password=pg-restart-password-1234
roles="plant-manager production maintenance it sirt poc management comms-legal"
"$KUNREN" init --db "$DB" >/dev/null
"$KUNREN" org add PG-ORG --name "千鳥化成（再起動試験）" --db "$DB" >/dev/null
echo "$password" | "$KUNREN" user add pg-facilitator --role facilitator --org PG-ORG --db "$DB" >/dev/null
members=() load_args=()
for role in $roles; do
  echo "$password" | "$KUNREN" user add "pg-$role" --role participant --org PG-ORG --db "$DB" >/dev/null
  members+=("{\"login\":\"pg-$role\",\"role\":\"$role\"}")
  load_args+=(--participant "$role=pg-$role")
done
printf '%s\n' "$password" >"$WORK/password"

serve_and_sign_in "$DB" pg-facilitator "$password"
trap cleanup EXIT
api_post() {  # api_post PATH BODY OUT → HTTP status (000: no answer within 10 s)
  curl -sS -o "$3" -w '%{http_code}' --max-time 10 -H 'Content-Type: application/json' -H "Cookie: $COOKIE" \
    -H "X-CSRF-Token: $CSRF" --data "$2" "$BASE$1" 2>/dev/null || true
}
body=$(printf '{"id":"pgr","title":"再起動試験 / PostgreSQL restart","org":"PG-ORG","scenario":"factory-ransomware","participants":[%s]}' \
  "$(IFS=,; echo "${members[*]}")")
expect_eq "$(api_post /api/v1/exercises "$body" "$WORK/create.json")" 201 "create the drill: $(head -c 300 "$WORK/create.json")"
expect_eq "$(api_post /api/v1/exercises/pgr/control '{"action":"start","speed":10}' "$WORK/start.json")" 200 "start the drill"

"$LOAD" --posts-only --port "${BASE##*:}" --exercise pgr --facilitator pg-facilitator "${load_args[@]}" \
  --password-file "$WORK/password" --posters 20 --think-ms 20 --duration 300 --acks "$WORK/acks" \
  --stop-file "$WORK/stop" >"$WORK/load.out" 2>&1 &
LOAD_PID=$!
acks() { if [[ -f $WORK/acks ]]; then wc -l <"$WORK/acks"; else echo 0; fi; }
refused() { grep -c '"status":5' "$WORK/server.log" || true; }
# poll WHAT N: until $(WHAT) reaches N (60 s at most: slow under sanitizers or a loaded machine).
poll() {
  local deadline=$((SECONDS + 60))
  while (( $($1) < $2 )); do
    if (( SECONDS >= deadline )); then fail "$1 reached only $($1) of $2 within 60 s: $(tail -5 "$WORK/load.out")"; finish; fi
    kill -0 "$LOAD_PID" 2>/dev/null || { fail "the load client stopped: $(tail -5 "$WORK/load.out")"; finish; }
    kill -0 "$SERVER_PID" 2>/dev/null || { fail "kunren serve died: $(tail -5 "$WORK/server.log")"; finish; }
    sleep 0.05
  done
}
poll acks 100
pg_stop
down_at=$(acks)
poll refused 50  # 50 posts refused by kunren while PostgreSQL is down
code=$(api_post /api/v1/exercises/pgr/actions '{"kind":"note","payload":{"text":"while the database is down"}}' "$WORK/down.json")
check; [[ $code == 5* ]] || fail "a post while PostgreSQL is down answered '$code' (expected 5xx within 10 s): $(cat "$WORK/down.json")"
expect_eq "$(jq -r '.error.code | type' "$WORK/down.json" 2>/dev/null)" string "the refusal is a JSON error: $(cat "$WORK/down.json")"
echo "while PostgreSQL was down: HTTP $code $(cat "$WORK/down.json")"
code=$(curl -sS -o "$WORK/state.json" -w '%{http_code}' --max-time 10 -H "Cookie: $COOKIE" "$BASE/api/v1/exercises" 2>/dev/null || true)
check; [[ $code == 5* ]] || [[ $code == 200 ]] || fail "a read while PostgreSQL is down answered '$code'"
pg_start
up_at=$(acks)
poll acks $((up_at + 200))  # posting goes on, through the same kunren process
check; kill -0 "$SERVER_PID" 2>/dev/null || fail "kunren serve is not the same process any more"
echo "acknowledged: $down_at when PostgreSQL stopped, $up_at when it started again, $(acks) now"
touch "$WORK/stop"
load_code=0
wait "$LOAD_PID" || load_code=$?
LOAD_PID=""
sed -n '2,3p' "$WORK/load.out"
expect_eq "$load_code" 0 "load client: $(cat "$WORK/load.out")"
expect_contains "$WORK/load.out" "(0 of them not a JSON error), 0 other 4xx, 0 200 without a seq"
expect_eq "$(api_post /api/v1/exercises/pgr/actions '{"kind":"note","payload":{"text":"after the restart"}}' "$WORK/after.json")" 200 \
  "a post after the restart: $(cat "$WORK/after.json")"
stop_server
"$KUNREN" exercise log pgr --db "$DB" >"$WORK/log.jsonl"
check
python3 "$TESTS/cli/check_acks.py" "$WORK/acks" "$WORK/log.jsonl" >"$WORK/compare.out" 2>&1 ||
  fail "log vs acknowledgements: $(cat "$WORK/compare.out")"
cat "$WORK/compare.out"
expect_exit 0 "$WORK/verify.out" -- "$KUNREN" exercise verify pgr --db "$DB"
expect_contains "$WORK/verify.out" "chain verified"
finish
