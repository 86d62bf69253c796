#!/usr/bin/env bash
# A skipped test is not a pass: lib.sh's skip exits 77 (ctest: skipped), a
# skipped part makes the whole script report skipped, and under CI=true
# either is a failure.
source "$TESTLIB"
probe=$scratch/probe.sh
export TMPDIR=$scratch # the probes' own scratch directories stay inside ours
cat >"$probe" <<'PROBE'
source "$TESTLIB"
case $1 in
  whole) need pmxsnap-no-such-tool-anywhere; echo "ran on" ;;
  part) skip_part "no bindfs here"; echo "rest ran" ;;
  none) echo "all ran" ;;
esac
PROBE
for mode in whole part; do
  (CI=false run 77 bash "$probe" "$mode") || fail "$mode skip outside CI is not exit 77"
  (CI=true run 1 bash "$probe" "$mode") || fail "$mode skip under CI=true does not fail"
done
CI=false run 77 bash "$probe" part
contains "$out" "rest ran"
CI=true run 0 bash "$probe" none
pass "skip and skip_part exit 77 outside CI and fail under CI=true; a test without skips passes"
