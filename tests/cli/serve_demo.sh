# kunren serve --demo: creates the database, the demo campaigns and users,
# says loudly that they exist, and lets the demo users sign in; a second
# start leaves existing users and campaigns alone. --behind-tls marks the
# session cookie Secure and sends HSTS.
source "$(dirname "$0")/lib.bash"
DB="sqlite:$WORK/demo.db"

start() {  # start EXTRA-ARGS… → $pid, $port, banner in $WORK/banner (read up to the last login)
  rm -f "$WORK/out.fifo"
  mkfifo "$WORK/out.fifo"
  "$KUNREN" serve --demo --db "$DB" --listen 127.0.0.1:0 --threads 2 "$@" >"$WORK/out.fifo" 2>>"$WORK/access.log" &
  pid=$!
  exec 4<"$WORK/out.fifo"
  : >"$WORK/banner"
  while read -r line <&4; do
    echo "$line" >>"$WORK/banner"
    [[ "$line" == participant* ]] && break
  done
  port=$(grep -oE '127\.0\.0\.1:[0-9]+/' "$WORK/banner" | head -1 | grep -oE ':[0-9]+' | tr -d ':')
}
stop() {
  kill -TERM "$pid"
  local code=0
  wait "$pid" || code=$?
  expect_eq "$code" 0 "exit status after SIGTERM"
  cat <&4 >/dev/null
  exec 4<&-
}
request() {  # request RAW → the whole answer
  exec 3<>"/dev/tcp/127.0.0.1/$port"
  printf '%b' "$1" >&3
  cat <&3
  exec 3<&-
}
sign_in() {  # sign_in LOGIN PASSWORD → the answer
  local body="{\"login\":\"$1\",\"password\":\"$2\"}"
  request "POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${#body}\r\nConnection: close\r\n\r\n$body"
}

start --behind-tls
expect_contains "$WORK/banner" "DEMO MODE"
expect_contains "$WORK/banner" "kunren-demo"
expect_contains "$WORK/banner" "Created campaigns demo-2026 (open) and demo-2025 (published)"
expect_contains "$WORK/banner" "evaluator2   evaluator of ORG-0002 "
for login in admin coordinator evaluator evaluator2 facilitator participant; do
  expect_contains "$WORK/banner" "$login"
done
sign_in coordinator kunren-demo >"$WORK/a"
expect_contains "$WORK/a" "HTTP/1.1 200 OK"
expect_contains "$WORK/a" "HttpOnly; SameSite=Lax; Secure"
expect_contains "$WORK/a" "Strict-Transport-Security: max-age="
sign_in evaluator kunren-demo >"$WORK/b"
expect_contains "$WORK/b" '"organizations":["ORG-0001"]'
sign_in evaluator2 kunren-demo >"$WORK/c"
expect_contains "$WORK/c" '"organizations":["ORG-0002"]'
sign_in admin wrong-password >"$WORK/d"
expect_contains "$WORK/d" "HTTP/1.1 401"
stop

# What it made, seen through the CLI.
"$KUNREN" campaign list --db "$DB" >"$WORK/campaigns"
expect_contains "$WORK/campaigns" "demo-2025"
expect_contains "$WORK/campaigns" "published"
expect_contains "$WORK/campaigns" "demo-2026"
"$KUNREN" user list --db "$DB" >"$WORK/users"
expect_eq "$(grep -cE '^(admin|coordinator|evaluator|evaluator2|facilitator|participant) ' "$WORK/users")" 6 "demo users"

# A user changed since is left as it is at the next start, and nothing is duplicated.
echo "another password" | "$KUNREN" user passwd evaluator --db "$DB" >/dev/null
start
expect_contains "$WORK/banner" "evaluator    evaluator of ORG-0001 "
expect_contains "$WORK/banner" "(existed already: its password was left as it was)"
expect_not_contains "$WORK/banner" "Created campaigns"
sign_in evaluator kunren-demo >"$WORK/e"
expect_contains "$WORK/e" "HTTP/1.1 401"
sign_in evaluator "another password" >"$WORK/f"
expect_contains "$WORK/f" "HTTP/1.1 200 OK"
stop
expect_eq "$("$KUNREN" campaign list --db "$DB" | grep -c demo-20)" 2 "campaigns after a second start"

finish
