# kunren analyze end to end: long, wide and JSON input agree; the JSON, CSV
# and HTML outputs match the golden files in tests/golden/ (set
# KUNREN_UPDATE_GOLDEN=1 to rewrite them after an intended change).
source "$(dirname "$0")/lib.bash"
ck=(--checklist "$DATA/mini-checklist.yaml")
golden() {  # golden NAME FILE
  if [[ -n "${KUNREN_UPDATE_GOLDEN:-}" ]]; then cp "$2" "$TESTS/golden/$1"; fi
  check; cmp -s "$2" "$TESTS/golden/$1" || { fail "$1 differs from the golden file:"; diff "$TESTS/golden/$1" "$2" | head -20 >&2; }
}

"$KUNREN" analyze "${ck[@]}" --responses "$DATA/long.csv" --orgs "$DATA/orgs.csv" -o "$WORK/long.json" 2>/dev/null
golden mini_analysis.json "$WORK/long.json"
expect_contains "$WORK/long.json" '"schema": "kunren.analysis/1"'
# The §3.3 examples: 4,3,1,0 → 50,37,13,0 and 1,4,2,0 of 7 (n=8) → 14,57,29,0.
check; [[ $(tr -d ' \n' < "$WORK/long.json" | grep -oE '"percent":[0-9]+' | head -7 | cut -d: -f2 | tr '\n' ,) == "50,37,13,0,14,57,29," ]] || fail "percents are not those of §3.3"
expect_contains "$WORK/long.json" '"unanswered": 1'
# Never an organisation name or id in the output: comments are quoted under pseudonyms.
for name in 東邦化成 北陸製鋼 播磨自動車部品; do expect_not_contains "$WORK/long.json" "$name"; done

# The wide form (item columns by text in either language, a comment column,
# extra columns ignored with a warning) gives the same analysis.
"$KUNREN" analyze "${ck[@]}" --responses "$DATA/wide.csv" --orgs "$DATA/orgs.csv" -o "$WORK/wide.json" 2>"$WORK/warn"
expect_contains "$WORK/warn" "ignored 2 column(s) that match no item: タイムスタンプ, メールアドレス"
check; cmp -s "$WORK/long.json" "$WORK/wide.json" || fail "wide and long give different results"
"$KUNREN" analyze "${ck[@]}" --responses "$DATA/responses.json" --orgs "$DATA/orgs.csv" -o "$WORK/json.json" 2>/dev/null
check; cmp -s "$WORK/long.json" "$WORK/json.json" || fail "JSON input and long CSV give different results"

# CSV: BOM for Japanese Excel, one row per item and choice.
"$KUNREN" analyze "${ck[@]}" --responses "$DATA/long.csv" --orgs "$DATA/orgs.csv" --format csv -o "$WORK/out.csv" 2>/dev/null
golden mini_analysis.csv "$WORK/out.csv"
check; [[ $(head -c 3 "$WORK/out.csv" | od -An -tx1 | tr -d ' ') == "efbbbf" ]] || fail "CSV has no UTF-8 BOM"
expect_eq "$(wc -l < "$WORK/out.csv")" 11 "CSV rows (header + 4 + 4 + 2)"

# HTML chosen from the file name; English variant.
"$KUNREN" analyze "${ck[@]}" --responses "$DATA/long.csv" --orgs "$DATA/orgs.csv" -o "$WORK/r.html" 2>/dev/null
golden mini_report.html "$WORK/r.html"
expect_contains "$WORK/r.html" "凡例：選択肢番号,選択肢,回答組織数,割合（％）"
expect_contains "$WORK/r.html" "n=8"
expect_contains "$WORK/r.html" "（無回答 1）"
expect_contains "$WORK/r.html" "2. 検討中, 4, 57%"
expect_not_contains "$WORK/r.html" "東邦化成"
check; ! grep -qiE '(src|href)="(https?:)?//' "$WORK/r.html" || fail "the HTML report loads something from outside"
"$KUNREN" analyze "${ck[@]}" --responses "$DATA/long.csv" --lang en --tlp AMBER -o "$WORK/en.html" 2>/dev/null
expect_contains "$WORK/en.html" "TLP:AMBER"
expect_contains "$WORK/en.html" "2027-01-01 00:00 UTC"
expect_contains "$WORK/en.html" "2. Under discussion, 4, 57%"

# JSON to standard output by default; thresholds are options and are printed.
"$KUNREN" analyze "${ck[@]}" --responses "$DATA/long.csv" --strength-at 0.9 --challenge-at 0.2 > "$WORK/stdout.json"
expect_contains "$WORK/stdout.json" '"strength_at": 0.9'
expect_contains "$WORK/stdout.json" '"challenge_at": 0.2'
finish
