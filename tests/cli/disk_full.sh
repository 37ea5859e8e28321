# Disk full: the SQLite database lives on a small tmpfs that fills up.
#  (a) `kunren import` of a campaign too big for the space left: a clear
#      message naming the database file, exit 3 (I/O; bad input is 2), and the
#      database as it was — integrity_check ok, the organisations and the
#      campaign unchanged (the import is all or nothing, its --orgs too) — and
#      a smaller import still goes in afterwards.
#  (b) a live drill whose disk fills up: a post that cannot be stored is
#      answered 507 with a JSON error, the server stays up and keeps serving
#      reads, and once space is freed posts are stored again with the next
#      seq and the hash chain verifies.
# Mounting a tmpfs needs root (CAP_SYS_ADMIN): without it the test is
# reported as not run (exit 77, SKIP_RETURN_CODE in tests/CMakeLists.txt),
# with the reason.
source "$(dirname "$0")/lib.bash"
MNT=$WORK/mnt
mkdir -p "$MNT"
if ! mount -t tmpfs -o size=3m kunren-test "$MNT" 2>"$WORK/mount.err"; then
  echo "disk_full: not run: cannot mount a tmpfs here (needs root): $(cat "$WORK/mount.err")"
  exit 77
fi
trap 'stop_server; umount "$MNT" 2>/dev/null || umount -l "$MNT" 2>/dev/null || true; rm -rf "$WORK"' EXIT
command -v sqlite3 >/dev/null || { fail "the sqlite3 shell is missing (scripts/deps.sh installs it)"; finish; }

# --- (a) an import that does not fit ------------------------------------------------
DB="sqlite:$MNT/kunren.db"
k() { "$KUNREN" "$@" --db "$DB"; }
"$KUNREN" sample --orgs 30 --seed 7 -o "$WORK/s1.csv" --orgs-file "$WORK/orgs.csv"
"$KUNREN" sample --orgs 30 --seed 8 -o "$WORK/s2.csv"
"$KUNREN" sample --orgs 2000 --seed 9 -o "$WORK/big.csv" --orgs-file "$WORK/bigorgs.csv"
k init >/dev/null
k org import "$WORK/orgs.csv" >/dev/null
k campaign create full-disk >/dev/null
k campaign open full-disk >/dev/null
k import --campaign full-disk --responses "$WORK/s1.csv" >/dev/null
snapshot() { k org list; k campaign show full-disk; k analyze --campaign full-disk --format csv 2>/dev/null; }
snapshot >"$WORK/before.txt"
expect_exit 3 "$WORK/import.out" -- k import --campaign full-disk --orgs "$WORK/bigorgs.csv" --responses "$WORK/big.csv"
expect_contains "$WORK/import.out" "$MNT/kunren.db: the disk is full"
expect_eq "$(sqlite3 "$MNT/kunren.db" 'PRAGMA integrity_check')" ok "integrity_check after the failed import"
snapshot >"$WORK/after.txt"
check; cmp -s "$WORK/before.txt" "$WORK/after.txt" || fail "the failed import changed the database: $(diff "$WORK/before.txt" "$WORK/after.txt" | head -5)"
expect_exit 0 "$WORK/import2.out" -- k import --campaign full-disk --responses "$WORK/s2.csv"
expect_contains "$WORK/import2.out" "30 new revisions"
expect_eq "$(sqlite3 "$MNT/kunren.db" 'PRAGMA integrity_check')" ok "integrity_check after the next import"
rm -f "$MNT"/kunren.db*

# --- (b) a drill whose disk fills up ------------------------------------------------------
password=disk-full-password-1234
k init >/dev/null
k org add FULL-ORG --name "千鳥化成" >/dev/null
echo "$password" | k user add full-facilitator --role facilitator --org FULL-ORG >/dev/null
echo "$password" | k user add full-it --role participant --org FULL-ORG >/dev/null
serve_and_sign_in "$DB" full-facilitator "$password"
trap 'stop_server; umount "$MNT" 2>/dev/null || umount -l "$MNT" 2>/dev/null || true; rm -rf "$WORK"' EXIT
api_post() {  # api_post PATH BODY OUT → HTTP status
  curl -sS -o "$3" -w '%{http_code}' -H 'Content-Type: application/json' -H "Cookie: $COOKIE" \
    -H "X-CSRF-Token: $CSRF" --data "$2" "$BASE$1"
}
note() { printf '{"kind":"note","payload":{"text":"%s"}}' "$1"; }
expect_eq "$(api_post /api/v1/exercises '{"id":"full","title":"ディスク満杯","org":"FULL-ORG","scenario":"factory-ransomware","participants":[{"login":"full-it","role":"it"}]}' "$WORK/create.json")" 201 \
  "create the drill: $(cat "$WORK/create.json")"
expect_eq "$(api_post /api/v1/exercises/full/control '{"action":"start","speed":1}' "$WORK/start.json")" 200 "start"
expect_eq "$(api_post /api/v1/exercises/full/actions "$(note before)" "$WORK/before.json")" 200 "a post with room"
# Fill the disk (dd stops at ENOSPC), then post until a post is refused (SQLite
# may still have room in pages it holds).
dd if=/dev/zero of="$MNT/filler" bs=16k >/dev/null 2>&1 || true
refused="" acked=()
for i in $(seq 1 200); do
  code=$(api_post /api/v1/exercises/full/actions "$(note "full $i $(head -c 600 /dev/zero | tr '\0' x)")" "$WORK/post.json")
  if [[ $code == 200 ]]; then acked+=("$(jq .events[0].seq "$WORK/post.json")"); else refused=$code; break; fi
done
expect_eq "$refused" 507 "a post on a full disk: $(cat "$WORK/post.json")"
expect_eq "$(jq -r .error.code "$WORK/post.json")" storage_full "the error's code"
expect_contains "$WORK/post.json" "disk is full"
check; kill -0 "$SERVER_PID" 2>/dev/null || fail "the server died on a full disk: $(tail -3 "$WORK/server.log")"
code=$(curl -sS -o "$WORK/state.json" -w '%{http_code}' -H "Cookie: $COOKIE" "$BASE/api/v1/exercises/full/state")
expect_eq "$code" 200 "reading the drill on a full disk"
expect_eq "$(api_post /api/v1/exercises/full/actions "$(note again)" "$WORK/again.json")" 507 "a second post on the full disk"
# Free the space: posting goes on, with the next seq.
rm -f "$MNT/filler"
expect_eq "$(api_post /api/v1/exercises/full/actions "$(note after)" "$WORK/after.json")" 200 "a post after space was freed: $(cat "$WORK/after.json")"
last_acked=$(jq .events[0].seq "$WORK/before.json")
[[ ${#acked[@]} -eq 0 ]] || last_acked=${acked[-1]}
expect_eq "$(jq .events[0].seq "$WORK/after.json")" "$((last_acked + 1))" "the seq after the refused posts"
stop_server
"$KUNREN" exercise log full --db "$DB" >"$WORK/log.jsonl"
for seq in "${acked[@]}"; do
  check; [[ $(jq -c "select(.seq == $seq) | .kind" "$WORK/log.jsonl") == '"note"' ]] || fail "acknowledged seq $seq is not in the log"
done
expect_not_contains "$WORK/log.jsonl" "again"
expect_exit 0 "$WORK/verify.out" -- "$KUNREN" exercise verify full --db "$DB"
expect_contains "$WORK/verify.out" "chain verified"
expect_eq "$(sqlite3 "$MNT/kunren.db" 'PRAGMA integrity_check')" ok "integrity_check after the drill"
finish
