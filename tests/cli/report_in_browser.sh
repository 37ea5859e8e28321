# The demo report in a real browser (headless Chromium): printed to PDF it is
# A4, about two items per page, with the Japanese legend and slice labels in
# its text; the Japanese font the report asks for first is the one installed.
# A screenshot is left in the build tree for people to look at:
# build/tests/report-screenshot.png (top of the page, 1200 px wide).
source "$(dirname "$0")/lib.bash"
ROOT=$(cd "$TESTS/.." && pwd)
"$KUNREN" sample --orgs 40 --seed 2026 -o "$WORK/r.csv" --orgs-file "$WORK/o.csv"
"$KUNREN" analyze --responses "$WORK/r.csv" --orgs "$WORK/o.csv" -o "$WORK/report.html" 2>/dev/null

"$ROOT/scripts/screenshot.sh" "$WORK/report.html" "$WORK/report.pdf" >/dev/null
pdfinfo "$WORK/report.pdf" > "$WORK/info"
expect_contains "$WORK/info" "(A4)"
pages=$(awk '/^Pages:/ {print $2}' "$WORK/info")
check; [[ $pages -ge 38 && $pages -le 90 ]] || fail "75 items should print on 38–90 A4 pages, got $pages"
fc-match "Noto Sans CJK JP" > "$WORK/font"
expect_contains "$WORK/font" "NotoSansCJK"
# The rendered text carries the legend, n and a slice label.
pdftotext -layout "$WORK/report.pdf" "$WORK/report.txt"
expect_contains "$WORK/report.txt" "凡例：選択肢番号,選択肢,回答組織数,割合（％）"
expect_contains "$WORK/report.txt" "n=40"
expect_contains "$WORK/report.txt" "シナリオ対象外"

"$ROOT/scripts/screenshot.sh" "$WORK/report.html" "$PWD/report-screenshot.png" 1200 2400 >/dev/null
check; [[ $(stat -c %s report-screenshot.png) -gt 100000 ]] || fail "the screenshot looks empty"
finish
