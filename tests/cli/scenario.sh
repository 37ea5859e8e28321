# kunren scenario list | show | validate | import-msel
source "$(dirname "$0")/lib.bash"
SCEN=$TESTS/data/scenarios
BUILTIN=$TESTS/../data/scenarios

# The group is in the help, with its four commands.
"$KUNREN" --help > "$WORK/help"
expect_contains "$WORK/help" "  scenario "
"$KUNREN" scenario --help > "$WORK/help-scenario"
for cmd in list show validate import-msel; do expect_contains "$WORK/help-scenario" "$cmd"; done

# list: a table with a header and every built-in scenario.
"$KUNREN" scenario list > "$WORK/list"
expect_contains "$WORK/list" "ID"
expect_contains "$WORK/list" "DECISION POINTS"
builtins=()
if [[ -d "$BUILTIN" ]]; then
  for f in "$BUILTIN"/*.yaml "$BUILTIN"/*.json; do
    [[ -e "$f" ]] || continue
    id=$(basename "$f"); id=${id%.*}
    builtins+=("$id")
    expect_contains "$WORK/list" "$id"
  done
fi

# show: a file or a built-in, as YAML or JSON, in both or one language; the
# output validates again.
"$KUNREN" scenario show "$SCEN/good.yaml" > "$WORK/g.yaml"
"$KUNREN" scenario show "$SCEN/good.yaml" -o "$WORK/g.json"
"$KUNREN" scenario show "$SCEN/good.yaml" --format json > "$WORK/g2.json"
check; cmp -s "$WORK/g.json" "$WORK/g2.json" || fail "-o x.json and --format json differ"
check; head -c1 "$WORK/g.json" | grep -q '{' || fail "-o g.json is not JSON"
for f in g.yaml g.json; do
  "$KUNREN" scenario validate "$WORK/$f" > "$WORK/v" 2>&1 || fail "$f written by show does not validate: $(cat "$WORK/v")"
  expect_contains "$WORK/v" "ok — scenario mini-drill version 1"
done
"$KUNREN" scenario show "$SCEN/good.yaml" --lang en > "$WORK/en.yaml"
expect_contains "$WORK/en.yaml" "title: Mini drill"
expect_not_contains "$WORK/en.yaml" "小規模訓練"
for id in "${builtins[@]}"; do
  "$KUNREN" scenario show "$id" > "$WORK/builtin.yaml"
  "$KUNREN" scenario validate "$WORK/builtin.yaml" --require-lang ja,en > "$WORK/v" 2>&1 ||
    fail "built-in $id does not validate in both languages: $(head -5 "$WORK/v")"
done
set +e
"$KUNREN" scenario show no-such-scenario 2>"$WORK/err"
expect_eq "$?" 2 "unknown scenario"
set -e
expect_contains "$WORK/err" "neither a built-in scenario nor an existing file"

# validate: the summary of a good file…
"$KUNREN" scenario validate "$SCEN/good.yaml" > "$WORK/v"
expect_contains "$WORK/v" "3 injects (1 contingent), 3 roles, 2 phases, decision points reached: 2 of 2"
expect_contains "$WORK/v" "checklist sections linked: 1 of 13 in factory-ir (p2-detect)"
# …and every problem of a bad one as file:line:col: message (field), exit 2.
set +e
"$KUNREN" scenario validate "$SCEN/bad-unknown-role.yaml" > "$WORK/out" 2>"$WORK/err"
expect_eq "$?" 2 "unknown role"
set -e
expect_contains "$WORK/err" "bad-unknown-role.yaml:81:14: inject INJ-002: unknown role 'leader'; roles are: lead, maintenance, it (injects[INJ-002].to)"
expect_contains "$WORK/err" "1 problem found"
sed -e 's/    delivery: phone/    delivry: phone/' -e 's/objective: O1/objective: O9/' "$SCEN/good.yaml" > "$WORK/two.yaml"
set +e
"$KUNREN" scenario validate "$WORK/two.yaml" 2>"$WORK/err"
expect_eq "$?" 2 "two problems"
set -e
check; [[ $(grep -c "two.yaml:[0-9]*:[0-9]*: " "$WORK/err") == 2 ]] || fail "expected two located problems: $(cat "$WORK/err")"
check; head -1 "$WORK/err" | grep -qF "two.yaml:48:16: decision point DP1: unknown objective 'O9'" || fail "not in file order: $(cat "$WORK/err")"
expect_contains "$WORK/err" "two.yaml:63:5: unknown key 'delivry' in inject INJ-001 (did you mean 'delivery'?)"
expect_contains "$WORK/err" "2 problems found"
set +e
"$KUNREN" scenario validate "$SCEN/good.yaml" --require-lang ja,en 2>"$WORK/err"
expect_eq "$?" 2 "require-lang"
set -e
expect_contains "$WORK/err" "good.yaml:17:22: plant line L1 name: a plain string has no language variants"

# import-msel: a Japanese spreadsheet on the good scenario writes a full,
# valid scenario; CP932 bytes give the same file.
"$KUNREN" scenario import-msel "$SCEN/msel-ja.csv" --base "$SCEN/good.yaml" -o "$WORK/imported.yaml" 2>"$WORK/err"
expect_contains "$WORK/err" "担当者"
expect_contains "$WORK/err" "3 injects"
"$KUNREN" scenario validate "$WORK/imported.yaml" > "$WORK/v" 2>&1 || fail "imported scenario does not validate: $(cat "$WORK/v")"
expect_contains "$WORK/v" "ok — scenario mini-drill"
expect_contains "$WORK/imported.yaml" "id: INJ-202"
expect_contains "$WORK/imported.yaml" "roles:"
iconv -f UTF-8 -t CP932 "$SCEN/msel-ja.csv" | sed 's/$/\r/' > "$WORK/sjis.csv"
"$KUNREN" scenario import-msel "$WORK/sjis.csv" --base "$SCEN/good.yaml" -o "$WORK/sjis.yaml" 2>/dev/null
check; cmp -s "$WORK/imported.yaml" "$WORK/sjis.yaml" || fail "CP932 import differs from UTF-8"
"$KUNREN" scenario import-msel "$SCEN/msel-map.csv" --base "$SCEN/good.yaml" --map id=No --map at=時間 \
  --map title=見出し --map body=本文 --lang en -o "$WORK/mapped.json" 2>/dev/null
expect_contains "$WORK/mapped.json" '"en": "最初の付与"'
# On error: the problem with file and line, exit 2, nothing written (and an
# existing file left alone).
echo keep > "$WORK/kept.yaml"
set +e
"$KUNREN" scenario import-msel "$SCEN/msel-unknown-role.csv" --base "$SCEN/good.yaml" -o "$WORK/none.yaml" 2>"$WORK/err"
expect_eq "$?" 2 "unknown role in CSV"
"$KUNREN" scenario import-msel "$SCEN/msel-ragged.csv" --base "$SCEN/good.yaml" -o "$WORK/kept.yaml" 2>"$WORK/err2"
expect_eq "$?" 2 "ragged CSV"
"$KUNREN" scenario import-msel "$SCEN/msel-map.csv" --base "$SCEN/good.yaml" --map heading=見出し -o "$WORK/none.yaml" 2>"$WORK/err3"
expect_eq "$?" 2 "unknown field in --map"
set -e
expect_contains "$WORK/err" "msel-unknown-role.csv:3: inject INJ-2: unknown role 'production'; roles are: lead, maintenance, it (to)"
expect_contains "$WORK/err2" "msel-ragged.csv:3: row has 4 fields but the header has 3"
expect_contains "$WORK/err3" "unknown field 'heading'"
check; [[ ! -e "$WORK/none.yaml" ]] || fail "import-msel wrote a file on error"
check; [[ $(cat "$WORK/kept.yaml") == keep ]] || fail "import-msel overwrote a file on error"
finish
