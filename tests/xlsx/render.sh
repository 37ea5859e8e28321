#!/usr/bin/env bash
# Renders the XLSX report with LibreOffice headless, as a person would see it
# printed: CTest test xlsx.render (label xlsx).
#   tests/xlsx/render.sh KUNREN TESTS_DIR ARTIFACTS_DIR
# Converts a workbook made by `kunren analyze --format xlsx --tlp AMBER` to
# PDF and checks that the PDF's text has a section title and a choice label of
# the checklist in Japanese and "TLP:AMBER", and that a Japanese font (Noto
# Sans CJK, fonts-noto-cjk) is embedded, i.e. no tofu. Writes the pages as
# PNG (70 dpi) and the PDF to ARTIFACTS_DIR for a person to look at.
# Needs libreoffice-calc-nogui, poppler-utils and fonts-noto-cjk (scripts/deps.sh).
source "$(dirname "$0")/../cli/lib.bash"
ARTIFACTS=${3:?usage: render.sh KUNREN TESTS_DIR ARTIFACTS_DIR}

for tool in soffice pdftotext pdftoppm pdffonts; do
  command -v "$tool" >/dev/null || { echo "xlsx.render: $tool is missing (scripts/deps.sh installs it)" >&2; exit 1; }
done

"$KUNREN" sample --orgs 14 --seed 7 -o "$WORK/responses.csv"
"$KUNREN" analyze --responses "$WORK/responses.csv" --tlp AMBER -o "$WORK/report.xlsx" 2>/dev/null
check
[[ $(head -c 2 "$WORK/report.xlsx") == PK ]] || fail "-o report.xlsx did not write a workbook (format from the file name)"

# A profile of its own: never the user's, and no clash with a running office.
timeout 300 soffice --headless --norestore -env:UserInstallation="file://$WORK/lo-profile" \
  --convert-to pdf --outdir "$WORK" "$WORK/report.xlsx" >"$WORK/soffice.log" 2>&1 ||
  { cat "$WORK/soffice.log" >&2; fail "soffice could not convert the workbook"; finish; }
[[ -s $WORK/report.pdf ]] || { cat "$WORK/soffice.log" >&2; fail "soffice wrote no PDF"; finish; }

pdftotext "$WORK/report.pdf" "$WORK/report.txt"
# pdftotext may break a long cell between lines: compare without white space.
tr -d ' \n\f' <"$WORK/report.txt" >"$WORK/flat.txt"
expect_contains "$WORK/flat.txt" "TLP:AMBER"
expect_contains "$WORK/flat.txt" "体制・文書の整備（平時の備え）"   # a section title (sheet title)
expect_contains "$WORK/flat.txt" "セキュリティ事案にも機能する体制がある"  # a choice label (table and chart legend)
expect_contains "$WORK/flat.txt" "集計の規則"                       # the rules sheet
expect_contains "$WORK/flat.txt" "回答組織数"                       # the summary sheet
# Every page carries the marking in its printed header.
pages=$(pdfinfo "$WORK/report.pdf" | awk '/^Pages:/ {print $2}')
marked=$(awk 'BEGIN{RS="\f"} /TLP:AMBER/ {n++} END{print n+0}' "$WORK/report.txt")
expect_eq "$marked" "$pages" "pages carrying TLP:AMBER"
# Japanese glyphs come from an embedded CJK font, not from a fallback box.
pdffonts "$WORK/report.pdf" >"$WORK/fonts.txt"
expect_contains "$WORK/fonts.txt" "CJK"

mkdir -p "$ARTIFACTS"
rm -f "$ARTIFACTS"/page-*.png
cp "$WORK/report.pdf" "$WORK/report.xlsx" "$ARTIFACTS/"
pdftoppm -png -r 70 "$WORK/report.pdf" "$ARTIFACTS/page"
echo "xlsx.render: $pages pages in $ARTIFACTS (page-*.png, report.pdf, report.xlsx)"
finish
