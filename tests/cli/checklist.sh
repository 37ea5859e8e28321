# kunren checklist list | show | validate
source "$(dirname "$0")/lib.bash"
# --help comes from the one subcommand table and lists every command.
"$KUNREN" --help > "$WORK/help"
for cmd in checklist analyze sample init db org campaign user import export import-bundle backup audit; do
  expect_contains "$WORK/help" "  $cmd "
done
for group in checklist db org campaign user; do
  "$KUNREN" "$group" --help >"$WORK/help-$group"
  check; grep -q "Subcommands:" "$WORK/help-$group" || fail "$group --help lists no subcommands"
done
"$KUNREN" checklist --help > "$WORK/help"
for cmd in list show validate; do expect_contains "$WORK/help" "$cmd"; done
"$KUNREN" checklist list > "$WORK/list"
expect_contains "$WORK/list" "factory-ir"
expect_contains "$WORK/list" "75"
# The built-in checklist written out validates, in both languages, in both formats.
"$KUNREN" checklist show factory-ir > "$WORK/f.yaml"
"$KUNREN" checklist show factory-ir --format json -o "$WORK/f.json"
for f in f.yaml f.json; do
  "$KUNREN" checklist validate "$WORK/$f" --require-lang ja,en > "$WORK/v" 2>&1
  expect_contains "$WORK/v" "75 items"
done
"$KUNREN" checklist show factory-ir --lang en > "$WORK/en.yaml"
expect_contains "$WORK/en.yaml" "Out of scenario scope"
expect_not_contains "$WORK/en.yaml" "シナリオ対象外"
# …and an English-only file fails --require-lang ja with file:line:column.
set +e
"$KUNREN" checklist validate "$WORK/en.yaml" --require-lang ja 2>"$WORK/err"
expect_eq "$?" 2 "missing language"
set -e
check; grep -qE "en.yaml:[0-9]+:[0-9]+ .*plain string has no language variants; --require-lang needs ja" "$WORK/err" || fail "no file:line:column for a missing language: $(head -2 "$WORK/err")"
# A checklist with a typo'd key names the place.
sed 's/    section: p0-prep/    sektion: p0-prep/' "$DATA/mini-checklist.yaml" > "$WORK/typo.yaml"
set +e
"$KUNREN" checklist validate "$WORK/typo.yaml" 2>"$WORK/err"
expect_eq "$?" 2 "unknown key"
"$KUNREN" checklist show no-such-checklist 2>"$WORK/err2"
expect_eq "$?" 2 "unknown checklist"
set -e
check; grep -qE "typo.yaml:14:5 .*unknown key 'sektion'" "$WORK/err" || fail "unknown key not located: $(cat "$WORK/err")"
finish
