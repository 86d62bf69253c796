# doctor --offline on fixture roots (a disk mounted in a rescue system): each
# broken piece gives its finding, in fix order, with meaning and decision;
# saved logs map each of the seed's patterns to the check that explains it.
source "$TESTLIB"
need jq sqlite3
make_node --preset typical
make_key
run 0 snap
# Every document is kept: the commands its decisions print are run at the end.
doctor() {
  "$PMXSNAP" doctor --root "$scratch/root" --repo "$repo" --offline --json "$@" | tee -a "$scratch/doctor.all"
  return "${PIPESTATUS[0]}"
}
status_of() { jq -r --arg id "$1" '[.findings[] | select(.id == $id) | .status] | first' <<<"$out"; }

run 0 doctor
[ "$(jq -r '.schema, .first_failing_layer' <<<"$out" | tr '\n' ' ')" = "pmxsnap.doctor/1 null " ] || fail "healthy: $out"
[ "$(status_of runtime.cmap)" = skip ] || fail "--offline probed corosync"
pass "a healthy fixture: exit 0, live probes skipped offline"

conf=$scratch/root/etc/corosync/corosync.conf
cp "$conf" "$scratch/corosync.conf.good"
head -n 20 "$scratch/corosync.conf.good" >"$conf"
run 1 doctor
[ "$(status_of conf.parse)" = fail ] && [ "$(status_of conf.copies)" = fail ] || fail "truncated: $out"
[ "$(jq -r .first_failing_layer <<<"$out")" = corosync ] || fail "first failing layer"
contains "$(jq -r '.findings[] | select(.id == "conf.parse") | .decision' <<<"$out")" "pmxsnap diff latest-good live"
contains "$(jq -r '.findings[] | select(.id == "conf.copies") | .evidence.problems | join(" ")' <<<"$out")" "first 258 of"
pass "truncated corosync.conf: conf.parse and conf.copies fail, decision names pmxsnap diff latest-good live"

# The automation then archives the damage (marked bad): doctor still
# compares with the good one, and names it.
good_file=$(basename "$(archives | head -1)")
run 1 snap
run 1 doctor
decision=$(jq -r '.findings[] | select(.id == "conf.parse") | .decision' <<<"$out")
contains "$decision" "the last good snapshot, $good_file"
contains "$decision" "pmxsnap restore file latest-good /etc/corosync/corosync.conf"
contains "$(jq -r '.findings[] | select(.id == "conf.copies") | .evidence.problems | join(" ")' <<<"$out")" \
  "the last snapshot's copy"
pass "with the damage archived (bad), doctor's reference stays the last good snapshot ($good_file)"

sed 's/config_version: 3/config_version: 5/' "$scratch/corosync.conf.good" >"$conf"
run 1 doctor
[ "$(status_of conf.parse)" = ok ] && [ "$(status_of conf.copies)" = fail ] || fail "versions: $out"
contains "$(jq -r '.findings[] | select(.id == "conf.copies") | .meaning' <<<"$out")" \
  "authoritative copy is /etc/corosync/corosync.conf (config_version 5"
pass "copies with different config_version: conf.copies names the authoritative one"
# decision_of ID: that finding's decision.
decision_of() { jq -r --arg id "$1" '.findings[] | select(.id == $id) | .decision' <<<"$out"; }
sed 's/config_version: 3/config_version: 2/' "$scratch/corosync.conf.good" >"$conf"
run 1 doctor
[ "$(status_of conf.copies)" = fail ] || fail "an older local copy: $out"
# Under --root /etc/pve is not mounted: never "copy /etc/pve/corosync.conf".
case "$(decision_of conf.copies)" in *"copy /etc/pve/corosync.conf over"*) fail "copies from an unmounted /etc/pve: $(decision_of conf.copies)";; esac
contains "$(decision_of conf.copies)" "/etc/pve is not mounted here, so there is no /etc/pve/corosync.conf to copy"
contains "$(decision_of conf.copies)" "\`pmxsnap diff latest-good live\` shows it next to this file and the last good snapshot, $good_file"
contains "$(decision_of conf.copies)" "\`pmxsnap restore file latest-good /etc/corosync/corosync.conf\`"
pass "an older local copy: conf.copies names the db's cluster-wide copy (/etc/pve not mounted) and the last good snapshot ($good_file)"
cp "$scratch/corosync.conf.good" "$conf"

sed -i 's/^pve1$/pve7/' "$scratch/root/etc/hostname"
run 1 doctor
[ "$(status_of conf.nodeid-name)" = fail ] || fail "nodeid-name: $out"
sed -i 's/^pve7$/pve1/' "$scratch/root/etc/hostname"
pass "a hostname missing from the nodelist: conf.nodeid-name fails"

cp "$scratch/root/etc/corosync/authkey" "$scratch/authkey.good"
chmod 600 "$scratch/root/etc/corosync/authkey"
head -c 256 /dev/urandom >"$scratch/root/etc/corosync/authkey"
run 1 doctor
[ "$(status_of auth.authkey)" = fail ] || fail "authkey: $out"
[ "$(jq -r '.findings[] | select(.id == "auth.authkey") | .evidence.differs_from[0]' <<<"$out")" = pve1 ] || fail "authkey evidence"
cp "$scratch/authkey.good" "$scratch/root/etc/corosync/authkey"
pass "an authkey differing from the snapshots: auth.authkey fails"

db=$scratch/root/var/lib/pve-cluster/config.db
cp "$db" "$scratch/config.db.good"
sqlite3 "$db" "insert into tree values (99999, 424242, 99999, 1, 1000, 8, 'orphan.cfg', 'x')"
run 1 doctor
[ "$(status_of pmxcfs.db)" = fail ] || fail "db: $out"
[ "$(jq -r .first_failing_layer <<<"$out")" = pmxcfs ] || fail "first failing layer: pmxcfs"
contains "$(jq -r '.findings[] | select(.id == "pmxcfs.db") | .evidence.violations[0]' <<<"$out")" missing-parent
[ "$(decision_of pmxcfs.db)" = "stop pve-cluster, keep the broken db aside, restore the last good snapshot, $good_file: \`pmxsnap restore plan latest-good\`" ] ||
  fail "pmxcfs.db decision: $(decision_of pmxcfs.db)"
cp "$scratch/config.db.good" "$db"
pass "a db breaking a pmxcfs rule: pmxcfs.db fails, first failing layer pmxcfs, the decision names $good_file"
printf 'not a database, not even close' >"$db"
run 1 doctor
[ "$(status_of pmxcfs.db)" = fail ] && [ "$(jq -r '.findings[] | select(.id == "pmxcfs.db") | .evidence.error' <<<"$out")" != null ] ||
  fail "an unreadable db: $out"
[ "$(decision_of pmxcfs.db)" = "restore the db from the last good snapshot, $good_file: \`pmxsnap restore plan latest-good\`" ] ||
  fail "unreadable db decision: $(decision_of pmxcfs.db)"
cp "$scratch/config.db.good" "$db"
pass "a db that is not one: pmxcfs.db fails with the error, the decision names $good_file"

# The seed's log lines, one saved journal each.
check_log() { # EXPECTED-CHECK LINE
  printf 'Dec 25 12:05:12 pve1 corosync[1789]:   %s\n' "$2" >"$scratch/journal.txt"
  run 1 doctor --log "$scratch/journal.txt"
  [ "$(jq -r '[.findings[] | select(.id == "log.patterns") | .evidence.explained_by] | join(",")' <<<"$out")" = "$1" ] ||
    fail "log line '$2' should map to $1: $out"
}
check_log conf.nodeid-name "[MAIN  ] No valid name found for nodeid 1"
check_log runtime.links "[KNET  ] link: host: 2 link: 0 is down"
check_log quorum.state "[QUORUM] This node is within the non-primary component and will NOT provide any services."
check_log auth.authkey "[KNET  ] nsscrypto: Digest does not match"
check_log auth.authkey "[KNET  ] Could only read 1024 bits of minimum 2048 bits from /etc/corosync/authkey."
check_log time.sync "[TOTEM ] Token has not been received in 2737 ms"
check_log conf.copies "[dcdb] local corosync.conf is newer"
check_log pmxcfs.db "[database] crit: DB load failed"
check_log runtime.cmap "[quorum] crit: quorum_initialize failed: cannot initialize CMAP service"
printf 'Dec 25 12:05:12 pve1 corosync[1789]: [MAIN  ] Corosync Cluster Engine started\n' >"$scratch/journal.txt"
run 0 doctor --log "$scratch/journal.txt"
pass "each of the seed's log patterns maps to the check that explains it; a clean log maps to none"

run 2 "$PMXSNAP" doctor --root "$scratch/root" --offline --log "$scratch/no-such-log"
one_line "$err"
contains "$err" "no-such-log"
pass "an unreadable --log is an error (exit 2)"

# Names under --root come from the root's /etc/hosts, not this machine's resolver.
cp "$scratch/root/etc/hosts" "$scratch/hosts.good"
sed -i 's/^198\.18\.0\.12 /198.18.0.99 /' "$scratch/root/etc/hosts"
run 1 doctor
[ "$(status_of net.name-resolution)" = warn ] || fail "hosts: $out"
[ "$(jq -r '.findings[] | select(.id == "net.name-resolution") | .evidence.source' <<<"$out")" = "$scratch/root/etc/hosts" ] ||
  fail "name resolution should read the root's /etc/hosts"
contains "$(jq -r '.findings[] | select(.id == "net.name-resolution") | .evidence.problems[0]' <<<"$out")" \
  "pve2 resolves to 198.18.0.99, its ring0_addr is 198.18.0.12"
cp "$scratch/hosts.good" "$scratch/root/etc/hosts"
pass "under --root, a node name pointing elsewhere in the root's /etc/hosts: net.name-resolution warns"

# A node directory in /etc/pve/nodes that the nodelist does not know.
cp "$db" "$scratch/config.db.good"
sqlite3 "$db" "insert into tree select 99998, inode, 99998, 4, 1000, 4, 'pve9', NULL from tree where name = 'nodes' and parent = 0"
run 1 doctor
[ "$(status_of pmxcfs.nodes)" = warn ] || fail "extra node dir: $out"
[ "$(jq -r '.findings[] | select(.id == "pmxcfs.nodes") | .evidence.extra[0]' <<<"$out")" = pve9 ] || fail "extra: $out"
cp "$scratch/config.db.good" "$db"
run 0 doctor
[ "$(status_of pmxcfs.nodes)" = ok ] || fail "pmxcfs.nodes after restore: $out"
pass "a node directory the nodelist does not know: pmxcfs.nodes warns and names it"

# A damaged newest good snapshot (the reference): conf.copies cannot compare
# with it and says so (it said "the copies agree"), naming the archive.
newest=$("$PMXSNAP" list --repo "$repo" --pubkey "$pub" --json |
  jq -r '[.snapshots[] | select(.health == "good")] | last | .archive')
[ -f "$newest" ] || fail "no good snapshot listed: $newest"
cp "$newest" "$scratch/newest.good"
head -c $(($(stat -c %s "$newest") / 2)) "$scratch/newest.good" >"$newest"
run 1 doctor
[ "$(status_of conf.copies)" = warn ] || fail "a damaged newest snapshot: $out"
contains "$(jq -r '.findings[] | select(.id == "conf.copies") | .evidence.last_snapshot_problem' <<<"$out")" "$newest: "
contains "$(jq -r '.findings[] | select(.id == "conf.copies") | .meaning' <<<"$out")" "could not be read to compare"
[ "$(decision_of conf.copies)" = "\`pmxsnap verify latest-good\` says what is wrong with the last good snapshot, $(basename "$newest"); take a new snapshot once the live copies are right" ] ||
  fail "damaged reference decision: $(decision_of conf.copies)"
cp "$scratch/newest.good" "$newest"
run 0 doctor
[ "$(status_of conf.copies)" = ok ] || fail "conf.copies after the snapshot is whole again: $out"
pass "a damaged newest good snapshot: conf.copies warns that it could not compare, naming the archive (evidence and decision)"

# 9: a garbage corosync.conf is a finding, and every other check still runs.
cp "$scratch/corosync.conf.good" "$scratch/corosync.conf.keep"
head -c 200M /dev/urandom >"$conf"
start=$(date +%s%N)
run 1 doctor
took=$(( ($(date +%s%N) - start) / 1000000 ))
rm -f "$conf"
[ "$took" -lt 10000 ] || fail "doctor took $took ms on a 200 MB corosync.conf"
[ "$(status_of conf.parse)" = fail ] || fail "200 MB: $out"
contains "$(jq -r '.findings[] | select(.id == "conf.parse") | .meaning' <<<"$out")" "not a corosync.conf: 209715200 bytes, over the 1048576-byte limit"
[ "$(status_of pmxcfs.db)" = ok ] && [ "$(status_of auth.authkey)" = ok ] && [ "$(status_of conf.copies)" = fail ] ||
  fail "200 MB: the other checks should still run: $out"
head -c 65536 /dev/zero >"$conf"
run 1 doctor
[ "$(status_of conf.parse)" = fail ] || fail "NUL-filled: $out"
meaning=$(jq -r '.findings[] | select(.id == "conf.parse") | .meaning' <<<"$out")
contains "$meaning" "not a corosync.conf: 65536 of its 65536 bytes are NUL"
case "$meaning $(jq -c '.findings[] | select(.id == "conf.parse" or .id == "conf.copies") | .evidence' <<<"$out")" in
  *truncat*) fail "a NUL-filled file called truncated: $out";; esac
[ "$(status_of pmxcfs.db)" = ok ] || fail "NUL-filled: the other checks should still run: $out"
cp "$scratch/corosync.conf.keep" "$conf"
pass "9: a 200 MB random corosync.conf and a NUL-filled one are conf.parse failures ('not a corosync.conf', never 'truncated'); the other checks still run (200 MB: $took ms)"

# 9: inspect, snapshot and diff read corosync.conf under the same 1 MiB limit
# and say so in the same words (a 2 MiB file, under snapshot's 4 MiB per file).
{ cat "$scratch/corosync.conf.keep"; head -c 2097152 /dev/zero | tr '\0' '#'; } >"$conf"
size=$(stat -c %s "$conf")
limit="not a corosync.conf: $size bytes, over the 1048576-byte limit (pmxcfs serves no file over 1 MiB)"
run 1 "$PMXSNAP" inspect --root "$scratch/root" "$conf"
contains "$out" "$limit"
run 1 "$PMXSNAP" inspect --root "$scratch/root" --json "$conf"
[ "$(jq -r '.valid, .limit' <<<"$out" | tr '\n' ' ')" = "false 1048576 " ] || fail "inspect --json: $out"
"$PMXSNAP" snapshot --root "$scratch/root" --repo "$repo" --key "$key" >"$scratch/big.out" 2>&1 || true
contains "$(cat "$scratch/big.out")" "/etc/corosync/corosync.conf does not parse (/etc/corosync/corosync.conf: $limit): captured as it is"
run 0 "$PMXSNAP" list --repo "$repo" --pubkey "$pub"
contains "$(tail -1 <<<"$out")" "bad: /etc/corosync/corosync.conf does not parse"
run 1 "$PMXSNAP" diff --root "$scratch/root" --repo "$repo" --pubkey "$pub" --json latest-good latest
contains "$(jq -r '.changes[] | select(.path == "/etc/corosync/corosync.conf") | .corosync.after_error' <<<"$out")" "$limit"
cp "$scratch/corosync.conf.keep" "$conf"
pass "9: inspect (exit 1), snapshot (a warning) and diff (the change's corosync detail) name the same 1 MiB limit"

# 8: three nodes' snapshots — the cluster's authkey is the one most have;
# only the node that differs is named, with the count compared.
for n in pve2 pve3; do
  "$MKFIXTURE" --root "$scratch/root-$n" --preset typical --node "$n" >/dev/null
  cp "$scratch/authkey.good" "$scratch/root-$n/etc/corosync/authkey"
  "$PMXSNAP" snapshot --root "$scratch/root-$n" --repo "$repo" --key "$key" >/dev/null || true
done
head -c 256 /dev/urandom >"$scratch/root/etc/corosync/authkey"
run 1 doctor
[ "$(jq -r '.findings[] | select(.id == "auth.authkey") | "\(.status) \(.evidence.differs_from | join(",")) \(.evidence.compared_snapshots)"' <<<"$out")" = "fail pve1 3" ] ||
  fail "this node's authkey differs: $(jq -c '.findings[] | select(.id == "auth.authkey")' <<<"$out")"
contains "$(jq -r '.findings[] | select(.id == "auth.authkey") | .meaning' <<<"$out")" "this node (pve1) has an authkey other than the cluster's (2 of the 3 snapshots compared agree)"
cp "$scratch/authkey.good" "$scratch/root/etc/corosync/authkey"
head -c 256 /dev/urandom >"$scratch/root-pve3/etc/corosync/authkey"
"$PMXSNAP" snapshot --root "$scratch/root-pve3" --repo "$repo" --key "$key" >/dev/null || true
run 1 doctor
[ "$(jq -r '.findings[] | select(.id == "auth.authkey") | .evidence.differs_from | join(",")' <<<"$out")" = pve3 ] ||
  fail "pve3's authkey differs: $(jq -c '.findings[] | select(.id == "auth.authkey")' <<<"$out")"
contains "$(decision_of auth.authkey)" "from pve1 to pve3 and restart corosync there only"
pass "8: auth.authkey names only the node that differs (this one, then pve3), comparing 3 nodes' snapshots"

# Every decision that names latest-good names the archive it selects too.
unnamed=$(jq -r '.findings[].decision // empty | select(contains("latest-good"))' "$scratch/doctor.all" |
  grep -vE 'the last good snapshot, [0-9]{8}T[0-9]{6}Z\.pmxsnap\b' || true)
[ -z "$unnamed" ] || fail "a decision names latest-good without its archive: $unnamed"
[ "$(jq -r '.findings[].decision // empty | select(contains("latest-good")) | .[0:20]' "$scratch/doctor.all" | sort -u | wc -l)" -ge 4 ] ||
  fail "too few kinds of latest-good decisions: $(jq -r '.findings[].decision // empty | select(contains("latest-good"))' "$scratch/doctor.all" | sort -u)"
pass "every decision naming latest-good names the archive file too"

# Every command doctor printed in these scenarios is one pmxsnap accepts.
jq -r '.findings[].decision // empty' "$scratch/doctor.all" | grep -o '`pmxsnap [^`]*`' | tr -d '`' >"$scratch/commands" || true
[ "$(sort -u "$scratch/commands" | wc -l)" -ge 3 ] || fail "too few commands in doctor's decisions: $(sort -u "$scratch/commands")"
grep -qx 'pmxsnap restore file latest-good /etc/corosync/corosync.conf' "$scratch/commands" || fail "doctor never printed the corosync.conf repair"
accept_printed_commands "$scratch/commands" "$scratch/root" "$repo"
pass "every pmxsnap command doctor's decisions printed ($checked distinct) is accepted"
