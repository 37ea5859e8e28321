#!/usr/bin/env bash
# Runs the libFuzzer harnesses built by `make fuzz` (tests/fuzz/), one after
# the other, and prints what each did.
#
#   scripts/fuzz.sh run   BUILD_DIR SECONDS [TARGET…]   fuzz each target for SECONDS
#   scripts/fuzz.sh merge BUILD_DIR [TARGET…]           fold new inputs back into tests/fuzz/corpus/
#
# `run` starts each fuzzer on tests/fuzz/corpus/<target>/ and
# tests/fuzz/regressions/<target>/ (read only) and BUILD_DIR/fuzz/corpus/<target>/,
# where the new interesting inputs it finds are written — never into the
# source tree. A crash, leak, UB report or timeout (-timeout=10 s per input)
# leaves its reproducer in BUILD_DIR/fuzz/artifacts/<target>/, named in the
# summary, and makes the script exit 1 (after the remaining targets ran).
# Extra libFuzzer flags: FUZZ_FLAGS="-max_len=4096 …".
#
# `merge` keeps only the inputs that add coverage (-merge=1) and copies them
# into tests/fuzz/corpus/<target>/, for a commit.
#
# To reproduce a finding: BUILD_DIR/tests/fuzz/fuzz_<target> <reproducer file>.
# Then copy the reproducer into tests/fuzz/regressions/<target>/: kunren_tests
# (FuzzCorpus.*) replays it from then on.
set -euo pipefail

mode=${1:?usage: fuzz.sh run|merge BUILD_DIR [SECONDS] [TARGET…]}
build=${2:?build directory}
shift 2
seconds=60
if [[ $mode == run ]]; then
  seconds=${1:?seconds}
  shift
fi
src=$(cd "$(dirname "$0")/.." && pwd)/tests/fuzz
bin=$build/tests/fuzz
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || mapfile -t targets <"$build/fuzz-targets.txt"

# libFuzzer's own leak check runs; ASan/UBSan reports abort the input.
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

if [[ $mode == merge ]]; then
  for t in "${targets[@]}"; do
    found=$build/fuzz/corpus/$t
    [[ -d $found ]] || { echo "$t: nothing to merge ($found does not exist)"; continue; }
    before=$(find "$src/corpus/$t" -type f | wc -l)
    "$bin/fuzz_$t" -merge=1 "$src/corpus/$t" "$found" >"$build/fuzz/$t.merge.log" 2>&1
    after=$(find "$src/corpus/$t" -type f | wc -l)
    echo "$t: corpus $before → $after files (tests/fuzz/corpus/$t)"
  done
  exit 0
fi

[[ $mode == run ]] || { echo "fuzz.sh: unknown mode '$mode'" >&2; exit 2; }
failed=0
summary=()
for t in "${targets[@]}"; do
  exe=$bin/fuzz_$t
  [[ -x $exe ]] || { echo "fuzz.sh: $exe is not built" >&2; exit 2; }
  work=$build/fuzz/corpus/$t
  artifacts=$build/fuzz/artifacts/$t
  log=$build/fuzz/$t.log
  mkdir -p "$work" "$artifacts" "$src/corpus/$t"
  dirs=("$work" "$src/corpus/$t")
  [[ -d $src/regressions/$t ]] && dirs+=("$src/regressions/$t")
  dict=()
  [[ -f $src/dict/$t.dict ]] && dict=(-dict="$src/dict/$t.dict")
  echo "fuzz: $t for ${seconds}s (log: $log)"
  set +e
  # shellcheck disable=SC2086  # FUZZ_FLAGS is a list of flags
  "$exe" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$artifacts/" "${dict[@]}" ${FUZZ_FLAGS:-} "${dirs[@]}" >"$log" 2>&1
  rc=$?
  set -e
  # "#123 INITED cov: 456 ft: 789 corp: 10/2345b …" and "#… DONE …" lines, and the final stats.
  inited=$(grep -m1 -E '^#[0-9]+[[:space:]]+INITED' "$log" || true)
  last=$(grep -E '^#[0-9]+[[:space:]]+(DONE|NEW|REDUCE|pulse|INITED)' "$log" | tail -1 || true)
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  corp0=$(sed -n 's/.* corp: \([0-9]*\)\/.*/\1/p' <<<"$inited")
  corp1=$(sed -n 's/.* corp: \([0-9]*\)\/.*/\1/p' <<<"$last")
  cov=$(sed -n 's/.* cov: \([0-9]*\) ft: \([0-9]*\).*/\1\/\2/p' <<<"$last")
  result=ok
  if [[ $rc -ne 0 ]]; then
    failed=1
    reproducer=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
    kind=$(grep -m1 -oE 'ERROR: (AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|libFuzzer): [a-zA-Z-]+|runtime error: .*|invariant violated: .*' "$log" || true)
    result="FAILED (exit $rc) ${kind:-see log}; reproducer: ${reproducer:-none written}"
  fi
  line=$(printf '%-13s %10s runs %8s exec/s  corpus %5s → %-5s cov/ft %-11s %s' \
    "$t" "${runs:-?}" "${speed:-?}" "${corp0:-?}" "${corp1:-?}" "${cov:-?}" "$result")
  echo "  $line"
  summary+=("$line")
done
echo
echo "fuzz summary (${seconds}s each; new inputs in $build/fuzz/corpus/, 'make fuzz-merge' to keep them):"
printf '  %s\n' "${summary[@]}"
exit $failed
