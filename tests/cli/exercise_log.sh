# `kunren exercise …` through the real binary on SQLite: the group's help,
# an empty list, and the errors (unknown exercise, missing database, bad
# options) with their exit codes, and planning a drill with `exercise create`
# (participants and criteria checked, nothing stored on a mistake). The
# verify/log cases with events (and a tampered log → exit 4) are C++ tests:
# tests/store/exercise_cli_test.cpp.
source "$(dirname "$0")/lib.bash"
DB="sqlite:$WORK/kunren.db"
k() { "$KUNREN" "$@" --db "$DB"; }
# expect_exit CODE OUTFILE -- command…: runs the command, output (both streams) to OUTFILE

# The group and its commands are in the help.
"$KUNREN" --help >"$WORK/out"
expect_contains "$WORK/out" "exercise"
"$KUNREN" exercise --help >"$WORK/out"
for command in list show verify log; do expect_contains "$WORK/out" "$command"; done
"$KUNREN" exercise verify --help >"$WORK/out"
expect_contains "$WORK/out" "Exit code 4"

# No database yet: NotFound, suggesting init (exit 2).
expect_exit 2 "$WORK/out" -- k exercise list
expect_contains "$WORK/out" "kunren init"

k init >/dev/null
k exercise list >"$WORK/out"
expect_contains "$WORK/out" "ID"
expect_not_contains "$WORK/out" "drill"
k exercise list --format json >"$WORK/out"
expect_eq "$(tr -d '[:space:]' <"$WORK/out")" "[]" "an empty list as JSON"

# An unknown exercise: exit 2 naming it, for every command; nothing written.
for command in show verify; do
  expect_exit 2 "$WORK/out" -- k exercise $command no-such-drill
  expect_contains "$WORK/out" "error: exercise 'no-such-drill' not found"
done
for format in jsonl csv; do
  expect_exit 2 "$WORK/out" -- k exercise log no-such-drill --format $format -o "$WORK/log.$format"
  expect_contains "$WORK/out" "exercise 'no-such-drill' not found"
  check; [[ ! -e "$WORK/log.$format" ]] || fail "a failed export left $WORK/log.$format"
done

# Bad options: exit 2.
expect_exit 2 "$WORK/out" -- k exercise log some-drill --format xml
expect_contains "$WORK/out" "--format"
expect_exit 2 "$WORK/out" -- k exercise verify
expect_contains "$WORK/out" "ID"
expect_exit 2 "$WORK/out" -- k exercise frobnicate

# Planning a drill.
k org add ORG1 --name "Plant" >/dev/null
printf 'participant-pass-1\n' | k user add sato --role participant --org ORG1 >/dev/null
printf 'evaluator-pass-1\n' | k user add eva --role evaluator --org ORG1 >/dev/null
printf '{"DP3": {"who": "工場長", "conditions": ["安全に影響", "制御系へ拡大"]}}' >"$WORK/criteria.json"
k exercise create --scenario factory-ransomware --org ORG1 --title "11月訓練" --id d1 \
  --participant sato=production --criteria "$WORK/criteria.json" >"$WORK/out"
expect_contains "$WORK/out" "exercise d1 planned"
k exercise show d1 >"$WORK/out"
expect_contains "$WORK/out" "sato (production)"
expect_contains "$WORK/out" "planned"
k exercise verify d1 >"$WORK/out"
expect_contains "$WORK/out" "0 events, chain verified"
# Mistakes name the option and store nothing.
expect_exit 2 "$WORK/out" -- k exercise create --scenario factory-ransomware --org ORG1 --title t --id d2 --participant sato=pilot
expect_contains "$WORK/out" "--participant sato=pilot: the scenario has no role 'pilot'"
expect_exit 2 "$WORK/out" -- k exercise create --scenario factory-ransomware --org ORG1 --title t --id d2 --participant eva=production
expect_contains "$WORK/out" "does not hold the participant role"
expect_exit 2 "$WORK/out" -- k exercise create --scenario factory-ransomware --org ORG1 --title t --id d2 --participant sato
expect_contains "$WORK/out" "LOGIN=ROLE"
printf '{"DP42": {}}' >"$WORK/bad-criteria.json"
expect_exit 2 "$WORK/out" -- k exercise create --scenario factory-ransomware --org ORG1 --title t --id d2 --criteria "$WORK/bad-criteria.json"
expect_contains "$WORK/out" "no decision point 'DP42'"
expect_exit 2 "$WORK/out" -- k exercise create --scenario no-such --org ORG1 --title t --id d2
expect_contains "$WORK/out" "built-in scenarios: factory-ransomware"
expect_exit 2 "$WORK/out" -- k exercise create --scenario factory-ransomware --org NOPE --title t --id d2
expect_exit 4 "$WORK/out" -- k exercise create --scenario factory-ransomware --org ORG1 --title t --id d1
k exercise list >"$WORK/out"
expect_not_contains "$WORK/out" "d2"

finish
