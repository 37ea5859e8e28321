# Shared helpers for the command-line tests (sourced, not run).
# Each test is called as: bash test.sh /path/to/kunren /path/to/tests
set -euo pipefail
KUNREN=$1
TESTS=$2
DATA=$TESTS/data/cli
WORK=$(mktemp -d)
export SOURCE_DATE_EPOCH=1798761600  # 2027-01-01 00:00 UTC: reports carry this date, so goldens are stable
trap 'rm -rf "$WORK"' EXIT
failures=0
checks=0

fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
check() { checks=$((checks + 1)); }
# expect_contains FILE TEXT
expect_contains() { check; grep -qF -- "$2" "$1" || fail "$1 does not contain: $2"; }
expect_not_contains() { check; ! grep -qF -- "$2" "$1" || fail "$1 contains: $2"; }
expect_eq() { check; [[ "$1" == "$2" ]] || fail "expected '$2', got '$1' ($3)"; }
# expect_exit CODE OUT -- COMMAND…: runs COMMAND (stdout and stderr to OUT) and
# checks its exit code.
expect_exit() {
  local want=$1 out=$2
  shift 3
  local got=0
  "$@" >"$out" 2>&1 || got=$?
  check
  [[ $got -eq $want ]] || { fail "exit $got, expected $want: $* — $(head -3 "$out")"; }
}
# serve_and_sign_in DB LOGIN PASSWORD: starts `kunren serve` on a free port
# (stopped when the test exits) and signs LOGIN in; sets BASE, COOKIE, CSRF.
SERVER_PID=""
stop_server() {
  if [[ -n $SERVER_PID ]]; then kill -TERM "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""; fi
}
serve_and_sign_in() {
  trap 'stop_server; rm -rf "$WORK"' EXIT
  mkfifo "$WORK/serve.fifo"
  "$KUNREN" serve --db "$1" --listen 127.0.0.1:0 >"$WORK/serve.fifo" 2>"$WORK/server.log" &
  SERVER_PID=$!
  exec 4<"$WORK/serve.fifo"
  local first
  read -r -t 60 first <&4 || { fail "kunren serve did not start: $(tail -3 "$WORK/server.log")"; finish; }
  BASE=$(grep -oE 'http://127\.0\.0\.1:[0-9]+' <<<"$first")
  curl -sS -o "$WORK/signin.json" -D "$WORK/signin.headers" -H 'Content-Type: application/json' \
    --data "{\"login\":\"$2\",\"password\":\"$3\"}" "$BASE/api/v1/session" >/dev/null
  COOKIE=$(grep -i '^set-cookie: kunren_session=' "$WORK/signin.headers" | head -1 | sed -E 's/^[^:]*: *//; s/;.*//' | tr -d '\r')
  CSRF=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["csrf_token"])' "$WORK/signin.json")
}
finish() {
  if [[ $failures -gt 0 ]]; then
    echo "$failures of $checks checks failed" >&2
    exit 1
  fi
  echo "$checks passed, 0 failed"
}
