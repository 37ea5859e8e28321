#!/usr/bin/env bash
# The main job on built-in data: a realistic sample campaign of 40
# organisations across six industries, analysed into the cross-sectional
# report (HTML, plus JSON and CSV beside it).
set -euo pipefail
kunren=${1:-build/kunren}
out=${KUNREN_DEMO_DIR:-out/demo}
mkdir -p "$out"

"$kunren" sample --orgs 40 --seed 2026 -o "$out/responses.csv" --orgs-file "$out/orgs.csv"
for format in html json csv; do
  "$kunren" analyze --checklist factory-ir --responses "$out/responses.csv" --orgs "$out/orgs.csv" \
    --format "$format" -o "$out/report.$format" 2>/dev/null
done

report=$(cd "$out" && pwd)/report.html
echo
echo "Kunren demo: 40 organisations × 75 items (checklist factory-ir)"
echo "  responses   $out/responses.csv   (long CSV; organisations in $out/orgs.csv)"
echo "  report      $report"
echo "  data        $out/report.json  $out/report.csv"
echo
echo "Open the report in a browser:  xdg-open $report"
