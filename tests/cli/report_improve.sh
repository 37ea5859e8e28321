# `kunren report aar | plan | cert-draft | trend` through the real binary on
# SQLite: a drill of the built-in scenario is run through `kunren serve`'s
# API by its facilitator (start, a report, DP1, a contact, evidence, end, a
# rating), then every report is written and checked; bad options and an
# unknown drill exit 2 and leave no output file behind.
source "$(dirname "$0")/lib.bash"
DB="sqlite:$WORK/kunren.db"
PASSWORD=report-test-password-1234
k() { "$KUNREN" "$@" --db "$DB"; }
for tool in curl jq; do
  command -v "$tool" >/dev/null || { echo "report_improve: $tool is missing (scripts/deps.sh installs it)" >&2; exit 1; }
done

"$KUNREN" report --help >"$WORK/out"
for command in aar plan cert-draft trend; do expect_contains "$WORK/out" "$command"; done

k init >/dev/null
k org add ORG1 --name "千鳥化成 浜ノ宮工場" >/dev/null
echo "$PASSWORD" | k user add fac --role facilitator --org ORG1 >/dev/null
k exercise create --scenario factory-ransomware --org ORG1 --title "11月 訓練 <A&B>" --id d1 >/dev/null

# A planned drill already has a (nearly empty) report.
k report aar --exercise d1 -o "$WORK/planned.html" 2>/dev/null
expect_contains "$WORK/planned.html" "</html>"

# --- the drill, through the API ---------------------------------------------------
serve_and_sign_in "$DB" fac "$PASSWORD"
post() {  # post PATH JSON → the HTTP code is checked to be 2xx
  local code
  code=$(curl -sS -o "$WORK/post.json" -w '%{http_code}' -H 'Content-Type: application/json' -H "Cookie: $COOKIE" \
    -H "X-CSRF-Token: $CSRF" --data "$2" "$BASE$1")
  check
  [[ $code == 2* ]] || fail "POST $1 $2 → HTTP $code $(cat "$WORK/post.json")"
}
act() { post /api/v1/exercises/d1/actions "{\"kind\":\"$1\",\"payload\":$2}"; }
post /api/v1/exercises/d1/control '{"action":"start","speed":10}'
act report '{"what":"HMI の画面が固まった","line":"L1","asset":"HMI-1"}'
act decision '{"decision_point":"DP1","option":"cyber","rationale":"脅迫文が出た","criteria":[{"text":"不審な表示","met":true}]}'
act contact '{"to":"national-cert","summary":"相談"}'
SHA=$(printf 'trend' | sha256sum | cut -d' ' -f1)
act evidence "{\"asset\":\"HMI-1\",\"type\":\"process-state\",\"file\":\"hmi1.csv\",\"sha256\":\"$SHA\",\"stored_at\":\"ロッカー\"}"
act evidence '{"asset":"SW-1","type":"config-image"}'
post /api/v1/exercises/d1/control '{"action":"end"}'
act observation '{"objective":"OBJ-1","rating":"S","text":"判別は早かったが連絡が遅れた"}'
stop_server
k exercise verify d1 >"$WORK/out"
expect_contains "$WORK/out" "chain verified"

# --- the after-action report --------------------------------------------------------
k report aar --exercise d1 -o "$WORK/aar.html" 2>"$WORK/err"
expect_contains "$WORK/err" "after-action report (html) → $WORK/aar.html"
expect_contains "$WORK/aar.html" '<html lang="ja">'
expect_contains "$WORK/aar.html" "11月 訓練 &lt;A&amp;B&gt;"
expect_contains "$WORK/aar.html" '<svg class="timeline-chart"'
expect_contains "$WORK/aar.html" "$SHA"
expect_contains "$WORK/aar.html" "千鳥化成 浜ノ宮工場"
expect_contains "$WORK/aar.html" "2027-01-01 00:00 UTC"  # SOURCE_DATE_EPOCH
expect_not_contains "$WORK/aar.html" "<script"
check; [[ $(stat -c %a "$WORK/aar.html") == 600 ]] || fail "the report should be readable by its owner only"
k report aar --exercise d1 --lang en -o "$WORK/aar.json" 2>/dev/null
expect_eq "$(jq -r .schema "$WORK/aar.json")" "kunren.aar/1" "schema"
expect_eq "$(jq -r .lang "$WORK/aar.json")" "en" "lang"
expect_eq "$(jq '.metrics | length' "$WORK/aar.json")" "7" "metrics"
expect_eq "$(jq -r '.metrics[] | select(.id=="cert_contact") | .verdict' "$WORK/aar.json")" "met" "CERT contacted in time"
expect_eq "$(jq '.evidence | length' "$WORK/aar.json")" "2" "evidence records"
expect_eq "$(jq -r '.analysis[] | select(.objective=="OBJ-1") | .rating' "$WORK/aar.json")" "S" "OBJ-1 rated"
k report aar --exercise d1 --format json >"$WORK/stdout.json" 2>/dev/null
expect_eq "$(jq -r .lang "$WORK/stdout.json")" "ja" "to standard output, Japanese by default"

# --- the plan (no plan recorded yet: the header only) -------------------------------
k report plan --org ORG1 -o "$WORK/plan.csv" 2>"$WORK/err"
expect_contains "$WORK/err" "no improvement plan yet"
check; [[ $(head -c 3 "$WORK/plan.csv" | od -An -tx1 | tr -d ' ') == efbbbf ]] || fail "plan CSV without BOM"
expect_contains "$WORK/plan.csv" $'番号,課題,改善策'
k report plan --org ORG1 --lang en >"$WORK/plan-en.csv" 2>/dev/null
expect_contains "$WORK/plan-en.csv" $'id,issue,action,element'
expect_contains "$WORK/plan-en.csv" $'notes\r'

# --- the CERT draft (no PoC sheet: the reporter's fields are unknown) ---------------
k report cert-draft --exercise d1 -o "$WORK/cert.txt" 2>"$WORK/err"
expect_contains "$WORK/err" "no PoC sheet"
expect_contains "$WORK/cert.txt" "制御システムセキュリティインシデント報告（下書き）"
expect_contains "$WORK/cert.txt" "氏名: （不明）"
expect_contains "$WORK/cert.txt" "SHA-256: $SHA"
expect_contains "$WORK/cert.txt" "（ファイル名なし）"
expect_contains "$WORK/cert.txt" "送付の前に"
k report cert-draft --exercise d1 --purpose question --lang en >"$WORK/cert-en.txt" 2>/dev/null
expect_contains "$WORK/cert-en.txt" "Purpose: Question or consultation (question)"
expect_contains "$WORK/cert-en.txt" "Name: (unknown)"
# A form file of one's own, and a broken one named with its position.
printf 'id: mini\nversion: "1"\ntitle: Mini\ngroups:\n  - id: g\n    title: G\n    fields:\n      - id: f\n        label: Files\n        source: evidence.attachments\n        multiline: true\n' >"$WORK/form.yaml"
k report cert-draft --exercise d1 --form "$WORK/form.yaml" >"$WORK/mini.txt" 2>/dev/null
expect_contains "$WORK/mini.txt" "hmi1.csv"
printf 'id: mini\nversion: "1"\ntitle: Mini\ngroups:\n  - id: g\n    title: G\n    fields:\n      - id: f\n        label: X\n        source: drill.weather\n' >"$WORK/bad-form.yaml"
expect_exit 2 "$WORK/out" -- k report cert-draft --exercise d1 --form "$WORK/bad-form.yaml" -o "$WORK/none.txt"
expect_contains "$WORK/out" "bad-form.yaml:10:17"
expect_contains "$WORK/out" "unknown source 'drill.weather'"
expect_exit 2 "$WORK/out" -- k report cert-draft --exercise d1 --purpose gossip -o "$WORK/none.txt"
expect_contains "$WORK/out" "unknown purpose 'gossip'"
check; [[ ! -e "$WORK/none.txt" ]] || fail "a failed draft left a file"

# --- the trend --------------------------------------------------------------------------
k report trend --org ORG1 --format json -o "$WORK/trend.json" 2>/dev/null
expect_eq "$(jq -r .schema "$WORK/trend.json")" "kunren.trend/1" "trend schema"
expect_eq "$(jq '.drills | length' "$WORK/trend.json")" "1" "one drill run"
expect_eq "$(jq -r '.drills[0].ratings["OBJ-1"]' "$WORK/trend.json")" "S" "rating in the trend"
k report trend --org ORG1 -o "$WORK/trend.html" 2>/dev/null
expect_contains "$WORK/trend.html" '<table class="trend">'

# --- with a PoC sheet and a plan stored (kunren prepare import) --------------------------
cat >"$WORK/poc.json" <<'JSON'
{"reporter": {"name": "山田 太郎", "organisation": "千鳥化成", "department": "生産技術部", "email": "poc@example.jp", "phone": "03-0000-0000"},
 "industry": "化学", "plant": "浜ノ宮工場 ライン1",
 "systems": [{"type": "PLC", "vendor": "VendorA", "product": "PLC-X", "version": "3.2", "placement": "OT L1", "line": "L1"}],
 "components": [{"kind": "os", "name": "Windows 10 IoT", "version": "21H2"}],
 "timekeeping": "JST、NTP 同期", "withhold": ["reporter.phone"]}
JSON
cat >"$WORK/plan.json" <<'JSON'
{"items": [{"id": "IP-001", "issue": "連絡網が古い", "action": "四半期ごとに確認, 更新する", "element": "planning", "owner": "高橋", "due": "2026-06-30", "status": "open", "source_exercise": "d0"},
           {"id": "IP-002", "issue": "証拠保全の手順がない", "action": "手順書を作る", "element": "equipment", "due": "2027-03-31", "status": "in-progress", "source_exercise": "d1"}]}
JSON
k prepare import "$WORK/poc.json" --org ORG1 --kind poc-sheet >/dev/null
k prepare import "$WORK/plan.json" --org ORG1 --kind improvement-plan >/dev/null
k report cert-draft --exercise d1 >"$WORK/cert2.txt" 2>/dev/null
expect_contains "$WORK/cert2.txt" "氏名: 山田 太郎"
expect_contains "$WORK/cert2.txt" "電話番号: （非開示）"
expect_not_contains "$WORK/cert2.txt" "03-0000-0000"
expect_contains "$WORK/cert2.txt" "  PLC — VendorA PLC-X 3.2 / OT L1 / L1"
k report plan --org ORG1 --lang en -o "$WORK/plan2.csv" 2>/dev/null
expect_contains "$WORK/plan2.csv" $'IP-001,連絡網が古い,"四半期ごとに確認, 更新する",planning,,,,高橋,,2026-06-30,open,,yes,d0,,\r'
expect_contains "$WORK/plan2.csv" $'2027-03-31,in-progress,,,d1,,\r'
k report aar --exercise d1 --format json >"$WORK/aar2.json" 2>/dev/null
expect_eq "$(jq -c '[.plan.raised[].id, (.plan.carried[] | [.id, .overdue])]' "$WORK/aar2.json")" '["IP-002",["IP-001",true]]' "plan split"
expect_eq "$(jq -r .poc.name "$WORK/aar2.json")" "山田 太郎" "PoC in the report"
k report aar --exercise d1 -o "$WORK/aar2.html" 2>/dev/null
expect_contains "$WORK/aar2.html" '<tr class="overdue"><td class="nowrap">IP-001</td>'
expect_eq "$(k report trend --org ORG1 --format json 2>/dev/null | jq '.drills[0].open_plan_items')" "1" "open items raised by d1"

# --- mistakes: exit 2, nothing written ----------------------------------------------------
expect_exit 2 "$WORK/out" -- k report aar --exercise nope -o "$WORK/nope.html"
expect_contains "$WORK/out" "exercise 'nope' not found"
check; [[ ! -e "$WORK/nope.html" ]] || fail "a failed report left a file"
expect_exit 2 "$WORK/out" -- k report aar --exercise d1 --format pdf
expect_exit 2 "$WORK/out" -- k report aar --exercise d1 --lang fr
expect_exit 2 "$WORK/out" -- k report plan --org NOPE -o "$WORK/nope.csv"
check; [[ ! -e "$WORK/nope.csv" ]] || fail "a failed plan left a file"
expect_exit 2 "$WORK/out" -- k report trend --org NOPE
finish
