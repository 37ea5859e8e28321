# The drill load harness (bench/drill.sh and kunren_drill_load) with tiny
# numbers, so that it cannot rot: 20 streams in three roles plus one console
# stream, 3 posters, 5 seconds at ×10. It must end with nothing lost,
# duplicated or unexpected, no HTTP error and a verified log (exit 0).
source "$(dirname "$0")/lib.bash"
LOAD=$(dirname "$KUNREN")/kunren_drill_load
check
if [[ ! -x $LOAD ]]; then
  fail "$LOAD is not built (bench/CMakeLists.txt builds it beside kunren)"
  finish
fi
code=0
CLIENTS=20 POSTERS=3 DURATION=5 DRAIN=5 CONSOLE=1 INJECT_MS=250 THINK_MS=200 ROLES="production it sirt" \
  DRILL_LOAD=$LOAD timeout 60 bash "$TESTS/../bench/drill.sh" "$KUNREN" >"$WORK/out" 2>&1 || code=$?
expect_eq "$code" 0 "bench/drill.sh exit status: $(tail -15 "$WORK/out")"
expect_contains "$WORK/out" "lost 0, duplicated 0, unexpected 0"
expect_contains "$WORK/out" "HTTP errors: 0"
expect_contains "$WORK/out" "kunren exercise verify: exit 0"
finish
