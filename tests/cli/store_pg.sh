# The store commands on PostgreSQL (see store_suite.bash), in a fresh database
# of the throwaway cluster that CTest starts (fixture `postgres`).
source "$(dirname "$0")/lib.bash"
[[ -n "${KUNREN_TEST_PG_URL_FILE:-}" && -s "$KUNREN_TEST_PG_URL_FILE" ]] ||
  { echo "FAIL: KUNREN_TEST_PG_URL_FILE is not set; run through ctest, which starts PostgreSQL" >&2; exit 1; }
base=$(cat "$KUNREN_TEST_PG_URL_FILE")
name="cli_$$_$RANDOM"
psql -X -q "${base%/*}/postgres" -c "CREATE DATABASE $name" >/dev/null
trap 'psql -X -q "${base%/*}/postgres" -c "DROP DATABASE IF EXISTS $name" >/dev/null 2>&1; rm -rf "$WORK"' EXIT
DB="${base%/*}/$name"
BACKEND=postgresql
source "$(dirname "$0")/store_suite.bash"

# The password never shows in what kunren prints about the database.
"$KUNREN" db status --db "${DB/kunren@/kunren:hunter2secret@}" >"$WORK/out" 2>&1 || true
expect_not_contains "$WORK/out" "hunter2secret"

finish
