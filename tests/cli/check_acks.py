"""Checks a drill's stored log against the acknowledgements of
kunren_drill_load --posts-only (used by crash_drill.sh and pg_restart.sh).

usage: check_acks.py ACKS LOG.jsonl
ACKS: one line "SEQ POSTER N" per post answered 200; LOG: `kunren exercise log`.
Every acknowledged post must be stored exactly once, at its seq, with its own
text (tag "POSTER-N"); no post may be stored twice; seqs run 1..N. Prints one
line; exit 1 with the problems if any.
"""
import json
import re
import sys

acks = [tuple(map(int, line.split())) for line in open(sys.argv[1]) if line.strip()]
events = [json.loads(line) for line in open(sys.argv[2], encoding="utf-8") if line.strip()]
problems = []
seqs = [e["seq"] for e in events]
if seqs != list(range(1, len(seqs) + 1)):
    problems.append("the seqs are not 1..N without a gap or a repeat")
# The posts' texts (bench/drill_load.cpp action_body): "負荷試験 P-N: …" (report) or "負荷試験メモ P-N …" (note).
tag_re = re.compile(r"負荷試験(?:メモ)? (\d+)-(\d+)")
tags = {}
for e in events:
    if e["kind"] in ("report", "note"):
        p = e["payload"]
        m = tag_re.search(p.get("what", "") if e["kind"] == "report" else p.get("text", ""))
        if m:
            tags.setdefault((int(m.group(1)), int(m.group(2))), []).append(e["seq"])
stored = set(seqs)
dups = {t: s for t, s in tags.items() if len(s) > 1}
if dups:
    problems.append(f"{len(dups)} posts stored more than once, e.g. {sorted(dups.items())[:3]}")
if len({seq for seq, _, _ in acks}) != len(acks):
    problems.append("one seq was acknowledged for two posts")
missing = [a for a in acks if a[0] not in stored]
if missing:
    problems.append(f"{len(missing)} acknowledged posts are not in the log, e.g. {missing[:3]}")
wrong = [a for a in acks if a[0] in stored and tags.get((a[1], a[2]), [None])[0] != a[0]]
if wrong:
    problems.append(f"{len(wrong)} acknowledged seqs hold another event, e.g. {wrong[:3]}")
print(f"{len(acks)} acknowledged posts, each stored once at its seq; {len(events)} events in the log; "
      f"{len(tags) - len(acks)} posts stored without an acknowledgement (the answer was lost)")
if not acks:
    problems.append("nothing was acknowledged")
if problems:
    print("; ".join(problems))
    sys.exit(1)
