# `kunren exercise propose` through the real binary on SQLite: a short run of
# the built-in scenario driven through `kunren serve` (start, DP1 decided,
# DP7 raised, the vendor called, never the national CERT, end), then the
# proposals in text and JSON with their citations, the contradiction with a
# self-evaluation that claims CERT consultation, a rules file of our own, and
# the errors (unknown drill, bad rules file with line:column, bad options).
source "$(dirname "$0")/lib.bash"
DB="sqlite:$WORK/kunren.db"
PASSWORD=propose-test-password-1
k() { "$KUNREN" "$@" --db "$DB"; }
json_get() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2], {"d": d}))' "$@"; }

k init >/dev/null
k org add ORG1 --name "Plant" >/dev/null
printf '%s\n' "$PASSWORD" | k user add fac --role facilitator --org ORG1 >/dev/null
k campaign create c1 --checklist factory-ir >/dev/null
k exercise create --scenario factory-ransomware --org ORG1 --title "訓練" --id d1 --campaign c1 >/dev/null

# Before anything happened: nothing reached, no proposals, no contradictions.
k exercise propose d1 --lang en >"$WORK/out"
expect_contains "$WORK/out" "exercise d1: 0 items proposed"

# --- the drill, through the API ------------------------------------------------------------
serve_and_sign_in "$DB" fac "$PASSWORD"
# post PATH JSON: POST as the facilitator; fails the test unless 2xx.
post() {
  local code
  code=$(curl -sS -o "$WORK/post.json" -w '%{http_code}' -H 'Content-Type: application/json' -H "Cookie: $COOKIE" \
    -H "X-CSRF-Token: $CSRF" --data "$2" "$BASE/api/v1/exercises/d1/$1")
  check
  [[ $code == 2* ]] || fail "POST $1 $2 answered $code: $(cat "$WORK/post.json")"
}
post control '{"action": "start", "speed": 1}'
post actions '{"kind": "report", "payload": {"what": "HMI の表示が固まった"}}'
post injects '{"inject": "INJ-003"}'
post actions '{"kind": "decision", "payload": {"decision_point": "DP1", "option": "cyber", "rationale": "AV 検知と HMI 異常が同時"}}'
post injects '{"inject": "INJ-022"}'
post actions '{"kind": "contact", "payload": {"to": "vendor", "summary": "リモート保守経路の確認を依頼"}}'
post control '{"action": "end"}'
stop_server
exec 4<&-

# --- the proposals --------------------------------------------------------------------------
k exercise propose d1 --lang en >"$WORK/out"
expect_contains "$WORK/out" "IMP-P2-02  good 1"
expect_contains "$WORK/out" "[decision]"
expect_contains "$WORK/out" "IMP-P6-01  poor 3"
expect_contains "$WORK/out" "and the drill ended without a contact to the national CERT."
expect_contains "$WORK/out" "inject INJ-022"
expect_contains "$WORK/out" "IMP-P6-03  good 1"
expect_contains "$WORK/out" "has no submitted self-evaluation in campaign c1"
k exercise propose d1 >"$WORK/out-ja"
expect_contains "$WORK/out-ja" "ナショナルCERTへの連絡はなかった"

k exercise propose d1 --format json --lang en >"$WORK/p.json"
cert_seqs=$(json_get "$WORK/p.json" '[c["seq"] for p in d["proposals"] if p["item"] == "IMP-P6-01" for c in p["citations"]]')
k exercise log d1 --format jsonl >"$WORK/log.jsonl"
inj022=$(python3 -c 'import json,sys
for l in open(sys.argv[1]):
    e = json.loads(l)
    if e["kind"] == "inject" and e["payload"]["inject"] == "INJ-022": print(e["seq"])' "$WORK/log.jsonl")
end_seq=$(tail -1 "$WORK/log.jsonl" | python3 -c 'import json,sys; print(json.load(sys.stdin)["seq"])')
expect_eq "$cert_seqs" "[$inj022, $end_seq]" "IMP-P6-01 cites the inject that raised DP7 and the end"
expect_eq "$(json_get "$WORK/p.json" 'd["campaign"], d["revision"], d["contradictions"]')" "('c1', None, [])" "no self-evaluation yet"
expect_eq "$(json_get "$WORK/p.json" 'sorted({p["item"] for p in d["proposals"]}) == [p["item"] for p in d["proposals"]]')" \
  "True" "proposals in checklist order"

# --- a self-evaluation that claims more than the drill showed -------------------------------
k campaign open c1 >/dev/null
printf 'org,item,choice\nORG1,IMP-P6-01,1\nORG1,IMP-P6-03,1\nORG1,IMP-P2-02,2\n' >"$WORK/answers.csv"
k import --campaign c1 --responses "$WORK/answers.csv" >/dev/null
k exercise propose d1 --lang en >"$WORK/out"
expect_contains "$WORK/out" "contradictions with ORG1's self-evaluation in campaign c1 (revision 1): 1 found"
expect_contains "$WORK/out" "[major] IMP-P6-01: The self-evaluation says"
expect_not_contains "$WORK/out" "] IMP-P6-03:"
k exercise propose d1 --format json >"$WORK/p.json"
expect_eq "$(json_get "$WORK/p.json" '[(c["item"], c["severity"], c["claimed_choice"]) for c in d["contradictions"]]')" \
  "[('IMP-P6-01', 'major', 1)]" "one major contradiction"

# --- a rules file of our own, and its errors -------------------------------------------------
printf 'checklist: factory-ir\nrules:\n  - {item: IMP-P6-03, type: contact, target: vendor, decision_point: DP7, within: 0}\n' \
  >"$WORK/rules.yaml"
k exercise propose d1 --rules "$WORK/rules.yaml" --format json >"$WORK/p.json"
expect_eq "$(json_get "$WORK/p.json" '[p["rule"] for p in d["proposals"] if p["item"] in ("IMP-P6-03", "IMP-P6-01")]')" \
  "[None, 'contact']" "only the rules of the file apply"
printf 'checklist: factory-ir\nrules:\n  - {item: IMP-P6-03, type: contact, target: pigeon}\n' >"$WORK/bad-rules.yaml"
expect_exit 2 "$WORK/out" -- k exercise propose d1 --rules "$WORK/bad-rules.yaml"
expect_contains "$WORK/out" "bad-rules.yaml:3:46"
expect_contains "$WORK/out" "unknown contact target 'pigeon'"
printf 'checklist: factory-ir\nrules:\n  - {item: IMP-X, type: report}\n' >"$WORK/bad-item.yaml"
expect_exit 2 "$WORK/out" -- k exercise propose d1 --rules "$WORK/bad-item.yaml"
expect_contains "$WORK/out" "bad-item.yaml:3:12"
expect_contains "$WORK/out" "no item 'IMP-X'"

# --- errors ---------------------------------------------------------------------------------
expect_exit 2 "$WORK/out" -- k exercise propose no-such-drill
expect_contains "$WORK/out" "exercise 'no-such-drill' not found"
expect_exit 2 "$WORK/out" -- k exercise propose d1 --format xml
expect_exit 2 "$WORK/out" -- k exercise propose d1 --lang fr
expect_exit 2 "$WORK/out" -- k exercise propose d1 --campaign nosuch
expect_contains "$WORK/out" "nosuch"
expect_exit 2 "$WORK/out" -- k exercise propose d1 --rules "$WORK/missing.yaml"
"$KUNREN" exercise --help >"$WORK/out"
expect_contains "$WORK/out" "propose"

finish
