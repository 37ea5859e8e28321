# The same answers as UTF-8, UTF-8 with BOM, CP932 (as Japanese Excel saves
# it) and with CRLF, LF or mixed line ends all give the same analysis.
source "$(dirname "$0")/lib.bash"
ck=(--checklist "$DATA/mini-checklist.yaml" --orgs "$DATA/orgs.csv")
"$KUNREN" analyze "${ck[@]}" --responses "$DATA/wide.csv" -o "$WORK/ref.json" 2>/dev/null
printf '\xef\xbb\xbf' > "$WORK/bom.csv"; cat "$DATA/wide.csv" >> "$WORK/bom.csv"
iconv -f UTF-8 -t CP932 "$DATA/wide.csv" | sed 's/$/\r/' > "$WORK/sjis-crlf.csv"
awk 'NR % 2 { printf "%s\r\n", $0; next } { print }' "$DATA/wide.csv" > "$WORK/mixed.csv"
for f in bom sjis-crlf mixed; do
  "$KUNREN" analyze "${ck[@]}" --responses "$WORK/$f.csv" -o "$WORK/$f.json" 2>"$WORK/$f.err"
  check; cmp -s "$WORK/ref.json" "$WORK/$f.json" || fail "$f gives a different analysis"
done
expect_contains "$WORK/sjis-crlf.err" "(cp932)"
# The orgs file in CP932 too, and the encoding forced.
iconv -f UTF-8 -t CP932 "$DATA/orgs.csv" > "$WORK/orgs-sjis.csv"
"$KUNREN" analyze --checklist "$DATA/mini-checklist.yaml" --orgs "$WORK/orgs-sjis.csv" --encoding cp932 \
  --responses "$WORK/sjis-crlf.csv" -o "$WORK/forced.json" 2>/dev/null
check; cmp -s "$WORK/ref.json" "$WORK/forced.json" || fail "forced cp932 gives a different analysis"
finish
