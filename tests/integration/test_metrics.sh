# snapshot --metrics: a Prometheus textfile-collector file, replaced whole on
# every run — success and failure alike, so an alert on
# pmxsnap_snapshot_last_run_success == 0 fires when snapshots stop working,
# and one on pmxsnap_snapshot_newest_good == 0 when the state they capture
# is broken (a truncated corosync.conf: archived as evidence, marked bad).
source "$TESTLIB"
make_node --preset typical
make_key
metrics=$scratch/textfile/pmxsnap.prom
mkdir -p "$scratch/textfile"
value() { awk -v name="$1" '$1 == name || index($1, name "{") == 1 { print $2 }' "$metrics"; }

run 0 snap --metrics "$metrics"
[ "$(value pmxsnap_snapshot_last_run_success)" = 1 ] || fail "success not 1: $(cat "$metrics")"
[ "$(value pmxsnap_snapshot_written)" = 1 ] || fail "written not 1: $(cat "$metrics")"
size=$(stat -c %s "$(archives | tail -1)")
[ "$(value pmxsnap_snapshot_newest_size_bytes)" = "$size" ] || fail "size: $(cat "$metrics")"
grep -q '^pmxsnap_snapshot_db_version{cluster="demo",node="pve1"} [0-9]' "$metrics" ||
  fail "db version with labels: $(cat "$metrics")"
[ "$(stat -c %a "$metrics")" = 644 ] || fail "metrics file mode $(stat -c %a "$metrics")"
# Every sample has its HELP and TYPE, in the exposition format's order.
awk '/^# HELP/{h=$3} /^# TYPE/{if ($3 != h || $4 != "gauge") exit 1; t=$3}
     /^[a-z]/{split($1, n, "{"); if (n[1] != t) exit 1}' "$metrics" || fail "not exposition format: $(cat "$metrics")"
[ "$(value pmxsnap_snapshot_newest_good)" = 1 ] || fail "a good state, newest_good not 1: $(cat "$metrics")"
pass "a successful run: success 1, written 1, newest_good 1, size and db version of the archive, 0644"

run 0 snap --if-changed --metrics "$metrics"
[ "$(value pmxsnap_snapshot_written)" = 0 ] || fail "unchanged run: $(cat "$metrics")"
[ "$(value pmxsnap_snapshot_newest_size_bytes)" = "$size" ] || fail "unchanged run lost the size"
pass "an unchanged --if-changed run: written 0, still the newest archive's facts"

# A truncated corosync.conf: the run works (success 1, an archive written)
# and exits 1, the state it captured is bad (newest_good 0); the next run
# on the repaired file says good again.
conf=$scratch/root/etc/corosync/corosync.conf
cp -p "$conf" "$scratch/corosync.conf.good"
head -c $(($(stat -c %s "$conf") / 2)) "$scratch/corosync.conf.good" >"$conf"
run 1 snap --metrics "$metrics"
[ "$(value pmxsnap_snapshot_last_run_success)" = 1 ] && [ "$(value pmxsnap_snapshot_written)" = 1 ] ||
  fail "a bad state is still a successful run that wrote an archive: $(cat "$metrics")"
[ "$(value pmxsnap_snapshot_newest_good)" = 0 ] || fail "a truncated corosync.conf, newest_good not 0: $(cat "$metrics")"
grep -q '^pmxsnap_snapshot_newest_good{cluster="demo",node="pve1"} 0$' "$metrics" ||
  fail "newest_good with labels: $(cat "$metrics")"
cp -p "$scratch/corosync.conf.good" "$conf"
run 0 snap --metrics "$metrics"
[ "$(value pmxsnap_snapshot_newest_good)" = 1 ] || fail "repaired, newest_good not 1: $(cat "$metrics")"
pass "a truncated corosync.conf: exit 1, success 1, newest_good 0; repaired: exit 0, newest_good 1"

run 2 snap --metrics "$metrics" --recipient not-a-recipient
[ "$(value pmxsnap_snapshot_last_run_success)" = 0 ] || fail "failed run: $(cat "$metrics")"
[ -z "$(value pmxsnap_snapshot_written)" ] || fail "a failed run must not claim facts: $(cat "$metrics")"
[ -z "$(find "$scratch/textfile" -name '.pmxsnap-tmp.*')" ] || fail "temporary metrics file left"
pass "a failed run: success 0, no stale facts, no temporary file left"

run 2 snap --metrics "$scratch/no/such/dir/pmxsnap.prom"
one_line "$err"
contains "$err" "$scratch/no/such/dir"
pass "an unwritable metrics path: exit 2, one line naming it"
