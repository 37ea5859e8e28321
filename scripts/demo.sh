#!/usr/bin/env bash
# The main job on built-in data: a realistic sample campaign of 40
# organisations across six industries, analysed into the cross-sectional
# report (HTML, plus JSON and CSV beside it).
set -euo pipefail
kunren=${1:-build/kunren}
out=${KUNREN_DEMO_DIR:-out/demo}
mkdir -p "$out"

"$kunren" sample --orgs 40 --seed 2026 -o "$out/responses.csv" --orgs-file "$out/orgs.csv"
for format in html json csv xlsx; do
  "$kunren" analyze --checklist factory-ir --responses "$out/responses.csv" --orgs "$out/orgs.csv" \
    --tlp AMBER --format "$format" -o "$out/report.$format" 2>/dev/null
done
# Breakdowns a coordinator asks for, subject to k = 3: by industry and size band, and one cross-tab.
"$kunren" analyze --responses "$out/responses.csv" --orgs "$out/orgs.csv" --tlp AMBER --by industry,size \
  -o "$out/segments.html" 2>/dev/null
"$kunren" analyze --responses "$out/responses.csv" --orgs "$out/orgs.csv" --tlp AMBER \
  --crosstab IMP-P0-04,IMP-P6-01 -o "$out/crosstab.html" 2>/dev/null

# The same campaign kept in the embedded database: organisations registered,
# answers imported as submitted revisions, the report computed from the store.
db="sqlite:$out/kunren.db"
rm -f "$out/kunren.db" "$out/kunren.db-wal" "$out/kunren.db-shm"
"$kunren" init --db "$db" >/dev/null
"$kunren" org import "$out/orgs.csv" --db "$db" >/dev/null
"$kunren" campaign create demo-2026 --title "工場インシデント対応演習 2026（デモ）" --db "$db" >/dev/null
"$kunren" campaign open demo-2026 --db "$db" >/dev/null
"$kunren" import --campaign demo-2026 --responses "$out/responses.csv" --db "$db" >/dev/null
"$kunren" analyze --campaign demo-2026 --db "$db" -o "$out/campaign.html" 2>/dev/null

report=$(cd "$out" && pwd)/report.html
echo
echo "Kunren demo: 40 organisations × 75 items (checklist factory-ir)"
echo "  responses   $out/responses.csv   (long CSV; organisations in $out/orgs.csv)"
echo "  report      $report"
echo "  data        $out/report.json  $out/report.csv  $out/report.xlsx (Excel, a pie chart per item)"
echo "  breakdowns  $out/segments.html (by industry and size band)  $out/crosstab.html"
echo "  database    $out/kunren.db   (campaign demo-2026, 40 submitted revisions; report from the store: $out/campaign.html)"
echo "              try: $kunren campaign show demo-2026 --db sqlite:$out/kunren.db"
echo
echo "Open the report in a browser:  xdg-open $report"

# Finally the web application on a fresh demo database: demo users for every
# role (password kunren-demo), this year's open campaign and last year's
# published one. KUNREN_DEMO_SERVE=0 skips it (scripted runs).
if [[ "${KUNREN_DEMO_SERVE:-1}" != 0 ]]; then
  web="$out/web.db"
  rm -f "$web" "$web-wal" "$web-shm"
  echo
  echo "Starting the web application (Ctrl-C to stop) ..."
  exec "$kunren" serve --demo --db "sqlite:$web" --listen "${KUNREN_DEMO_LISTEN:-127.0.0.1:8080}" 2>>"$out/access.log"
fi
