# kunren sample: deterministic, and what it writes analyses cleanly.
source "$(dirname "$0")/lib.bash"
"$KUNREN" sample --orgs 40 --seed 7 -o "$WORK/a.csv" --orgs-file "$WORK/orgs.csv"
"$KUNREN" sample --orgs 40 --seed 7 > "$WORK/b.csv"
check; cmp -s "$WORK/a.csv" "$WORK/b.csv" || fail "same seed, different output"
expect_eq "$(wc -l < "$WORK/orgs.csv")" 41 "orgs CSV rows"
"$KUNREN" analyze --responses "$WORK/a.csv" --orgs "$WORK/orgs.csv" -o "$WORK/r.json" 2>/dev/null
expect_contains "$WORK/r.json" '"organizations": 40'
cut -d, -f3 "$WORK/orgs.csv" | sort -u | grep -v industry > "$WORK/industries"
expect_eq "$(wc -l < "$WORK/industries")" 6 "six industries"
finish
