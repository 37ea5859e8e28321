# `kunren analyze --by/--min-group/--crosstab` and `kunren report peer |
# campaigns | org-campaigns` through the real binary. The organisations are
# adversarial: an industry of one (医薬品), and 鉄鋼 (3) lying wholly inside
# the size band 5000人以上 (5), so that publishing both breakdowns would give
# the other two large organisations away by subtraction.
source "$(dirname "$0")/lib.bash"
CL=$TESTS/data/checklists
for tool in jq; do
  command -v "$tool" >/dev/null || { echo "analyses: $tool is missing (scripts/deps.sh installs it)" >&2; exit 1; }
done

cat >"$WORK/orgs.csv" <<'CSV'
org,name,industry,size
o01,北浜製鉄 第一工場,鉄鋼,5000人以上
o02,北浜製鉄 第二工場,鉄鋼,5000人以上
o03,南海鋼管,鉄鋼,5000人以上
o04,東邦化成,化学,5000人以上
o05,西日本化学,化学,5000人以上
o06,小町化工,化学,300人未満
o07,<b>化学</b>&Co,化学,300人未満
o08,瀬戸薬品,医薬品,300人未満
o09,山の幸食品,食品,300人未満
o10,海の幸食品,食品,300人未満
o11,里の幸食品,食品,300人未満
CSV
{
  echo "org,item,choice,comment"
  i=0
  for o in o01 o02 o03 o04 o05 o06 o07 o08 o09 o10 o11; do
    i=$((i + 1))
    echo "$o,IMP-P0-01,$(( (i % 3) + 1 )),"
    echo "$o,IMP-P0-02,$(( (i % 2) + 1 )),"
    echo "$o,OVR-O1-01,$(( ((i / 3) % 2) + 1 )),瀬戸薬品のコメント"
  done
} >"$WORK/answers.csv"
a=(analyze --checklist "$CL/small.yaml" --responses "$WORK/answers.csv" --orgs "$WORK/orgs.csv")

# --- by industry alone: the industry of one is merged, never shown ------------------
"$KUNREN" "${a[@]}" --by industry -o "$WORK/ind.json" 2>"$WORK/err"
expect_eq "$(jq -r .schema "$WORK/ind.json")" "kunren.segments/1" "schema"
expect_eq "$(jq -r '[.breakdowns[0].segments[].key] | join(",")' "$WORK/ind.json")" "鉄鋼,化学,other" "industry groups"
expect_eq "$(jq -r '.disclosure.suppressed[] | select(.group == "医薬品") | .reason' "$WORK/ind.json")" "below_k" "医薬品"
expect_eq "$(jq -r '.disclosure.suppressed[] | select(.group == "食品") | .reason' "$WORK/ind.json")" "complementary" "食品"
expect_eq "$(jq -r '.disclosure.min_group' "$WORK/ind.json")" "3" "default k for files"
expect_eq "$(jq '[.breakdowns[].segments[].analysis.items[].comments[]] | length' "$WORK/ind.json")" "0" "no quotes"
expect_not_contains "$WORK/ind.json" "瀬戸薬品"

# --- both breakdowns: the differencing attack is caught --------------------------------
"$KUNREN" "${a[@]}" --by industry,size -o "$WORK/both.json" 2>/dev/null
expect_eq "$(jq -r '.disclosure.suppressed[] | select(.group == "鉄鋼") | .reason' "$WORK/both.json")" "differencing" "鉄鋼"
expect_eq "$(jq -r '[.breakdowns[0].segments[].key] | join(",")' "$WORK/both.json")" "化学,other" "industry after differencing"
expect_eq "$(jq -r '[.breakdowns[1].segments[].key] | join(",")' "$WORK/both.json")" "5000人以上,300人未満" "sizes"
# The same with --by given twice.
"$KUNREN" "${a[@]}" --by industry --by size -o "$WORK/both2.json" 2>/dev/null
expect_eq "$(jq -c .breakdowns "$WORK/both2.json")" "$(jq -c .breakdowns "$WORK/both.json")" "--by twice"

# --min-group 1 publishes every group; 20 publishes nothing (exit 4, no file).
"$KUNREN" "${a[@]}" --by industry --min-group 1 -o "$WORK/k1.json" 2>/dev/null
expect_eq "$(jq '.breakdowns[0].segments | length' "$WORK/k1.json")" "4" "k=1"
expect_exit 4 "$WORK/out" -- "$KUNREN" "${a[@]}" --by industry --min-group 20 -o "$WORK/k20.json"
expect_contains "$WORK/out" "nothing is published"
check; [[ ! -e $WORK/k20.json ]] || fail "no output may be written below k"
expect_exit 2 "$WORK/out" -- "$KUNREN" "${a[@]}" --by region -o "$WORK/x.json"

# HTML: escaped, TLP on top, the statement of what was merged and why.
"$KUNREN" "${a[@]}" --by industry,size --tlp AMBER --title "業種別 <集計>" -o "$WORK/seg.html" 2>/dev/null
expect_contains "$WORK/seg.html" '<html lang="ja">'
expect_contains "$WORK/seg.html" "TLP:AMBER"
expect_contains "$WORK/seg.html" '<div class="tlp-running tlp-amber"'
expect_contains "$WORK/seg.html" "業種別 &lt;集計&gt;"
expect_contains "$WORK/seg.html" "「医薬品」は 3 組織未満のため「その他」に統合しました"
expect_contains "$WORK/seg.html" "「鉄鋼」は他の公表グループとの差から"
expect_not_contains "$WORK/seg.html" "<script"
"$KUNREN" "${a[@]}" --by industry --lang en -o "$WORK/seg-en.html" 2>/dev/null
expect_contains "$WORK/seg-en.html" '<html lang="en">'
expect_contains "$WORK/seg-en.html" "merged into “other”: fewer than 3 organisations"

# --- cross-tab -------------------------------------------------------------------------
"$KUNREN" "${a[@]}" --crosstab IMP-P0-01,IMP-P0-02 -o "$WORK/ct.json" 2>/dev/null
expect_eq "$(jq -r .schema "$WORK/ct.json")" "kunren.crosstab/1" "crosstab schema"
expect_eq "$(jq -r .answered_both "$WORK/ct.json")" "11" "answered both"
# No count of 1 or 2 is ever shown.
expect_eq "$(jq '[.rows[].cells[] | select(.count != null and .count > 0 and .count < 3)] | length' "$WORK/ct.json")" "0" "small cells"
# No shown row has exactly one suppressed cell.
expect_eq "$(jq '[.rows[] | select(.total != null) | [.cells[] | select(.suppressed != null)] | length | select(. == 1)] | length' "$WORK/ct.json")" "0" "complements"
"$KUNREN" "${a[@]}" --crosstab IMP-P0-01,IMP-P0-02 -o "$WORK/ct.csv" 2>/dev/null
check; [[ $(head -c3 "$WORK/ct.csv" | od -An -tx1 | tr -d ' ') == efbbbf ]] || fail "the CSV should start with a BOM"
"$KUNREN" "${a[@]}" --crosstab IMP-P0-01,IMP-P0-02 --tlp RED -o "$WORK/ct.html" 2>/dev/null
expect_contains "$WORK/ct.html" "TLP:RED"
expect_exit 2 "$WORK/out" -- "$KUNREN" "${a[@]}" --crosstab IMP-P0-01,NOPE-99 -o "$WORK/ct2.json"
expect_contains "$WORK/out" "NOPE-99"
check; [[ ! -e $WORK/ct2.json ]] || fail "no output on a bad item"
expect_exit 2 "$WORK/out" -- "$KUNREN" "${a[@]}" --crosstab IMP-P0-01 -o "$WORK/ct3.json"
expect_exit 4 "$WORK/out" -- "$KUNREN" "${a[@]}" --crosstab IMP-P0-01,IMP-P0-02 --min-group 12 -o "$WORK/ct4.json"
# A synthetic campaign (seed 2) where a shown row has a single cell below k:
# its complement is chosen in the same row, and no line gives a cell away.
"$KUNREN" sample --orgs 30 --seed 2 --checklist "$CL/small.yaml" --no-comments -o "$WORK/s2.csv"
"$KUNREN" analyze --checklist "$CL/small.yaml" --responses "$WORK/s2.csv" --crosstab IMP-P0-01,IMP-P0-02 \
  -o "$WORK/s2.json" 2>/dev/null
expect_eq "$(jq '[.rows[] | select(.total != null) | [.cells[].suppressed] | select(index("below_k") != null and index("complementary") != null)] | length >= 1' "$WORK/s2.json")" "true" "row with a complement"
expect_eq "$(jq '[.rows[].cells[] | select(.count != null and .count > 0 and .count < 3)] | length' "$WORK/s2.json")" "0" "small cells (sample)"
expect_eq "$(jq '[.rows[] | select(.total != null) | [.cells[] | select(.suppressed != null)] | length | select(. == 1)] | length' "$WORK/s2.json")" "0" "rows (sample)"
expect_eq "$(jq '[range(0; .columns | length) as $c | select(.columns[$c].total != null) | [.rows[].cells[$c] | select(.suppressed != null)] | length | select(. == 1)] | length' "$WORK/s2.json")" "0" "columns (sample)"

# --- campaigns in the store ----------------------------------------------------------------
DB="sqlite:$WORK/kunren.db"
k() { "$KUNREN" "$@" --db "$DB"; }
k init >/dev/null
k org import "$WORK/orgs.csv" >/dev/null
k campaign create y2025 --checklist "$CL/small.yaml" --title "2025年度" >/dev/null
k campaign open y2025 >/dev/null
k import --campaign y2025 --responses "$WORK/answers.csv" >/dev/null
# The 2026 campaign answers version 2 (IMP-P0-02 became IMP-P0-03).
{
  echo "org,item,choice,comment"
  for o in o01 o02 o03 o04 o05 o06; do echo "$o,IMP-P0-01,1,"; echo "$o,IMP-P0-03,1,"; done
  for o in o07 o08 o09; do echo "$o,IMP-P0-01,2,"; echo "$o,IMP-P0-03,3,"; done
} >"$WORK/answers2.csv"
k campaign create y2026 --checklist "$CL/small-v2.yaml" --title "2026年度" --min-group 4 >/dev/null
k campaign open y2026 >/dev/null
k import --campaign y2026 --responses "$WORK/answers2.csv" >/dev/null
k campaign create tiny --checklist "$CL/small.yaml" --min-group 5 >/dev/null
k campaign open tiny >/dev/null
head -7 "$WORK/answers.csv" >"$WORK/answers-tiny.csv"
k import --campaign tiny --responses "$WORK/answers-tiny.csv" >/dev/null

# analyze --campaign takes the campaign's k (4): 鉄鋼 (3 in 2026) is merged too.
k analyze --campaign y2026 --by industry -o "$WORK/c-ind.json" 2>/dev/null
expect_eq "$(jq -r '.disclosure.min_group' "$WORK/c-ind.json")" "4" "campaign k"
expect_eq "$(jq -r '[.breakdowns[0].segments[].key] | join(",")' "$WORK/c-ind.json")" "化学,other" "2026 industries"
expect_eq "$(jq -r '.disclosure.suppressed[] | select(.group == "鉄鋼") | .reason' "$WORK/c-ind.json")" "below_k" "鉄鋼 2026"

# Peer comparison.
k report peer --campaign y2025 --org o04 -o "$WORK/peer.json" 2>/dev/null
expect_eq "$(jq -r .schema "$WORK/peer.json")" "kunren.peer/1" "peer schema"
expect_eq "$(jq -r '.items[0].answer.no' "$WORK/peer.json")" "$(( (4 % 3) + 1 ))" "own answer"
expect_eq "$(jq -r '.items[0].pooled.answered' "$WORK/peer.json")" "11" "pooled"
expect_eq "$(jq -r '.sections[0].pooled.median != null' "$WORK/peer.json")" "true" "median"
k report peer --campaign y2025 --org o04 --tlp GREEN --lang en -o "$WORK/peer.html" 2>/dev/null
expect_contains "$WORK/peer.html" "TLP:GREEN"
expect_contains "$WORK/peer.html" "QUARTILE.INC"
expect_exit 4 "$WORK/out" -- k report peer --campaign tiny --org o01 -o "$WORK/p2.json"
expect_exit 2 "$WORK/out" -- k report peer --campaign y2025 --org nobody -o "$WORK/p3.json"

# Campaigns compared: v1 → v2 needs the mapping; the campaign below k is left out.
expect_exit 2 "$WORK/out" -- k report campaigns --campaign y2025 --campaign y2026 -o "$WORK/t0.json"
expect_contains "$WORK/out" "--mapping"
k report campaigns --campaign tiny --campaign y2025 --campaign y2026 --mapping "$TESTS/data/mappings/small-1-to-2.yaml" \
  -o "$WORK/trend.json" 2>/dev/null
expect_eq "$(jq -r .schema "$WORK/trend.json")" "kunren.campaign-trend/1" "trend schema"
expect_eq "$(jq -r '[.campaigns[].id] | join(",")' "$WORK/trend.json")" "y2025,y2026" "campaigns shown"
expect_eq "$(jq -r '.disclosure.suppressed[0].group' "$WORK/trend.json")" "tiny" "tiny left out"
expect_eq "$(jq -r '.items[] | select(.id == "IMP-P0-03") | .campaigns[1].good_percent' "$WORK/trend.json")" "67" "6 of 9"
# y2025: IMP-P0-02 "Yes" (1) for even i: 5 of 11 → 45%, mapped to IMP-P0-03's good choice.
expect_eq "$(jq -r '.items[] | select(.id == "IMP-P0-03") | .campaigns[0].good_percent' "$WORK/trend.json")" "45" "mapped v1"
expect_eq "$(jq -r '.items[] | select(.id == "IMP-P0-03") | .campaigns[1].change_points' "$WORK/trend.json")" "22" "change"
k report campaigns --campaign y2025 --campaign y2026 --mapping "$TESTS/data/mappings/small-1-to-2.yaml" \
  -o "$WORK/trend.html" 2>/dev/null
expect_contains "$WORK/trend.html" "2026年度"
# A bad mapping names its line.
sed 's/IMP-P0-03, choices/IMP-P0-33, choices/' "$TESTS/data/mappings/small-1-to-2.yaml" >"$WORK/bad-map.yaml"
expect_exit 2 "$WORK/out" -- k report campaigns --campaign y2025 --campaign y2026 --mapping "$WORK/bad-map.yaml" -o "$WORK/t1.json"
expect_contains "$WORK/out" "bad-map.yaml:7"
expect_contains "$WORK/out" "IMP-P0-33"

# One organisation's own answers across campaigns.
k report org-campaigns --org o07 -o "$WORK/own.json" 2>/dev/null
expect_eq "$(jq -r .schema "$WORK/own.json")" "kunren.org-campaigns/1" "own schema"
expect_eq "$(jq -r '[.campaigns[].id] | join(",")' "$WORK/own.json")" "y2025,y2026" "o07 campaigns"
expect_eq "$(jq -r '.items[] | select(.id == "IMP-P0-03") | .answers[1].no' "$WORK/own.json")" "3" "own v2 answer"
k report org-campaigns --org o07 -o "$WORK/own.html" 2>/dev/null
expect_contains "$WORK/own.html" "&lt;b&gt;化学&lt;/b&gt;&amp;Co"
expect_exit 2 "$WORK/out" -- k report org-campaigns --org nobody -o "$WORK/own2.json"
finish
