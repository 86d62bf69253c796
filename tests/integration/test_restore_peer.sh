# restore plan --peer against a real sshd in the real corosync test cluster:
# sshd runs in node 2's network namespace (its own host key, config and
# authorized key in the scratch directory; the build's pmxsnap first in its
# PATH; a config.db of the test's at /var/lib/pve-cluster), and node 1 asks
# it. The plan reports the peer's quorum and members as corosync-quorumtool
# on node 2 says them, its nodelist (node1 in it or not a member), and whose
# db is newer. A silent sshd (stopped with SIGSTOP: the kernel still accepts
# connections, nothing speaks) and an address nobody holds end in exit 2 with
# one line naming the peer and the limit, within that limit.
source "$TESTLIB"
source "$(dirname "$TESTLIB")/corosync_cluster.sh"
need_cluster_tools
need jq sqlite3 ssh ssh-keygen timeout
[ -x /usr/sbin/sshd ] || skip "openssh-server is not installed (/usr/sbin/sshd)"
cluster_up 3

peer=$(node_address 2)
d=$scratch/sshd
mkdir -p "$d/bin" "$d/lib/pve-cluster" "$cluster_dir/n2/run/sshd"
chmod 0755 "$cluster_dir/n2/run/sshd"
ssh-keygen -q -t ed25519 -N '' -C peer-host -f "$d/host_key"
ssh-keygen -q -t ed25519 -N '' -C client -f "$d/client_key"
cp "$d/client_key.pub" "$d/authorized_keys"
echo "$peer $(cut -d' ' -f1,2 "$d/host_key.pub")" >"$d/known_hosts"
ln -s "$PMXSNAP" "$d/bin/pmxsnap"
cat >"$d/sshd_config" <<CONF
ListenAddress $peer:22
HostKey $d/host_key
AuthorizedKeysFile $d/authorized_keys
PidFile none
StrictModes no
UsePAM no
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
LogLevel INFO
CONF

# sshd in node 2's namespaces, with the scratch bin/ as /usr/local/bin and
# lib/pve-cluster as /var/lib/pve-cluster; each program execs the next, so
# $sshd_pid is sshd's own.
(exec ip netns exec "$(node_ns 2)" unshare -m sh -c '
  mount --make-rprivate / && mount --bind "$1/run" /run && mount -t tmpfs tmpfs /var/lib &&
  mkdir -p /var/lib/corosync /var/lib/pve-cluster && mount --bind "$1/lib" /var/lib/corosync &&
  mount --bind "$2/lib/pve-cluster" /var/lib/pve-cluster && mount --bind "$2/bin" /usr/local/bin &&
  exec /usr/sbin/sshd -D -e -f "$2/sshd_config"' sh "$cluster_dir/n2" "$d") >"$d/sshd.log" 2>&1 &
sshd_pid=$!
stop_sshd() {
  [ -n "${sshd_pid:-}" ] || return 0
  kill -CONT "$sshd_pid" 2>/dev/null || true
  kill "$sshd_pid" 2>/dev/null || true
  wait "$sshd_pid" 2>/dev/null || true
  sshd_pid=
}
trap 'status_seen=$?; stop_sshd; cluster_down; on_exit $status_seen' EXIT

ssh_opts=(--peer-ssh-option "IdentityFile=$d/client_key" --peer-ssh-option "UserKnownHostsFile=$d/known_hosts")
# The handshake: sshd answers a real login (bounded, polled).
for tries in $(seq 1 50); do
  in_node 1 ssh -n -o BatchMode=yes -o ConnectTimeout=2 -o IdentityFile="$d/client_key" \
    -o UserKnownHostsFile="$d/known_hosts" "$peer" true 2>/dev/null && break
  kill -0 "$sshd_pid" 2>/dev/null || fail "sshd exited: $(cat "$d/sshd.log")"
  [ "$tries" -lt 50 ] || fail "sshd on $peer never let node 1 in: $(tail -5 "$d/sshd.log")"
  sleep 0.2
done

# node 1's archive (make_cluster_pve_node: cluster testclu, node node1), and
# the peer's db: the same, three changes further on.
make_cluster_pve_node
make_key
pve_node_root "$scratch/node1"
"$PMXSNAP" snapshot --root "$scratch/node1" --repo "$repo" --key "$key" --json >"$scratch/snap.json"
archive=$(jq -r .archive "$scratch/snap.json")
archive_version=$(jq -r .db_version "$scratch/snap.json")
set_peer_db_version() {
  cp "$scratch/node1/var/lib/pve-cluster/config.db" "$d/lib/pve-cluster/config.db"
  sqlite3 "$d/lib/pve-cluster/config.db" "update tree set version = $1 where inode = 0"
}
set_peer_db_version $((archive_version + 3))

# plan EXPECTED_EXIT ARGS...: restore plan from node 1's network namespace,
# with node 1's files as --root (its own corosync is not asked: the peer is).
# A peer that answers gets 60 s, not the default 10: three ssh sessions and
# the peer's sanitizer-built pmxsnap on a loaded machine were seen to take
# more than 10 s; the bound itself is shown by the silent peers below.
plan() {
  local want=$1; shift
  run "$want" in_node 1 "$PMXSNAP" restore plan "$archive" --root "$scratch/node1" --pubkey "$pub" \
    --peer "$peer" --peer-timeout 60 "${ssh_opts[@]}" "$@"
}
field() { jq -r "$1" <<<"$out"; }
quorumtool_on_peer() { in_node 2 corosync-quorumtool -s || true; }

# All three up: node1 is a joined member, the peer's db newer.
plan 0 --json
[ "$(field .peer.corosync.quorate)" = true ] && quorumtool_on_peer | grep -q 'Quorate: *Yes' ||
  fail "all up: quorate: $out"
[ "$(field '.peer.corosync.members | length')" = "$(quorumtool_on_peer | grep -c ' node[0-9]')" ] &&
  [ "$(field '.peer.corosync.members | length')" = 3 ] || fail "all up: members: $out"
[ "$(field '.peer.name')" = node2 ] && [ "$(field '[.peer.nodelist[].name] | join(",")')" = node1,node2,node3 ] ||
  fail "all up: peer name and nodelist: $out"
[ "$(field .peer.node_in_nodelist)/$(field .peer.node_is_member)" = true/true ] || fail "all up: node1: $out"
[ "$(field .peer.db.version)/$(field .peer.db.archive_version)/$(field .peer.db.newer)" = \
  "$((archive_version + 3))/$archive_version/peer" ] || fail "all up: db: $(field .peer.db)"
[ "$(field .scenario)" = file ] || fail "all up: a joined member with a healthy db restores files: $out"
pass "all up: the peer reports quorate, 3 members, node1 in its nodelist and joined, its db 3 versions newer (file scenario)"

# node1's corosync stopped (the node rebuilt): still quorate on the peer
# with 2 members, node1 in the nodelist but not a member: rejoin, whose
# cluster-side steps name the peer. The archive now newer than the peer's db.
stop_node 1
wait_for_members 2 2
set_peer_db_version $((archive_version - 2))
plan 0 --json
[ "$(field .scenario)" = rejoin ] && [ "$(field .peer.cluster_alive)" = true ] || fail "node1 down: scenario: $out"
[ "$(field '.peer.corosync.members | length')" = 2 ] && [ "$(quorumtool_on_peer | grep -c ' node[0-9]')" = 2 ] &&
  [ "$(field .peer.corosync.quorum)" = 2 ] && [ "$(field .peer.corosync.expected_votes)" = 3 ] ||
  fail "node1 down: quorum: $(field .peer.corosync)"
[ "$(field .peer.node_in_nodelist)/$(field .peer.node_is_member)" = true/false ] || fail "node1 down: node1: $out"
[ "$(field .peer.db.newer)" = archive ] && field '.dangers[]' | grep -q "newer than the one of the peer $peer" ||
  fail "node1 down: db: $out"
[ "$(field '[.steps[] | select(.command | startswith("pvecm delnode node1"))][0].where')" = "the peer $peer (node2)" ] &&
  field '.steps[].command' | grep -qx "cd / && pvecm add $peer --link0 $(node_address 1)" || fail "node1 down: steps: $out"
plan 0
contains "$out" "peer $peer (node2), asked over SSH in"
contains "$out" "quorum: quorate, 2 members (node2, node3), 2 of 3 expected votes, quorum 2"
contains "$out" "nodelist: node1, node2, node3; node1 is in it, not a member now"
contains "$out" "db: the peer's version $((archive_version - 2)), the archive's $archive_version: the archive's is newer"
pass "node1's corosync down: rejoin; the peer reports quorate, 2 members, node1 in the nodelist but not a member; the archive's db newer (text and --json)"

# No pmxsnap on the peer: a fact, not an error (unless the machine has one
# of its own in the peer's PATH).
rm "$d/bin/pmxsnap"
if ! ls /usr/local/sbin/pmxsnap /usr/sbin/pmxsnap /usr/bin/pmxsnap /sbin/pmxsnap /bin/pmxsnap >/dev/null 2>&1; then
  plan 0 --json
  [ "$(field .peer.db.pmxsnap)/$(field .peer.db.version)/$(field .peer.db.newer)" = false/null/null ] &&
    [ "$(field .peer.db.problem)" = "pmxsnap is not installed on the peer: its db version is unknown" ] ||
    fail "no pmxsnap on the peer: $(field .peer.db)"
  pass "no pmxsnap on the peer: said as a fact, the versions unknown"
fi

# A silent sshd (stopped: connections still accepted by the kernel, no
# banner), then an address nobody holds: exit 2, one line, within the limit.
no_answer() { # HOST LIMIT; $took: its milliseconds
  local start
  start=$(date +%s%N)
  run 2 in_node 1 "$PMXSNAP" restore plan "$archive" --root "$scratch/node1" --pubkey "$pub" \
    --peer "$1" --peer-timeout "$2" "${ssh_opts[@]}"
  took=$(( ($(date +%s%N) - start) / 1000000 ))
  one_line "$err"
  contains "$err" "pmxsnap: --peer $1: no answer within $2 s"
  [ -z "$out" ] || fail "no answer from $1: a plan was printed: $out"
  [ "$took" -lt $(($2 * 3000)) ] || fail "no answer from $1: took $took ms, limit $2 s"
}
kill -STOP "$sshd_pid"
no_answer "$peer" 2
kill -CONT "$sshd_pid"
pass "a silent sshd: exit 2 in $took ms (limit 2 s): $err"
no_answer 198.18.0.99 2
pass "an address nobody holds: exit 2 in $took ms (limit 2 s): $err"
