# kunren serve: starts on a free port, answers with the security headers,
# writes one JSON access-log line per request, and on SIGTERM completes its
# work and exits 0. A bad --listen value, a port in use and a missing
# database are clear errors.
source "$(dirname "$0")/lib.bash"
DB="sqlite:$WORK/kunren.db"
"$KUNREN" init --db "$DB" >/dev/null

# The server's first line (with the port) arrives through a pipe: no polling.
mkfifo "$WORK/out.fifo"
"$KUNREN" serve --db "$DB" --listen 127.0.0.1:0 --threads 2 >"$WORK/out.fifo" 2>"$WORK/access.log" &
pid=$!
exec 4<"$WORK/out.fifo"
read -r first <&4
expect_eq "${first%%http*}" "kunren: serving $DB on " "first line"
port=$(grep -oE ':[0-9]+/' <<<"$first" | tr -d ':/')

request() {  # request RAW → the whole answer
  exec 3<>"/dev/tcp/127.0.0.1/$port"
  printf '%b' "$1" >&3
  cat <&3
  exec 3<&-
}
request 'GET /api/v1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' >"$WORK/a"
expect_contains "$WORK/a" "HTTP/1.1 200 OK"
expect_contains "$WORK/a" '"name":"kunren"'
expect_contains "$WORK/a" "frame-ancestors 'none'"
expect_contains "$WORK/a" "X-Content-Type-Options: nosniff"
request 'GET /nowhere?token=abc HTTP/1.1\r\nHost: x\r\nCookie: sid=secret-session\r\nConnection: close\r\n\r\n' >"$WORK/b"
expect_contains "$WORK/b" "HTTP/1.1 404"
expect_contains "$WORK/b" '"code":"not_found"'

# Signing in through the real binary: a user made with the CLI gets a session.
echo "correct horse battery" | "$KUNREN" user add hanako --role evaluator --db "$DB" >/dev/null
body='{"login":"hanako","password":"correct horse battery"}'
request "POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${#body}\r\nConnection: close\r\n\r\n$body" >"$WORK/c"
expect_contains "$WORK/c" "HTTP/1.1 200 OK"
expect_contains "$WORK/c" "Set-Cookie: kunren_session="
expect_contains "$WORK/c" '"csrf_token":'

# A port that is taken is an I/O error (3) naming it.
code=0; "$KUNREN" serve --db "$DB" --listen "127.0.0.1:$port" >"$WORK/e" 2>&1 || code=$?
expect_eq "$code" 3 "port in use"
expect_contains "$WORK/e" "cannot listen on 127.0.0.1:$port"

kill -TERM "$pid"
code=0
wait "$pid" || code=$?
expect_eq "$code" 0 "exit status after SIGTERM"
cat <&4 >"$WORK/rest"
exec 4<&-
expect_contains "$WORK/rest" "stopped"
# The access log: one JSON line per request, no query string, no cookie.
expect_eq "$(grep -c '"status":' "$WORK/access.log")" 3 "access log lines"
expect_not_contains "$WORK/access.log" "correct horse"
expect_contains "$WORK/access.log" '"path":"/nowhere","remote":"127.0.0.1","status":404'
expect_not_contains "$WORK/access.log" "token=abc"
expect_not_contains "$WORK/access.log" "secret-session"

# A bad --listen is bad input (2); so is a database that does not exist.
code=0; "$KUNREN" serve --db "$DB" --listen nonsense >"$WORK/e" 2>&1 || code=$?
expect_eq "$code" 2 "bad --listen"
expect_contains "$WORK/e" "--listen"
code=0; "$KUNREN" serve --db "sqlite:$WORK/missing.db" --listen 127.0.0.1:0 >"$WORK/e" 2>&1 || code=$?
expect_eq "$code" 2 "no database"
expect_contains "$WORK/e" "kunren init"

finish
