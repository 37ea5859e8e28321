# The store commands end to end, against the database URL in $DB. Sourced by
# store.sh (SQLite) and store_pg.sh (PostgreSQL) after lib.bash, so both
# backends pass the very same checks through the real binary.
# Expects: $DB (a fresh, not yet initialised database), $BACKEND (sqlite|postgresql).

k() { "$KUNREN" "$@" --db "$DB"; }
# expect_exit CODE OUTFILE -- command…: runs the command, output (both streams) to OUTFILE
expect_exit() {
  local want=$1 out=$2
  shift 3
  local got=0
  "$@" >"$out" 2>&1 || got=$?
  check
  [[ $got -eq $want ]] || { fail "exit $got, expected $want: $* — $(head -3 "$out")"; }
}

# A campaign where every organisation answers, so that n and the pseudonyms
# from the store equal those of the file-based analysis.
"$KUNREN" sample --orgs 30 --seed 7 -o "$WORK/s1.csv" --orgs-file "$WORK/orgs.csv"
"$KUNREN" sample --orgs 30 --seed 8 -o "$WORK/s2.csv"

# --- init and schema -----------------------------------------------------------------
if [[ $BACKEND == sqlite ]]; then
  expect_exit 2 "$WORK/out" -- k campaign list
  expect_contains "$WORK/out" "kunren init"
fi
k init >"$WORK/out"
expect_contains "$WORK/out" "ready (schema version"
expect_contains "$WORK/out" "factory-ir"
k init >"$WORK/out"  # idempotent
expect_contains "$WORK/out" "ready"
k db status >"$WORK/out"
expect_contains "$WORK/out" "$BACKEND"
k db migrate >"$WORK/out"
expect_contains "$WORK/out" "nothing to do"

# --- organisations ---------------------------------------------------------------------
k org import "$WORK/orgs.csv" >"$WORK/out"
expect_contains "$WORK/out" "30 organisations (30 added, 0 updated, 0 unchanged)"
k org import "$WORK/orgs.csv" >"$WORK/out"
expect_contains "$WORK/out" "(0 added, 0 updated, 30 unchanged)"
k org list --format json >"$WORK/orgs.json"
check; [[ $(grep -c '"pseudonym"' "$WORK/orgs.json") -eq 30 ]] || fail "org list does not show 30 pseudonyms"

# --- campaigns --------------------------------------------------------------------------
expect_exit 2 "$WORK/out" -- k campaign create "bad id!" --checklist factory-ir
expect_contains "$WORK/out" "not a valid campaign id"
# A custom checklist registered by a campaign shows in the list beside the built-in ones.
k campaign create mini-drill --checklist "$DATA/mini-checklist.yaml" >/dev/null
k checklist list >"$WORK/out"
expect_contains "$WORK/out" "built-in"
expect_contains "$WORK/out" "database (sha256"
# …and it can be shown from there, identical to the file it came from.
k checklist show mini --format json >"$WORK/mini-from-db.json"
"$KUNREN" checklist show "$DATA/mini-checklist.yaml" --format json >"$WORK/mini-from-file.json"
check; cmp -s "$WORK/mini-from-db.json" "$WORK/mini-from-file.json" || fail "checklist show from the database differs from the file"
k campaign create 2026-autumn --title "2026年度 秋季演習" --min-group 3 --opens 2026-10-01 --closes 2026-11-30 >"$WORK/out"
expect_contains "$WORK/out" "campaign 2026-autumn created (draft; checklist factory-ir"
expect_exit 4 "$WORK/out" -- k campaign create 2026-autumn
expect_contains "$WORK/out" "2026-autumn"
# Answers go only into an open campaign.
expect_exit 4 "$WORK/out" -- k import --campaign 2026-autumn --responses "$WORK/s1.csv"
expect_contains "$WORK/out" "kunren campaign open 2026-autumn"
expect_exit 2 "$WORK/out" -- k import --campaign nosuch --responses "$WORK/s1.csv"
expect_contains "$WORK/out" "nosuch"
k campaign open 2026-autumn >/dev/null

# --- import: all or nothing, re-import detected, changes become revisions --------------------
# A file with one bad cell near the end writes nothing at all.
cp "$WORK/s1.csv" "$WORK/bad.csv"
last_org=$(tail -1 "$WORK/s1.csv" | cut -d, -f1)
echo "$last_org,IMP-P0-01,9," >>"$WORK/bad.csv"
expect_exit 2 "$WORK/out" -- k import --campaign 2026-autumn --responses "$WORK/bad.csv"
expect_contains "$WORK/out" "bad.csv:"
k campaign show 2026-autumn >"$WORK/out"
expect_contains "$WORK/out" "submitted   0 organisations"
# Unregistered organisations are named, nothing written.
sed 's/^ORG-0001,/ORG-9999,/' "$WORK/s1.csv" >"$WORK/unknown.csv"
expect_exit 2 "$WORK/out" -- k import --campaign 2026-autumn --responses "$WORK/unknown.csv"
expect_contains "$WORK/out" "ORG-9999"
expect_contains "$WORK/out" "not registered"

k import --campaign 2026-autumn --responses "$WORK/s1.csv" >"$WORK/out"
expect_contains "$WORK/out" "30 new revisions, 0 unchanged"
after_first=$(date -u +%Y-%m-%dT%H:%M:%S.%6NZ)
k import --campaign 2026-autumn --responses "$WORK/s1.csv" >"$WORK/out"
expect_contains "$WORK/out" "already imported into 2026-autumn as import #1"
k import --campaign 2026-autumn --responses "$WORK/s1.csv" --again >"$WORK/out"
expect_contains "$WORK/out" "0 new revisions, 30 unchanged"

# The same analysis from the files and from the store, byte for byte (as CSV:
# the published comment excerpts carry quote ids keyed per source, so the
# JSON's ids differ by design — docs/formats.md "Publishing").
"$KUNREN" analyze --responses "$WORK/s1.csv" --orgs "$WORK/orgs.csv" --format csv -o "$WORK/file1.csv" 2>/dev/null
k analyze --campaign 2026-autumn --format csv -o "$WORK/db1.csv" 2>/dev/null
check; cmp -s "$WORK/file1.csv" "$WORK/db1.csv" || fail "analyze --campaign differs from analyze of the same files"

# A changed file: new revisions only for organisations whose answers changed.
head -1 "$WORK/s1.csv" >"$WORK/changed.csv"
awk -F, 'NR > 1 && $1 != "ORG-0001" && $1 != "ORG-0002"' "$WORK/s1.csv" >>"$WORK/changed.csv"
awk -F, 'NR > 1 && ($1 == "ORG-0001" || $1 == "ORG-0002")' "$WORK/s2.csv" >>"$WORK/changed.csv"
k import --campaign 2026-autumn --responses "$WORK/changed.csv" >"$WORK/out"
expect_contains "$WORK/out" "2 new revisions, 28 unchanged"
"$KUNREN" analyze --responses "$WORK/changed.csv" --orgs "$WORK/orgs.csv" --format csv -o "$WORK/file2.csv" 2>/dev/null
k analyze --campaign 2026-autumn --format csv -o "$WORK/db2.csv" 2>/dev/null
check; cmp -s "$WORK/file2.csv" "$WORK/db2.csv" || fail "analyze --campaign after the change differs from the changed file"
check; ! cmp -s "$WORK/db1.csv" "$WORK/db2.csv" || fail "the change did not change the analysis"
# --as-of gives the earlier state back.
k analyze --campaign 2026-autumn --as-of "$after_first" --format csv -o "$WORK/asof.csv" 2>/dev/null
check; cmp -s "$WORK/db1.csv" "$WORK/asof.csv" || fail "--as-of does not give the state before the change"
expect_exit 2 "$WORK/out" -- k analyze --campaign 2026-autumn --as-of yesterday
expect_contains "$WORK/out" "--as-of"
# HTML from the store carries the campaign title.
k analyze --campaign 2026-autumn -o "$WORK/db.html" 2>/dev/null
expect_contains "$WORK/db.html" "2026年度 秋季演習"
# Every revision stays: ORG-0001 has its first answers and the changed ones.
k campaign revisions 2026-autumn --org ORG-0001 >"$WORK/out"
expect_eq "$(grep -c '^ORG-0001 ' "$WORK/out")" 2 "revisions of ORG-0001"
expect_contains "$WORK/out" "(import #1)"
expect_contains "$WORK/out" "(import #3)"
k campaign revisions 2026-autumn --org ORG-0001 --format json >"$WORK/rev.json"
expect_contains "$WORK/rev.json" '"no": 2'
expect_contains "$WORK/rev.json" '"answers": ['
k campaign revisions 2026-autumn >"$WORK/out"
expect_eq "$(grep -c '^ORG-' "$WORK/out")" 30 "latest revision of each organisation"
k campaign show 2026-autumn >"$WORK/out"
expect_contains "$WORK/out" "submitted   30 organisations"
expect_contains "$WORK/out" "#3"

# An organisation listed in the orgs file that answered nothing counts in n
# from the store exactly as from the files (a fresh database, so that the
# pseudonyms are assigned over the same organisations in one go).
cp "$WORK/orgs.csv" "$WORK/orgs31.csv"
echo "ORG-0031,無回答工業 本社工場,化学,300人未満" >>"$WORK/orgs31.csv"
"$KUNREN" init --db "sqlite:$WORK/silent.db" >/dev/null
"$KUNREN" campaign create silent --db "sqlite:$WORK/silent.db" >/dev/null
"$KUNREN" campaign open silent --db "sqlite:$WORK/silent.db" >/dev/null
"$KUNREN" import --campaign silent --responses "$WORK/s1.csv" --orgs "$WORK/orgs31.csv" --db "sqlite:$WORK/silent.db" >"$WORK/out"
expect_contains "$WORK/out" "31 new revisions"
"$KUNREN" analyze --responses "$WORK/s1.csv" --orgs "$WORK/orgs31.csv" --format csv -o "$WORK/file31.csv" 2>/dev/null
"$KUNREN" analyze --campaign silent --db "sqlite:$WORK/silent.db" --format csv -o "$WORK/db31.csv" 2>/dev/null
expect_contains "$WORK/db31.csv" ',31,'  # n = 31 in every row
check; cmp -s "$WORK/file31.csv" "$WORK/db31.csv" || fail "a silent organisation makes analyze --campaign differ from the files"

# --- users ------------------------------------------------------------------------------------
echo "correct horse battery" | k user add alice --name "品質 花子" --role evaluator --org ORG-0001 >"$WORK/out"
expect_contains "$WORK/out" "user alice added (roles: evaluator; organisations: ORG-0001)"
echo "short" | expect_exit 2 "$WORK/out" -- k user add bob
expect_contains "$WORK/out" "at least 10 characters"
echo "correct horse battery" | expect_exit 4 "$WORK/out" -- k user add alice
expect_exit 2 "$WORK/out" -- k user add carol --password "x"  # no password on the command line, ever
echo "another good password" | k user passwd alice >"$WORK/out"
expect_contains "$WORK/out" "password of alice changed"
k user roles alice --add coordinator --add-org ORG-0002 >"$WORK/out"
expect_contains "$WORK/out" "alice: roles coordinator,evaluator; organisations ORG-0001,ORG-0002"
expect_exit 2 "$WORK/out" -- k user roles alice --add-org ORG-9999
expect_contains "$WORK/out" "ORG-9999"
expect_exit 2 "$WORK/out" -- k user roles alice --add wizard
expect_contains "$WORK/out" "unknown role 'wizard'"
expect_exit 2 "$WORK/out" -- k user roles alice --add observer --disable
expect_contains "$WORK/out" "separate commands"
k user roles alice --disable >"$WORK/out"
expect_contains "$WORK/out" "disabled"
k user list >"$WORK/out"
expect_contains "$WORK/out" "品質 花子"
expect_not_contains "$WORK/out" "argon2"

# --- campaign coordinators ------------------------------------------------------------------------
echo "correct horse battery" | k user add bob --role coordinator >/dev/null
echo "correct horse battery" | k user add eve --role evaluator >/dev/null
k campaign coordinators 2026-autumn >"$WORK/out"
expect_contains "$WORK/out" "campaign 2026-autumn: coordinators none listed (every coordinator coordinates it)"
k campaign coordinators 2026-autumn --set bob,alice >"$WORK/out"
expect_contains "$WORK/out" "campaign 2026-autumn: coordinators alice,bob"
k campaign show 2026-autumn >"$WORK/out"
expect_contains "$WORK/out" "coordinators alice,bob"
k campaign show 2026-autumn --format json >"$WORK/out"
expect_contains "$WORK/out" '"coordinators": ['
k campaign coordinators 2026-autumn --set bob >"$WORK/out"
expect_contains "$WORK/out" "coordinators bob"  # replaced whole, not added to
# Refusals name the option and the login, and change nothing.
expect_exit 2 "$WORK/out" -- k campaign coordinators 2026-autumn --set eve
expect_contains "$WORK/out" "(--set): user 'eve' does not have the coordinator role"
expect_exit 2 "$WORK/out" -- k campaign coordinators 2026-autumn --set bob,ghost
expect_contains "$WORK/out" "(--set): user 'ghost' not found"
expect_exit 2 "$WORK/out" -- k campaign coordinators 2026-autumn --set bob --set bob
expect_contains "$WORK/out" "(--set): coordinator 'bob' is given more than once"
expect_exit 2 "$WORK/out" -- k campaign coordinators 2026-autumn --set "bad login!"
expect_contains "$WORK/out" "(--set): 'bad login!' is not a valid login"
expect_exit 2 "$WORK/out" -- k campaign coordinators nosuch --set bob
expect_contains "$WORK/out" "campaign 'nosuch' not found"
expect_exit 2 "$WORK/out" -- k campaign coordinators 2026-autumn --set bob --clear
k campaign coordinators 2026-autumn >"$WORK/out"
expect_contains "$WORK/out" "campaign 2026-autumn: coordinators bob"
k campaign create spring --coordinator alice --coordinator bob >"$WORK/out"
expect_contains "$WORK/out" "coordinators: alice,bob"
expect_exit 2 "$WORK/out" -- k campaign create autumn-2 --coordinator eve
expect_contains "$WORK/out" "(--coordinator): user 'eve' does not have the coordinator role"
k campaign list >"$WORK/out"
expect_not_contains "$WORK/out" "autumn-2"
k campaign coordinators spring --clear >"$WORK/out"
expect_contains "$WORK/out" "campaign spring: coordinators none listed"

# --- the audit log ------------------------------------------------------------------------------
k audit --limit 0 --format json >"$WORK/audit.json"
for action in campaign.create campaign.state campaign.coordinators revision.import org.put user.create user.password \
  user.access; do
  expect_contains "$WORK/audit.json" "\"$action\""
done
expect_not_contains "$WORK/audit.json" "argon2"
expect_not_contains "$WORK/audit.json" "correct horse"
k audit --type campaign --object 2026-autumn >"$WORK/out"
expect_contains "$WORK/out" "campaign.create"

# --- states and publishing ------------------------------------------------------------------------
expect_exit 4 "$WORK/out" -- k campaign publish 2026-autumn
expect_contains "$WORK/out" "open"
k campaign close 2026-autumn >/dev/null
expect_exit 4 "$WORK/out" -- k import --campaign 2026-autumn --responses "$WORK/s2.csv"
k campaign create tiny --min-group 3 >/dev/null
k campaign open tiny >/dev/null
head -1 "$WORK/s1.csv" >"$WORK/two.csv"
awk -F, 'NR > 1 && ($1 == "ORG-0001" || $1 == "ORG-0002")' "$WORK/s1.csv" >>"$WORK/two.csv"
k import --campaign tiny --responses "$WORK/two.csv" >/dev/null
k campaign close tiny >/dev/null
expect_exit 4 "$WORK/out" -- k campaign publish tiny
expect_contains "$WORK/out" "3"
k campaign publish 2026-autumn >"$WORK/out"
expect_contains "$WORK/out" "published"

# --- bundles -----------------------------------------------------------------------------------------
k export --campaign 2026-autumn -o "$WORK/bundle.json" >"$WORK/out"
expect_contains "$WORK/out" "30 organisations, 32 revisions"
expect_not_contains "$WORK/bundle.json" "argon2"
expect_eq "$(stat -c %a "$WORK/bundle.json")" 600 "the bundle holds names and answers: owner only"
expect_contains "$WORK/bundle.json" '"coordinators": ['
"$KUNREN" init --db "sqlite:$WORK/elsewhere.db" >/dev/null
"$KUNREN" import-bundle "$WORK/bundle.json" --db "sqlite:$WORK/elsewhere.db" >"$WORK/out" 2>"$WORK/err"
expect_contains "$WORK/out" "campaign 2026-autumn restored (30 organisations, 32 revisions, state published)"
# Bundles carry no users: bob is not there, so the restored campaign lists none, and says so.
expect_contains "$WORK/err" "warning: coordinators not restored (no such user with the coordinator role here): bob"
expect_contains "$WORK/err" "coordinated by every coordinator"
"$KUNREN" campaign coordinators 2026-autumn --db "sqlite:$WORK/elsewhere.db" >"$WORK/out"
expect_contains "$WORK/out" "coordinators none listed"
"$KUNREN" analyze --campaign 2026-autumn --db "sqlite:$WORK/elsewhere.db" --format csv -o "$WORK/restored.csv" 2>/dev/null
check; cmp -s "$WORK/db2.csv" "$WORK/restored.csv" || fail "the restored campaign analyses differently"
"$KUNREN" analyze --campaign 2026-autumn --as-of "$after_first" --db "sqlite:$WORK/elsewhere.db" --format csv -o "$WORK/restored1.csv" 2>/dev/null
check; cmp -s "$WORK/db1.csv" "$WORK/restored1.csv" || fail "the restored campaign lost its history"
expect_exit 4 "$WORK/out" -- "$KUNREN" import-bundle "$WORK/bundle.json" --db "sqlite:$WORK/elsewhere.db"
expect_contains "$WORK/out" "2026-autumn"
# A damaged bundle is refused whole.
sed 's/"IMP-P0-01"/"IMP-P0-99"/' "$WORK/bundle.json" >"$WORK/damaged.json"
"$KUNREN" init --db "sqlite:$WORK/third.db" >/dev/null
expect_exit 2 "$WORK/out" -- "$KUNREN" import-bundle "$WORK/damaged.json" --db "sqlite:$WORK/third.db"
"$KUNREN" campaign list --db "sqlite:$WORK/third.db" >"$WORK/out"
expect_not_contains "$WORK/out" "2026-autumn"
printf '{"schema": "kunren.bundle/1",\n "campaign": [}' >"$WORK/broken.json"
expect_exit 2 "$WORK/out" -- "$KUNREN" import-bundle "$WORK/broken.json" --db "sqlite:$WORK/third.db"
expect_contains "$WORK/out" "broken.json:2:"

# --- backup ----------------------------------------------------------------------------------------------
if [[ $BACKEND == sqlite ]]; then
  k backup -o "$WORK/backup.db" >"$WORK/out"
  check; [[ $(sqlite3 "$WORK/backup.db" "PRAGMA integrity_check") == ok ]] || fail "backup fails integrity_check"
  expect_eq "$(stat -c %a "$WORK/backup.db")" 600 "backup readable by its owner only"
  expect_eq "$(stat -c %a "$WORK/kunren.db")" 600 "database readable by its owner only"
  "$KUNREN" analyze --campaign 2026-autumn --db "sqlite:$WORK/backup.db" --format csv -o "$WORK/backup.csv" 2>/dev/null
  check; cmp -s "$WORK/db2.csv" "$WORK/backup.csv" || fail "the backup analyses differently"
else
  expect_exit 4 "$WORK/out" -- k backup -o "$WORK/backup.db"
  expect_contains "$WORK/out" "pg_dump"
  check; [[ ! -e "$WORK/backup.db" ]] || fail "a backup file was written for PostgreSQL"
fi
