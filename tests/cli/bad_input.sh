# Every kind of bad input: exit code 2, one message naming file:line (and
# column name), and no output file written. Cases: tests/data/bad/NAME.csv
# with NAME.expect (line 1: the message fragment; line 2: extra arguments,
# where ORGS stands for the orgs file).
source "$(dirname "$0")/lib.bash"
for csv in "$TESTS"/data/bad/*.csv; do
  name=$(basename "$csv" .csv)
  expect=$(sed -n 1p "$TESTS/data/bad/$name.expect")
  extra=$(sed -n 2p "$TESTS/data/bad/$name.expect" | sed "s#ORGS#$DATA/orgs.csv#")
  for format in json html csv; do
    out="$WORK/$name.$format"
    set +e
    # shellcheck disable=SC2086
    "$KUNREN" analyze --checklist "$DATA/mini-checklist.yaml" --responses "$csv" $extra -o "$out" 2>"$WORK/err" >/dev/null
    rc=$?
    set -e
    expect_eq "$rc" 2 "$name ($format) exit code"
    expect_contains "$WORK/err" "$expect"
    check; [[ $(wc -l < "$WORK/err") -eq 1 ]] || fail "$name: expected exactly one error line, got: $(cat "$WORK/err")"
    check; [[ ! -e "$out" ]] || fail "$name: output file $out was written"
    check; [[ -z $(find "$WORK" -name '.*.tmp-*') ]] || fail "$name: a temporary file was left behind"
  done
done
# A bad file never replaces a good earlier report.
"$KUNREN" analyze --checklist "$DATA/mini-checklist.yaml" --responses "$DATA/long.csv" -o "$WORK/keep.json" 2>/dev/null
cp "$WORK/keep.json" "$WORK/keep.orig"
set +e
"$KUNREN" analyze --checklist "$DATA/mini-checklist.yaml" --responses "$TESTS/data/bad/unknown_item.csv" -o "$WORK/keep.json" 2>/dev/null
set -e
check; cmp -s "$WORK/keep.json" "$WORK/keep.orig" || fail "a failed run changed an existing report"
# Usage errors are bad input too.
set +e
"$KUNREN" analyze --responses 2>/dev/null; expect_eq "$?" 2 "missing option value"
"$KUNREN" analyze --responses "$DATA/long.csv" --strength-at 0.4 --challenge-at 0.5 2>/dev/null; expect_eq "$?" 2 "thresholds out of order"
"$KUNREN" analyze --responses "$WORK/does-not-exist.csv" 2>"$WORK/err"; expect_eq "$?" 2 "missing file"
set -e
expect_contains "$WORK/err" "does-not-exist.csv"
finish
