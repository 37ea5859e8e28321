# `kunren prepare …` through the real binary on SQLite: a template for every
# kind that imports as it is, a filled-in contact tree (YAML, then the same
# tree edited as a CP932 CSV), show in YAML/JSON/CSV and by revision, list
# with stale contacts and overdue plan items as of --today, history, and the
# errors: a bad file exits 2 naming file:line:column and stores nothing,
# unknown kinds and organisations, a CSV for a kind that has none.
source "$(dirname "$0")/lib.bash"
DB="sqlite:$WORK/kunren.db"
P=$TESTS/data/prepare
k() { "$KUNREN" "$@" --db "$DB"; }
json_get() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2], {"d": d}))' "$@"; }

"$KUNREN" prepare --help >"$WORK/out"
for command in template import show list history; do expect_contains "$WORK/out" "$command"; done

# Templates need no database; Japanese by default, English on request.
"$KUNREN" prepare template --kind contact-tree >"$WORK/tree.yaml"
expect_contains "$WORK/tree.yaml" "工場長"
expect_contains "$WORK/tree.yaml" "JPCERT/CC"
"$KUNREN" prepare template --kind restart-checklist --lang en --format json >"$WORK/restart.json"
expect_eq "$(json_get "$WORK/restart.json" 'd["steps"][0]["stage"]')" "network-controls" "restart starts with network controls"
"$KUNREN" prepare template --kind contact-tree --format csv >"$WORK/tree.csv"
expect_eq "$(head -c 3 "$WORK/tree.csv" | od -An -tx1 | tr -d ' ')" "efbbbf" "CSV starts with a BOM"
expect_contains "$WORK/tree.csv" "識別子,氏名"
expect_exit 2 "$WORK/out" -- "$KUNREN" prepare template --kind criteria --format csv
expect_contains "$WORK/out" "only for the contact tree"
expect_exit 2 "$WORK/out" -- "$KUNREN" prepare template --kind phonebook
expect_contains "$WORK/out" "unknown kind 'phonebook'"

k init >/dev/null
k org add ORG1 --name "Plant" >/dev/null

# Nothing yet.
k prepare list --org ORG1 --today 2026-11-26 >"$WORK/out"
expect_contains "$WORK/out" "(none yet)"
expect_exit 2 "$WORK/out" -- k prepare show --org ORG1 --kind criteria
expect_contains "$WORK/out" "prepare template"

# Every template imports as it is (revision 1 of each kind).
for kind in contact-tree criteria evidence-plan restart-checklist poc-sheet improvement-plan; do
  "$KUNREN" prepare template --kind "$kind" >"$WORK/$kind.yaml"
  k prepare import --org ORG1 --kind "$kind" "$WORK/$kind.yaml" >"$WORK/out"
  expect_contains "$WORK/out" "stored as revision 1"
done
# The same content again is not a new revision.
k prepare import --org ORG1 --kind criteria "$WORK/criteria.yaml" >"$WORK/out"
expect_contains "$WORK/out" "unchanged"

# A bad file: exit 2 with file:line:column and the field; nothing stored.
expect_exit 2 "$WORK/out" -- k prepare import --org ORG1 --kind contact-tree "$P/bad-date.yaml"
expect_contains "$WORK/out" "bad-date.yaml:12:21"
expect_contains "$WORK/out" "entries[1].last_confirmed"
expect_exit 2 "$WORK/out" -- k prepare import --org ORG1 --kind contact-tree "$P/bad-typo.yaml"
expect_contains "$WORK/out" "bad-typo.yaml:6:5"
expect_contains "$WORK/out" "escalation"
expect_exit 2 "$WORK/out" -- k prepare import --org ORG1 --kind contact-tree "$P/bad-contact-tree.csv"
expect_contains "$WORK/out" "bad-contact-tree.csv:3:5"
k prepare history --org ORG1 --kind contact-tree >"$WORK/out"
expect_eq "$(grep -c 'cli:' "$WORK/out")" "1" "a rejected file adds no revision"

# The filled-in tree, then the same organisation's tree from Excel (CP932).
k prepare import --org ORG1 --kind contact-tree "$P/contact-tree.yaml" >"$WORK/out"
expect_contains "$WORK/out" "stored as revision 2"
iconv -f UTF-8 -t CP932 "$P/contact-tree-ja.csv" >"$WORK/excel.csv"
k prepare import --org ORG1 --kind contact-tree "$WORK/excel.csv" >"$WORK/out" 2>"$WORK/err"
expect_contains "$WORK/out" "stored as revision 3"
expect_contains "$WORK/err" "内線メモ"
k prepare show --org ORG1 --kind contact-tree --format json >"$WORK/show.json"
expect_eq "$(json_get "$WORK/show.json" 'd["entries"][0]["channels"][3]["value"]')" "soc@example.jp" "CSV channels"
expect_eq "$(json_get "$WORK/show.json" 'd["stale_after_days"]')" "180" "kept from the previous revision"
k prepare show --org ORG1 --kind contact-tree --no 2 >"$WORK/show.yaml"
expect_contains "$WORK/show.yaml" '"0312345678"'
expect_contains "$WORK/show.yaml" "工場長"
# What show prints imports again unchanged.
k prepare import --org ORG1 --kind contact-tree "$WORK/show.json" >"$WORK/out"
expect_contains "$WORK/out" "unchanged"
k prepare show --org ORG1 --kind contact-tree --format csv --lang en >"$WORK/show.csv"
expect_contains "$WORK/show.csv" "id,name,function"
expect_exit 2 "$WORK/out" -- k prepare show --org ORG1 --kind contact-tree --no 9
expect_exit 2 "$WORK/out" -- k prepare import --org ORG1 --kind criteria "$P/contact-tree-ja.csv"
expect_contains "$WORK/out" "only the contact tree"

# The plan: one item overdue on 2026-11-26 (due 2026-06-30, open), one done.
k prepare import --org ORG1 --kind improvement-plan "$P/improvement-plan.yaml" >"$WORK/out"
expect_contains "$WORK/out" "stored as revision 2"
k prepare list --org ORG1 --today 2026-11-26 --format json >"$WORK/list.json"
expect_eq "$(json_get "$WORK/list.json" '[x["no"] for x in d["documents"]]')" "[3, 1, 1, 1, 1, 2]" "latest revisions"
# jpcert was never confirmed; it was confirmed 2026-09-01, sirt 2026-10-01: one stale of three.
expect_eq "$(json_get "$WORK/list.json" 'd["documents"][0]["stale"]')" "1" "stale contacts"
expect_eq "$(json_get "$WORK/list.json" 'd["documents"][5]["overdue"]')" "1" "overdue items"
# Half a year later every confirmed entry is stale too.
k prepare list --org ORG1 --today 2027-06-01 --format json >"$WORK/list.json"
expect_eq "$(json_get "$WORK/list.json" 'd["documents"][0]["stale"]')" "3" "stale later"
k prepare list --org ORG1 --today 2026-11-26 >"$WORK/out"
expect_contains "$WORK/out" "3 entries, 1 stale"
expect_contains "$WORK/out" "2 items, 1 open, 1 overdue"
expect_exit 2 "$WORK/out" -- k prepare list --org ORG1 --today 2026-02-30

k prepare history --org ORG1 --kind contact-tree >"$WORK/out"
expect_eq "$(grep -c 'cli:' "$WORK/out")" "3" "three revisions of the tree"

# Unknown organisation and kind.
expect_exit 2 "$WORK/out" -- k prepare import --org NOPE --kind criteria "$P/criteria.json"
expect_exit 2 "$WORK/out" -- k prepare list --org NOPE
expect_exit 2 "$WORK/out" -- k prepare show --org ORG1 --kind phonebook
expect_contains "$WORK/out" "unknown kind"

finish
