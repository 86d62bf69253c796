#!/usr/bin/env bash
# pmxsnap status (issue 28): the cluster as a whole from the repository's
# signed indexes. Three real node roots of one cluster snapshot into one
# repository; capture times are set with SOURCE_DATE_EPOCH, status runs on
# the real clock. A healthy repository exits 0; one with a stale node, a
# node with another authkey and a node whose newest snapshot is bad names
# each of them (and nothing else) and exits 1.
source "$TESTLIB"
need jq sqlite3
now=$(date +%s)
make_key
for n in 1 2 3; do
  "$MKFIXTURE" --root "$scratch/pve$n" --node "pve$n" >/dev/null
done
for n in 2 3; do # one cluster, one authkey
  install -m 0400 "$scratch/pve1/etc/corosync/authkey" "$scratch/pve$n/etc/corosync/authkey"
done
snap_at() { # REPO NODE TIME
  SOURCE_DATE_EPOCH=$3 "$PMXSNAP" snapshot --root "$scratch/$2" --repo "$1" --key "$key" \
    >/dev/null 2>"$scratch/snap.err" || [ $? -eq 1 ] || fail "snapshot: $(cat "$scratch/snap.err")"
  # exit 1: a bad state, archived
}
status() { "$PMXSNAP" status --pubkey "$pub" "$@"; }
findings() { jq -r '[.findings[] | "\(.node):\(.kind)"] | join(" ")' <<<"$out"; }

healthy=$scratch/healthy
for n in 1 2 3; do snap_at "$healthy" "pve$n" $((now - 120)); done
index=$(find "$healthy" -name '*.minisig' | head -1)
grep -q ' authkey=[0-9a-f]\{16\} nodes=pve1,pve2,pve3$' "$index" ||
  fail "the signed index lacks authkey and nodes: $(sed -n 3p "$index")"
run 0 status --repo "$healthy"
contains "$out" "3 nodes in 1 cluster: healthy"
[ "$(grep -c ' good ' <<<"$out")" -eq 3 ] || fail "three good rows expected: $out"
run 0 status --repo "$healthy" --json
jq -e '.schema == "pmxsnap.status/1" and .healthy and (.findings == []) and (.nodes | length == 3)
  and ([.nodes[].authkey] | unique | length == 1 and .[0] != null)
  and all(.nodes[]; .signature == "ok" and .health == "good" and .in_nodelist and .age >= 120)' \
  <<<"$out" >/dev/null || fail "healthy --json: $out"
pass "a healthy repository: three good rows, exit 0; the index carries authkey and nodes"

# The unhealthy one: pve1 stale (3 days), pve2 with another authkey, pve3's
# newest snapshot taken after its corosync.conf was cut.
sick=$scratch/sick
snap_at "$sick" pve1 $((now - 3 * 86400))
head -c 256 /dev/urandom >"$scratch/pve2/etc/corosync/authkey"
snap_at "$sick" pve2 $((now - 120))
install -m 0400 "$scratch/pve1/etc/corosync/authkey" "$scratch/pve2/etc/corosync/authkey"
snap_at "$sick" pve3 $((now - 180))
conf=$scratch/pve3/etc/corosync/corosync.conf
cp "$conf" "$scratch/corosync.conf.good"
head -c 300 "$scratch/corosync.conf.good" >"$conf"
snap_at "$sick" pve3 $((now - 60))
cp "$scratch/corosync.conf.good" "$conf"
run 1 status --repo "$sick"
contains "$out" "demo/pve1: stale: newest snapshot is 3d 0h old"
contains "$out" "demo/pve2: authkey-differs: authkey digest"
contains "$out" "demo/pve3: bad: newest snapshot"
contains "$out" "last good 3m ago"
contains "$out" "3 nodes in 1 cluster: 3 findings"
run 1 status --repo "$sick" --json
[ "$(findings)" = "pve1:stale pve2:authkey-differs pve3:bad" ] || fail "findings: $(findings)"
jq -e '(.healthy | not) and ([.nodes[] | .health] == ["good", "good", "bad"])' <<<"$out" >/dev/null ||
  fail "sick --json: $out"
run 1 status --repo "$sick" --stale 4d --json
[ "$(findings)" = "pve2:authkey-differs pve3:bad" ] || fail "--stale 4d: $(findings)"
pass "stale, another authkey and a bad newest snapshot: each named, nothing else, exit 1"

# A node in the nodelist without snapshots; a node the db changes stopped
# reaching (its later snapshot has a lower db version).
missing=$scratch/missing
cp -a "$healthy" "$missing"
rm -r "$missing/demo/pve3"
run 1 status --repo "$missing"
contains "$out" "demo/pve3: missing: in the nodelist"
behind=$scratch/behind
sqlite3 "$scratch/pve1/var/lib/pve-cluster/config.db" "UPDATE tree SET version = version + 5 WHERE inode = 0;"
snap_at "$behind" pve1 $((now - 900))
snap_at "$behind" pve2 $((now - 120))
snap_at "$behind" pve3 $((now - 1000))
run 1 status --repo "$behind" --json
[ "$(findings)" = "pve2:db-behind" ] || fail "db-behind: $(findings)"
run 0 status --repo "$behind" --lag 15m
pass "a nodelist node without snapshots is missing; a later, lower db version is behind (--lag)"

run 2 status --repo "$healthy" --stale soon
one_line "$err"; contains "$err" "--stale soon: not an age"
run 2 "$PMXSNAP" status --repo "$scratch/nowhere" --pubkey "$pub"
one_line "$err"; contains "$err" "nowhere"
pass "a bad --stale and a missing repository: one line, exit 2"
