# Shared helpers for the command-line tests (sourced, not run).
# Each test is called as: bash test.sh /path/to/kunren /path/to/tests
set -euo pipefail
KUNREN=$1
TESTS=$2
DATA=$TESTS/data/cli
WORK=$(mktemp -d)
export SOURCE_DATE_EPOCH=1798761600  # 2027-01-01 00:00 UTC: reports carry this date, so goldens are stable
trap 'rm -rf "$WORK"' EXIT
failures=0
checks=0

fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
check() { checks=$((checks + 1)); }
# expect_contains FILE TEXT
expect_contains() { check; grep -qF -- "$2" "$1" || fail "$1 does not contain: $2"; }
expect_not_contains() { check; ! grep -qF -- "$2" "$1" || fail "$1 contains: $2"; }
expect_eq() { check; [[ "$1" == "$2" ]] || fail "expected '$2', got '$1' ($3)"; }
finish() {
  if [[ $failures -gt 0 ]]; then
    echo "$failures of $checks checks failed" >&2
    exit 1
  fi
  echo "$checks passed, 0 failed"
}
