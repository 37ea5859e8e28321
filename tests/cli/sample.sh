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
# No organisation name or id from the orgs file ever reaches a published output.
for format in json html csv; do
  "$KUNREN" analyze --responses "$WORK/a.csv" --orgs "$WORK/orgs.csv" --format "$format" -o "$WORK/r.$format" 2>/dev/null
done
tail -n +2 "$WORK/orgs.csv" | cut -d, -f1,2 | tr ',' '\n' | sed 's/ .*//' | sort -u > "$WORK/names"
leaks=0
while read -r name; do
  for format in json html csv; do grep -qF -- "$name" "$WORK/r.$format" && { echo "leak: $name in $format" >&2; leaks=$((leaks + 1)); }; done
done < "$WORK/names"
expect_eq "$leaks" 0 "organisation names or ids in the outputs"
finish
