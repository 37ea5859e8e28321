# The store commands on the embedded SQLite database (see store_suite.bash),
# plus what only SQLite has: a database file that must exist, two processes
# importing into one file at once.
source "$(dirname "$0")/lib.bash"
DB="sqlite:$WORK/kunren.db"
BACKEND=sqlite
source "$(dirname "$0")/store_suite.bash"

# Two processes import into one SQLite file at the same time: each finishes,
# or reports "busy" clearly; either way the file is intact and holds exactly
# what was reported as imported.
"$KUNREN" sample --orgs 1500 --seed 11 -o "$WORK/big1.csv" --orgs-file "$WORK/big-orgs.csv"
"$KUNREN" sample --orgs 1500 --seed 12 -o "$WORK/big2.csv"
k org import "$WORK/big-orgs.csv" >/dev/null
for c in race-a race-b; do k campaign create $c >/dev/null; k campaign open $c >/dev/null; done
k import --campaign race-a --responses "$WORK/big1.csv" >"$WORK/ra" 2>&1 & pa=$!
k import --campaign race-b --responses "$WORK/big2.csv" >"$WORK/rb" 2>&1 & pb=$!
ea=0; eb=0
wait $pa || ea=$?
wait $pb || eb=$?
for r in a:$ea b:$eb; do
  name=${r%%:*} code=${r#*:}
  check
  if [[ $code -eq 0 ]]; then
    grep -q "1500 new revisions" "$WORK/r$name" || fail "race-$name: $(cat "$WORK/r$name")"
  elif [[ $code -eq 3 ]]; then
    grep -q "busy" "$WORK/r$name" || fail "race-$name failed without saying busy: $(cat "$WORK/r$name")"
  else
    fail "race-$name exit $code: $(cat "$WORK/r$name")"
  fi
done
check; [[ $(sqlite3 "$WORK/kunren.db" "PRAGMA integrity_check") == ok ]] || fail "integrity_check after concurrent imports"
for r in a:$ea b:$eb; do
  name=${r%%:*} code=${r#*:}
  k campaign show race-$name >"$WORK/out"
  if [[ $code -eq 0 ]]; then expect_contains "$WORK/out" "submitted   1500 organisations"
  else expect_contains "$WORK/out" "submitted   0 organisations"; fi
done

# At a terminal the password is asked twice (script(1) gives the command a
# pseudo-terminal; the lines are typed ahead, which must not be thrown away).
printf 'terminal-password-1\nterminal-password-1\n' | script -qec "$KUNREN user add tty-user --db $DB" /dev/null >"$WORK/out" 2>&1
expect_contains "$WORK/out" "Repeat the password:"
expect_contains "$WORK/out" "user tty-user added"
printf 'terminal-password-1\nsomething-else-2\n' | script -qec "$KUNREN user passwd tty-user --db $DB" /dev/null >"$WORK/out" 2>&1 || true
expect_contains "$WORK/out" "the two passwords differ"

# Schema versions: an older database is refused until `db migrate`, which
# keeps its data; a newer one is refused with the reason. (The "older" ones
# are this database with migrations 6, 5, 4 and 3, or 6, 5, 4, 3 and 2, taken back out by hand.)
k backup -o "$WORK/v2.db" >/dev/null
sqlite3 "$WORK/v2.db" "DROP TABLE package; DROP TABLE org_key; DROP TABLE campaign_document;
  DELETE FROM schema_migrations WHERE version = 6; DROP TABLE org_document; ALTER TABLE answer DROP COLUMN evidence;
  DELETE FROM schema_migrations WHERE version = 5; DROP TABLE exercise_event; DROP TABLE exercise_participant; DROP TABLE exercise;
  DELETE FROM schema_migrations WHERE version = 4;
  DROP TABLE campaign_coordinator; ALTER TABLE answer DROP COLUMN review;
  DELETE FROM schema_migrations WHERE version = 3;"
expect_exit 4 "$WORK/out" -- "$KUNREN" campaign list --db "sqlite:$WORK/v2.db"
expect_contains "$WORK/out" "schema version 2 is older than this program's 6"
"$KUNREN" db migrate --db "sqlite:$WORK/v2.db" >"$WORK/out"
expect_contains "$WORK/out" "migrated to schema version 6"
"$KUNREN" campaign show 2026-autumn --db "sqlite:$WORK/v2.db" >"$WORK/out"
expect_contains "$WORK/out" "submitted   30 organisations"
expect_contains "$WORK/out" "coordinators none listed"
"$KUNREN" campaign coordinators 2026-autumn --set bob --db "sqlite:$WORK/v2.db" >"$WORK/out"
expect_contains "$WORK/out" "coordinators bob"
check; [[ $(sqlite3 "$WORK/v2.db" "SELECT COUNT(*) FROM answer WHERE review = 0") -gt 0 ]] || fail "old answers not unmarked"

cp "$WORK/v2.db" "$WORK/old.db"
sqlite3 "$WORK/old.db" "DROP TABLE IF EXISTS package; DROP TABLE IF EXISTS org_key; DROP TABLE IF EXISTS campaign_document;
  DELETE FROM schema_migrations WHERE version = 6; DROP TABLE org_document; ALTER TABLE answer DROP COLUMN evidence;
  DELETE FROM schema_migrations WHERE version = 5; DROP TABLE exercise_event; DROP TABLE exercise_participant; DROP TABLE exercise;
  DELETE FROM schema_migrations WHERE version = 4;
  DROP TABLE campaign_coordinator; ALTER TABLE answer DROP COLUMN review;
  DELETE FROM schema_migrations WHERE version = 3;
  DROP TABLE audit_log; DROP TABLE user_org; DROP TABLE user_role; DROP TABLE app_user;
  DELETE FROM schema_migrations WHERE version = 2;"
expect_exit 4 "$WORK/out" -- "$KUNREN" campaign list --db "sqlite:$WORK/old.db"
expect_contains "$WORK/out" "kunren db migrate"
"$KUNREN" db migrate --db "sqlite:$WORK/old.db" >"$WORK/out"
expect_contains "$WORK/out" "migrated to schema version 6"
"$KUNREN" campaign show 2026-autumn --db "sqlite:$WORK/old.db" >"$WORK/out"
expect_contains "$WORK/out" "submitted   30 organisations"
sqlite3 "$WORK/old.db" "INSERT INTO schema_migrations VALUES (99, 'from the future', '2030-01-01T00:00:00.000000Z')"
expect_exit 4 "$WORK/out" -- "$KUNREN" campaign list --db "sqlite:$WORK/old.db"
expect_contains "$WORK/out" "use a newer kunren"
expect_exit 4 "$WORK/out" -- "$KUNREN" db migrate --db "sqlite:$WORK/old.db"
expect_contains "$WORK/out" "version 99"

finish
