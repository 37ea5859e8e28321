# Signed offline submission packages end to end: a plant's own database
# exports its latest submitted evaluation, signed; the coordinator's database
# imports it. Every refusal leaves the coordinator's database exactly as it
# was (compared through `campaign revisions` and `package list` before and
# after), and each accepted import is shown to change it.
source "$(dirname "$0")/lib.bash"

PLANT="sqlite:$WORK/plant.db"
HQ="sqlite:$WORK/hq.db"
p() { "$KUNREN" "$@" --db "$PLANT"; }
h() { "$KUNREN" "$@" --db "$HQ"; }
cd "$WORK"

answers() {  # answers FILE M-01 M-02 M-03 [COMMENT]
  printf 'org,item,choice,comment\nplant-a,M-01,%s,%s\nplant-a,M-02,%s,\nplant-a,M-03,%s,\n' "$2" "${5:-}" "$3" "$4" >"$1"
}
# The coordinator's state of campaign c1: its revisions and packages.
hq_state() { h campaign revisions c1 --org plant-a --format json; h package list --campaign c1 --format json; }
revisions() { h campaign revisions c1 --org plant-a --format json | grep -c '"no"' || true; }
packages() { h package list --campaign c1 --format json | grep -c '"sha256"' || true; }

for db in "$PLANT" "$HQ"; do
  "$KUNREN" init --db "$db" >/dev/null
  "$KUNREN" org add plant-a --name "鹿島工場" --db "$db" >/dev/null
  "$KUNREN" campaign create c1 --checklist "$DATA/mini-checklist.yaml" --db "$db" >/dev/null
  "$KUNREN" campaign open c1 --db "$db" >/dev/null
done
# A campaign only the plant has (same checklist).
p campaign create c2 --checklist "$DATA/mini-checklist.yaml" >/dev/null
p campaign open c2 >/dev/null

# --- keygen ----------------------------------------------------------------------------
"$KUNREN" package keygen --org plant-a -o plant-a.key >"$WORK/out"
expect_contains "$WORK/out" "key id:"
expect_contains "$WORK/out" "public key: $(cat plant-a.pub)"
KEY_ID=$(sed -n 's/^key id: *//p' "$WORK/out")
expect_eq "${#KEY_ID}" "16" "key id length"
expect_eq "$(stat -c %a plant-a.key)" "600" "secret key file mode"
expect_not_contains "$WORK/out" "$(python3 -c 'import json;print(json.load(open("plant-a.key"))["secret_key"][:20])')"
cp plant-a.key key-before
expect_exit 4 "$WORK/out" -- "$KUNREN" package keygen --org plant-a -o plant-a.key
expect_contains "$WORK/out" "plant-a.pub exists"
mv plant-a.pub kept.pub  # the secret key file alone is not overwritten either
expect_exit 4 "$WORK/out" -- "$KUNREN" package keygen --org plant-a -o plant-a.key
expect_contains "$WORK/out" "plant-a.key exists; a key file is never overwritten"
check; [[ ! -e plant-a.pub ]] || fail "a refused keygen left a public key behind"
mv kept.pub plant-a.pub
check; cmp -s plant-a.key key-before || fail "keygen overwrote an existing key file"

# --- registering the key at the coordinator --------------------------------------------
h org key add --org plant-a --file plant-a.pub >"$WORK/out"
expect_contains "$WORK/out" "key $KEY_ID registered for organisation plant-a"
h org key list --org plant-a >"$WORK/out"
expect_contains "$WORK/out" "$KEY_ID"
expect_contains "$WORK/out" "in force"
expect_exit 4 "$WORK/out" -- h org key add --org plant-a --public-key "$(cat plant-a.pub)"
expect_exit 2 "$WORK/out" -- h org key add --org plant-a --public-key "bm90IGEga2V5"
expect_contains "$WORK/out" "32 bytes"
expect_exit 2 "$WORK/out" -- h org key add --org nobody --file plant-a.pub

# --- export and inspect -------------------------------------------------------------------
expect_exit 4 "$WORK/out" -- p package export --campaign c1 --org plant-a -o early.kunren
expect_contains "$WORK/out" "no submitted evaluation"
answers "$WORK/v1.csv" 1 2 1 "停止判断の権限者が明確"
p import --campaign c1 --responses "$WORK/v1.csv" >/dev/null
p package export --campaign c1 --org plant-a -o p1.kunren >"$WORK/out"
expect_contains "$WORK/out" "p1.kunren: revision 1 of plant-a in campaign c1, signed with key $KEY_ID"
expect_eq "$(stat -c %a p1.kunren)" "600" "package file mode"
"$KUNREN" package inspect p1.kunren --public-key-file plant-a.pub >"$WORK/out"
expect_contains "$WORK/out" "campaign:   c1"
expect_contains "$WORK/out" "evaluation.json"
expect_contains "$WORK/out" "evaluation: 3 answers"
expect_contains "$WORK/out" "signature:  ok (ed25519, key $KEY_ID)"

# --- import: first, duplicate, unchanged, replay ---------------------------------------------
h package import p1.kunren >"$WORK/out"
expect_contains "$WORK/out" "submitted revision 1 created"
expect_eq "$(revisions)" "1" "revisions after the first import"
h campaign revisions c1 --org plant-a --format json >"$WORK/revs.json"
expect_contains "$WORK/revs.json" "停止判断の権限者が明確"
hq_state >"$WORK/state-1"
h package import p1.kunren >"$WORK/out"
expect_contains "$WORK/out" "p1.kunren: already imported on"
expect_contains "$WORK/out" "nothing written"
hq_state >"$WORK/state-2"
check; cmp -s "$WORK/state-1" "$WORK/state-2" || fail "a duplicate import changed the database"

p package export --campaign c1 --org plant-a -o p1-older.kunren >/dev/null
p package export --campaign c1 --org plant-a -o p1-newer.kunren >/dev/null
h package import p1-newer.kunren >"$WORK/out"
expect_contains "$WORK/out" "answers unchanged since the latest revision: no new revision"
expect_eq "$(revisions)" "1" "revisions after an unchanged resubmission"
expect_eq "$(packages)" "2" "packages after an unchanged resubmission"
hq_state >"$WORK/state-3"
expect_exit 4 "$WORK/out" -- h package import p1-older.kunren
expect_contains "$WORK/out" "p1-older.kunren"
expect_contains "$WORK/out" "replayed"
hq_state >"$WORK/state-4"
check; cmp -s "$WORK/state-3" "$WORK/state-4" || fail "a replayed package changed the database"

# --- a changed resubmission -------------------------------------------------------------------
answers "$WORK/v2.csv" 1 1 1 "権限者を明記し訓練で確認"
p import --campaign c1 --responses "$WORK/v2.csv" >/dev/null
p package export --campaign c1 --org plant-a -o p2.kunren --with-drills >/dev/null
"$KUNREN" package inspect p2.kunren >"$WORK/out"
expect_contains "$WORK/out" "drills.json"
expect_contains "$WORK/out" "signature:  not checked"
h package import p2.kunren >"$WORK/out"
expect_contains "$WORK/out" "submitted revision 2 created"
expect_contains "$WORK/out" "0 drills"
expect_eq "$(revisions)" "2" "revisions after a changed resubmission"
h campaign revisions c1 --org plant-a --format json >"$WORK/revs.json"
expect_contains "$WORK/revs.json" "権限者を明記し訓練で確認"

# --- refusals that leave the database as it was ------------------------------------------------
answers "$WORK/v3.csv" 2 2 2
p import --campaign c1 --responses "$WORK/v3.csv" >/dev/null
hq_state >"$WORK/before"

# A package of a campaign the coordinator does not have, and one for another campaign than asked.
p import --campaign c2 --responses "$WORK/v3.csv" >/dev/null
p package export --campaign c2 --org plant-a -o c2.kunren >/dev/null
expect_exit 2 "$WORK/out" -- h package import c2.kunren
expect_contains "$WORK/out" "c2.kunren (manifest.campaign): campaign 'c2' does not exist"
p package export --campaign c1 --org plant-a -o p3.kunren >/dev/null
expect_exit 2 "$WORK/out" -- h package import p3.kunren --campaign c9
expect_contains "$WORK/out" "p3.kunren (manifest.campaign): the package is for campaign 'c1', not 'c9'"

# One byte changed: in the evaluation, in the manifest, in the signature.
tamper() {  # tamper IN OUT WHAT
  python3 - "$1" "$2" "$3" <<'PY'
import base64, json, sys
src, dst, what = sys.argv[1:]
raw = open(src, 'rb').read()
doc = json.loads(raw)
if what == 'evaluation':
    text = base64.b64decode(doc['files']['evaluation.json'])
    i = text.index(b'"choice":2')
    text = text[:i] + b'"choice":1' + text[i + 10:]
    needle = doc['files']['evaluation.json'].encode()
    raw = raw.replace(needle, base64.b64encode(text))
elif what == 'manifest':
    raw = raw.replace(b'"no": 3', b'"no": 4', 1)
elif what == 'signature':
    v = doc['signature']['value'].encode()
    b = bytearray(base64.b64decode(v)); b[5] ^= 1
    raw = raw.replace(v, base64.b64encode(bytes(b)))
open(dst, 'wb').write(raw)
PY
}
tamper p3.kunren bad-evaluation.kunren evaluation
expect_exit 2 "$WORK/out" -- h package import bad-evaluation.kunren
expect_contains "$WORK/out" "bad-evaluation.kunren (manifest.files[0].sha256)"
tamper p3.kunren bad-manifest.kunren manifest
check; cmp -s p3.kunren bad-manifest.kunren && fail "the manifest tamper changed nothing"
expect_exit 2 "$WORK/out" -- h package import bad-manifest.kunren
expect_contains "$WORK/out" "bad-manifest.kunren (signature.value): the signature does not verify"
tamper p3.kunren bad-signature.kunren signature
expect_exit 2 "$WORK/out" -- h package import bad-signature.kunren
expect_contains "$WORK/out" "(signature.value)"
head -c 500 p3.kunren >truncated.kunren
expect_exit 2 "$WORK/out" -- h package import truncated.kunren
expect_contains "$WORK/out" "truncated.kunren"
expect_contains "$WORK/out" "not valid JSON"

# A key the coordinator never registered, and a registered key revoked.
"$KUNREN" package keygen --org plant-a -o second.key >/dev/null
p package export --campaign c1 --org plant-a -o unregistered.kunren --key second.key >/dev/null
expect_exit 2 "$WORK/out" -- h package import unregistered.kunren
expect_contains "$WORK/out" "(signature.key_id)"
expect_contains "$WORK/out" "not registered for organisation plant-a"
SECOND_ID=$(python3 -c 'import json;print(json.load(open("second.key"))["key_id"])')
h org key add --org plant-a --file second.pub >/dev/null
h org key revoke --org plant-a --key-id "$SECOND_ID" >"$WORK/out"
expect_contains "$WORK/out" "revoked"
expect_exit 2 "$WORK/out" -- h package import unregistered.kunren
expect_contains "$WORK/out" "was revoked on"
# Another organisation's key cannot sign for plant-a.
expect_exit 2 "$WORK/out" -- p package export --campaign c1 --org other -o x.kunren --key plant-a.key
expect_contains "$WORK/out" "belongs to organisation 'plant-a'"

hq_state >"$WORK/after"
check; cmp -s "$WORK/before" "$WORK/after" || fail "a refused package changed the database: $(diff "$WORK/before" "$WORK/after" | head -5)"

# The untampered package still imports: the refusals were the tampering's.
h package import p3.kunren >"$WORK/out"
expect_contains "$WORK/out" "submitted revision 3 created"

# A closed campaign takes no package (exit 4), and nothing is written.
p package export --campaign c1 --org plant-a -o late.kunren >/dev/null
h campaign close c1 >/dev/null
hq_state >"$WORK/before"
expect_exit 4 "$WORK/out" -- h package import late.kunren
expect_contains "$WORK/out" "late.kunren"
hq_state >"$WORK/after"
check; cmp -s "$WORK/before" "$WORK/after" || fail "a package into a closed campaign changed the database"

h audit >"$WORK/out"
expect_contains "$WORK/out" "package.import"
expect_contains "$WORK/out" "org.key.revoke"
expect_not_contains "$WORK/out" "$(python3 -c 'import json;print(json.load(open("plant-a.key"))["secret_key"][:20])')"

finish
