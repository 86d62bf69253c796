# scripts/demo's main job on the binaries under test (--no-build: nothing
# installed or compiled): it exits 0 only when every command ended as the
# demo says (exact exit codes, list showing the bad snapshot, diff
# latest-good live flagging TRUNCATED, the repair leaving corosync.conf
# identical to the last good snapshot), and names where everything is.
source "$TESTLIB"
need minisign age age-keygen zstd tar sqlite3
demo_script=$(cd "$(dirname "$TESTLIB")/../.." && pwd)/scripts/demo
run 0 env PMXSNAP_DEMO_DIR="$scratch/demo" bash "$demo_script" --no-build
grep -q '^TRUNCATED /etc/corosync/corosync.conf' <<<"$out" || fail "no TRUNCATED line in the demo: $out"
contains "$out" "identical: latest-good and live"
contains "$out" "repository:  $scratch/demo/repo"
case "$err" in *"demo: FAILED"*) fail "exit 0, yet: $err";; esac
[ -n "$(ls "$scratch/demo/root/etc/corosync/corosync.conf".pmxsnap-* 2>/dev/null)" ] ||
  fail "the cut corosync.conf was not kept aside: $(ls "$scratch/demo/root/etc/corosync")"
cmp -s "$scratch/demo/root/etc/corosync/corosync.conf" "$scratch/demo/corosync.conf.before" ||
  fail "the repaired corosync.conf is not the one from before the cut"
pass "scripts/demo --no-build: exit 0, TRUNCATED shown, corosync.conf repaired, the cut one kept aside"

run 2 bash "$demo_script" --bogus
contains "$err" "usage: scripts/demo [--no-build]"
pass "scripts/demo with an unknown option: exit 2, usage"
