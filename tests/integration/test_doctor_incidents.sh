# doctor in the incidents that need judgement (issue 22), on one real 3-node
# corosync cluster brought up once, each scenario compared with what
# corosync-cmapctl, corosync-quorumtool and corosync-cfgtool say on the same
# node: decisions that fit the state (8), a nodelist edited and not reloaded
# (3), an older config on disk than the running one (2, proven by restarting
# corosync with it), a hung corosync (7), a node cut off by its bridge port
# (1), an MTU drop on node 1's veth (5), peers stopped and peers gone (1),
# corosync stopped (7). doctor finishes within 10 s in every scenario.
source "$TESTLIB"
source "$(dirname "$TESTLIB")/corosync_cluster.sh"
need_cluster_tools
need jq zstd tar sqlite3 corosync-cfgtool python3
cluster_up 3
# The kernel's own timers decide when a neighbour that stopped answering is
# FAILED: REACHABLE lasts a random 15-45 s at the default base_reachable_time,
# then a delay and three probes. Shortened on node 1 (its namespace only) from
# the start, so every REACHABLE timer it arms is short by the time scenario 1
# removes its peers' hosts (set just before, an entry kept its old timer of
# up to 45 s, and the wait there failed under load); the states stay the kernel's.
ip netns exec "$(node_ns 1)" sysctl -qw net.ipv4.neigh.eth0.base_reachable_time_ms=1000 \
  net.ipv4.neigh.eth0.delay_first_probe_time=1
make_cluster_pve_node
make_key
use_conf() { # FILE: both copies of corosync.conf (the file and the db's /etc/pve copy)
  NODE_CONF=$1
  sqlite3 "$scratch/root/var/lib/pve-cluster/config.db" \
    "update tree set data = readfile('$1') where parent = 0 and name = 'corosync.conf'"
}
as_pve_node "$PMXSNAP" snapshot --repo "$repo" --key "$key" >/dev/null || fail "live snapshot"

# doctor_live: doctor's JSON on node 1 in $scratch/doctor.json, its time checked.
doctor_live() {
  local start took
  start=$(date +%s%N)
  as_pve_node "$PMXSNAP" doctor --repo "$repo" --json "$@" >"$scratch/doctor.json" 2>/dev/null || true
  took=$(( ($(date +%s%N) - start) / 1000000 ))
  [ "$took" -lt 10000 ] || fail "doctor took $took ms (bound: 10 s): $(cat "$scratch/doctor.json")"
  doctor_ms=$took
  jq -r '.findings[].decision // empty' "$scratch/doctor.json" >>"$scratch/decisions"
}
get() { jq -r --arg id "$1" "[.findings[] | select(.id == \$id) | $2] | first" "$scratch/doctor.json"; }
expect() { # ID STATUS: that finding's status
  [ "$(get "$1" .status)" = "$2" ] || fail "$1 should be $2: $(jq -c --arg id "$1" '.findings[] | select(.id == $id)' "$scratch/doctor.json")"
}
no_force() { # no decision of this report forces quorum
  ! grep -q 'pvecm expected' "$scratch/doctor.json" || fail "a decision names pvecm expected: $(grep -o '[^"]*pvecm expected[^"]*' "$scratch/doctor.json")"
}
# wait_links_down I: until corosync-cfgtool -s on node I shows every peer disconnected (bounded).
wait_links_down() {
  local tries
  for tries in $(seq 1 100); do
    ! in_node "$1" corosync-cfgtool -s 2>/dev/null | grep -Eq 'nodeid:[[:space:]]*[0-9]+:[[:space:]]*connected' && return 0
    sleep 0.2
  done
  fail "node $1 still shows a connected link: $(in_node "$1" corosync-cfgtool -s 2>&1)"
}
cmap() { in_node "$1" corosync-cmapctl -g "$2" | sed 's/.* = //'; }
quorate_says() { in_node "$1" corosync-quorumtool -s 2>&1 | sed -n 's/^Quorate: *//p'; }

# 8: corosync and quorum ok, /etc/pve not mounted in node 1's namespace.
doctor_live
for id in conf.parse conf.copies runtime.cmap runtime.config-version runtime.links quorum.state quorum.partition net.ring-addr; do
  expect "$id" ok
done
expect pmxcfs.mount fail
decision=$(get pmxcfs.mount .decision)
contains "$decision" "corosync and quorum are ok"
case "$decision" in *"fix corosync and quorum first"*) fail "pmxcfs.mount sends to corosync and quorum, which are ok: $decision";; esac
contains "$(jq -r .headline "$scratch/doctor.json")" "fix pmxcfs first — pmxcfs.mount: nothing is mounted on /etc/pve"
# The db's copy of corosync.conf newer than the file: not "copy /etc/pve/corosync.conf".
sed 's/config_version: 1$/config_version: 2/' "$cluster_dir/corosync.conf" >"$scratch/v2.conf"
sqlite3 "$scratch/root/var/lib/pve-cluster/config.db" \
  "update tree set data = readfile('$scratch/v2.conf') where parent = 0 and name = 'corosync.conf'"
doctor_live
expect conf.copies fail
decision=$(get conf.copies .decision)
contains "$decision" "/etc/pve is not mounted here"
case "$decision" in *"copy /etc/pve/corosync.conf over"*) fail "conf.copies says to copy from an unmounted /etc/pve: $decision";; esac
contains "$(get pmxcfs.mount .decision)" "fix corosync and quorum first"
headline=$(jq -r .headline "$scratch/doctor.json")
contains "$headline" "fix corosync first — conf.copies: "
[ "$(grep -o 'first' <<<"$headline" | wc -l)" -eq 1 ] || fail "the headline stutters: $headline"
as_pve_node "$PMXSNAP" doctor --repo "$repo" >"$scratch/doctor.txt" 2>&1 || true
grep -q '^      evidence: ' "$scratch/doctor.txt" || fail "no evidence line: $(cat "$scratch/doctor.txt")"
! grep '^      evidence: ' "$scratch/doctor.txt" | grep -q '[{}"]' || fail "evidence shown as JSON: $(grep evidence: "$scratch/doctor.txt")"
use_conf "$cluster_dir/corosync.conf"
pass "8: decisions fit the state — pmxcfs.mount does not send to ok layers, conf.copies does not copy from an unmounted /etc/pve, the headline does not stutter, evidence is text (${doctor_ms} ms)"

# 4: names. The hostname changed (the nodelist, running quorate, does not
# have it): pmxcfs's problem, not "fix corosync first"; the new name does
# not resolve: pmxcfs refuses to start.
echo pve-other >"$scratch/hostname"
doctor_live
expect conf.nodeid-name fail
[ "$(get conf.nodeid-name .layer)" = pmxcfs ] || fail "a hostname missing while corosync runs quorate is pmxcfs's"
contains "$(get conf.nodeid-name .meaning)" "corosync found this node by its address (nodeid 1, node1 in the running nodelist) and runs quorate"
contains "$(get conf.nodeid-name .decision)" "give the host back its nodelist name node1"
expect net.name-resolution fail
contains "$(get net.name-resolution .meaning)" "Unable to resolve node name 'pve-other' to a non-loopback IP address"
[ "$(jq -r .first_failing_layer "$scratch/doctor.json")" = pmxcfs ] || fail "first failing layer: $(jq -r .headline "$scratch/doctor.json")"
[ "$(quorate_says 1)" = Yes ] || fail "corosync-quorumtool should say quorate"
echo node1 >"$scratch/hostname"
# Only to loopback, as the Debian installer writes it.
{ echo "127.0.0.1 localhost"; echo "127.0.1.1 node1"; echo "198.18.0.12 node2"; echo "198.18.0.13 node3"; } >"$scratch/hosts"
doctor_live
expect net.name-resolution fail
contains "$(get net.name-resolution .meaning)" "resolves only to loopback (127.0.1.1)"
# A resolver that never answers (a UDP socket on port 53 that reads and
# says nothing): "not answered", bounded, not "resolves to nothing".
echo "127.0.0.1 localhost" >"$scratch/hosts"
printf 'nameserver 127.0.0.1\noptions timeout:5 attempts:2\n' >"$scratch/resolv.conf"
in_node 1 python3 -c 'import socket,sys; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 53)); print("bound", flush=True); import signal; signal.pause()' \
  >"$scratch/resolver.out" 2>&1 &
resolver_pid=$!
for tries in $(seq 1 50); do grep -q bound "$scratch/resolver.out" 2>/dev/null && break; sleep 0.1; done
grep -q bound "$scratch/resolver.out" || fail "the silent resolver did not start: $(cat "$scratch/resolver.out")"
NODE_RESOLV=$scratch/resolv.conf doctor_live
kill "$resolver_pid" 2>/dev/null || true; wait "$resolver_pid" 2>/dev/null || true
expect net.name-resolution warn
contains "$(get net.name-resolution .meaning)" "the resolver did not answer within 2 s"
contains "$(get net.name-resolution .meaning)" "unknown, not \"resolving to nothing\""
[ "$(get net.name-resolution '.evidence.names.node2.resolves_to')" = "not answered" ] || fail "node2 should be 'not answered'"
write_hosts "$(node_address 1)"
pass "4: names — a hostname the running nodelist lacks is pmxcfs's (layer pmxcfs), an own name resolving to nothing or loopback fails quoting pmxcfs, a silent resolver is 'not answered' (${doctor_ms} ms)"

# 3: the file's nodelist edited (node3 re-addressed), config_version not raised.
sed 's/ring0_addr: 198.18.0.13$/ring0_addr: 198.18.0.99/' "$cluster_dir/corosync.conf" >"$scratch/edited.conf"
NODE_CONF=$scratch/edited.conf doctor_live
[ "$(cmap 1 nodelist.node.2.ring0_addr)" = 198.18.0.13 ] || fail "corosync-cmapctl should still run 198.18.0.13"
expect runtime.config-version fail
meaning=$(get runtime.config-version .meaning)
contains "$meaning" "ring0_addr of nodeid 3: 198.18.0.13 → 198.18.0.99"
contains "$meaning" "config_version not raised (1)"
decision=$(get runtime.config-version .decision)
contains "$decision" "a restart of corosync on this node would put the edit in force here alone"
contains "$decision" "\`corosync-cfgtool -R\`"
contains "$decision" "config_version 2"
expect quorum.state ok
[ "$(quorate_says 1)" = Yes ] || fail "corosync-quorumtool should say quorate"
# The same, raised, and this node's own address moved off its interfaces.
sed -e 's/config_version: 1$/config_version: 2/' -e 's/ring0_addr: 198.18.0.11$/ring0_addr: 198.18.0.98/' \
  "$cluster_dir/corosync.conf" >"$scratch/moved.conf"
NODE_CONF=$scratch/moved.conf doctor_live
expect runtime.config-version warn
contains "$(get runtime.config-version .meaning)" "raised from 1 to 2, not reloaded"
expect net.ring-addr warn
[ "$(get net.ring-addr .evidence.ring0_addr.interface)" = eth0 ] || fail "the running ring0_addr should be on eth0"
contains "$(get net.ring-addr .meaning)" "the file gives ring0_addr 198.18.0.98, on no local interface: after a restart or reload"
pass "3: an edited nodelist not reloaded — runtime.config-version fails naming the change and 'not raised', warns once raised; net.ring-addr judges the running address (${doctor_ms} ms)"

# 2: the running config raised to 3 (reloaded everywhere); the file on node 1 an older copy.
cp "$cluster_dir/corosync.conf" "$scratch/v1.conf"
sed -i 's/config_version: 1$/config_version: 3/' "$cluster_dir/corosync.conf"
in_node 1 corosync-cfgtool -R >/dev/null
for tries in $(seq 1 50); do [ "$(cmap 1 totem.config_version)" = 3 ] && break; sleep 0.2; done
[ "$(cmap 1 totem.config_version)" = 3 ] || fail "the reload did not raise the running config_version"
use_conf "$cluster_dir/corosync.conf"
NODE_CONF=$scratch/v1.conf doctor_live
expect runtime.config-version fail
quote='Received config version (3) is different than my config version (1)! Exiting'
contains "$(get runtime.config-version .meaning)" "$quote"
contains "$(get runtime.config-version .decision)" "do not restart corosync on this node with this file"
# What corosync does when restarted with that file.
cp "$scratch/v1.conf" "$cluster_dir/n1/corosync.conf"
stop_node 1
start_node 1
wait_for_exit 1 20
grep -qF "$quote" "$cluster_dir/n1/corosync.log" || fail "corosync did not exit as doctor said: $(tail -5 "$cluster_dir/n1/corosync.log")"
rm "$cluster_dir/n1/corosync.conf"
start_node 1
wait_for_members 1 3
pass "2: a file older than the running config fails before the restart, quoting the line corosync then printed when restarted with it (${doctor_ms} ms)"

# 7: hung (SIGSTOP) is not stopped.
kill -STOP "${cluster_pids[1]}"
doctor_live
kill -CONT "${cluster_pids[1]}"
expect runtime.cmap fail
contains "$(get runtime.cmap .meaning)" "corosync is hung, not stopped"
contains "$(get runtime.cmap .evidence.process.state)" "T"
[ "$(get runtime.cmap .evidence.process.pid)" = "${cluster_pids[1]}" ] || fail "the process named is not node 1's corosync"
contains "$(get runtime.cmap .decision)" "kill -CONT ${cluster_pids[1]}"
pass "7: a hung corosync — runtime.cmap says hung, names its pid and state T, decision kill -CONT ($doctor_ms ms)"
wait_for_members 1 3

# 5: MTU. Every node's snapshot recorded 1500 on eth0; node 1's eth0 drops to
# 576 (as a misconfigured bridge or VLAN would leave it).
for i in 2 3; do
  make_peer_pve_node "$i"
  PVE_NODE=$i as_pve_node "$PMXSNAP" snapshot --repo "$repo" --key "$key" >/dev/null || fail "node$i's snapshot"
done
node_mtu 1 576
doctor_live
expect net.mtu warn
[ "$(in_node 1 cat /sys/class/net/eth0/mtu)" = 576 ] || fail "eth0 of node 1 should have MTU 576"
contains "$(get net.mtu .meaning)" "eth0 has MTU 576 now, 1500 in this node's last snapshot"
contains "$(get net.mtu .meaning)" "node2, node3 recorded MTU 1500 on their ring interfaces"
# On node 2 the path to node 1 carries 576-byte packets, not 1500: as ping says there.
PVE_NODE=2 doctor_live
expect net.mtu warn
contains "$(get net.mtu .meaning)" "the path to node1 (198.18.0.11) does not carry 1500-byte packets unfragmented"
! in_node 2 ping -n -q -c 1 -W 1 -M do -s 1472 "$(node_address 1)" >/dev/null 2>&1 || fail "ping -M do -s 1472 passed to node 1"
in_node 2 ping -n -q -c 1 -W 1 -M do -s 548 "$(node_address 1)" >/dev/null 2>&1 || fail "ping -M do -s 548 failed to node 1"
node_mtu 1 1500
# knet raises its path MTUs again on its own schedule (knet_pmtud_interval,
# 30 s); the interfaces and the paths are back at once.
doctor_live
case "$(get net.mtu .meaning)" in *"eth0 has MTU"* | *"recorded MTU"* | *"does not carry"*)
  fail "net.mtu still names the drop: $(get net.mtu .meaning)";; esac
pass "5: an MTU drop — net.mtu warns with both values against this node's last snapshot and its peers' on node 1, the path probe names node1 on node 2 (as ping -M do says); gone once back ($doctor_ms ms)"
wait_for_members 1 3

# 1: node 1 cut off — its bridge port down, eth0 without carrier.
bridge_port 1 down
wait_for_members 1 1
wait_for_members 2 2
wait_links_down 1
doctor_live
[ "$(quorate_says 1)" = No ] && [ "$(quorate_says 2)" = Yes ] || fail "quorumtool: node1 $(quorate_says 1), node2 $(quorate_says 2)"
in_node 1 corosync-cfgtool -s >"$scratch/cfgtool.txt" 2>&1 || true
grep -Eq 'nodeid:[[:space:]]*2:[[:space:]]*disconnected' "$scratch/cfgtool.txt" || fail "cfgtool -s: $(cat "$scratch/cfgtool.txt")"
expect net.ring-addr fail
contains "$(get net.ring-addr .meaning)" "this node is cut off: its ring interface eth0 (ring0_addr 198.18.0.11) has no carrier"
contains "$(get net.ring-addr .decision)" "fix this node's network"
expect runtime.links fail
contains "$(get runtime.links .meaning)" "this node is cut off: no knet link reaches any of its peers (node2, node3)"
expect quorum.state fail
contains "$(get quorum.state .decision)" "fix this node's network"
no_force
bridge_port 1 up
wait_for_members 1 3
pass "1: a node cut off (no carrier) — net.ring-addr and runtime.links say cut off, quorum.state says fix this node's network, no pvecm expected; quorumtool: node1 No, node2 Yes ($doctor_ms ms)"

# 1: the peers' corosync stopped (their hosts up): not "cut off", no pvecm expected.
stop_node 2
stop_node 3
wait_for_members 1 1
wait_links_down 1
doctor_live
expect runtime.links warn
contains "$(get runtime.links .meaning)" "node2, node3 answer on the ring network but nothing listens on corosync's port"
contains "$(get quorum.state .decision)" "corosync does not run on node2, node3"
no_force
pass "1: peers' corosync stopped — runtime.links and quorum.state name them, no pvecm expected ($doctor_ms ms)"

# 1: the peers' hosts gone: only now is this node shown the last one alive
# (node 1's neighbour timers were shortened at the start, above).
remove_node_host 2
remove_node_host 3
# Until node 1's kernel has given up on their ARP (knet keeps sending to them;
# with the short timers seconds, bounded at 60 s for a loaded machine).
for i in 2 3; do
  for tries in $(seq 1 300); do
    ip -n "$(node_ns 1)" neigh show "$(node_address "$i")" | grep -Eq 'FAILED|INCOMPLETE' && break
    sleep 0.2
  done
  ip -n "$(node_ns 1)" neigh show "$(node_address "$i")" | grep -Eq 'FAILED|INCOMPLETE' ||
    fail "node 1 still has an ARP answer from node $i: $(ip -n "$(node_ns 1)" neigh show)"
done
doctor_live
expect runtime.links warn
contains "$(get runtime.links .meaning)" "their hosts do not answer on the ring network at all"
decision=$(get quorum.state .decision)
contains "$decision" "\`pvecm expected 1\`"
contains "$decision" "Only if their consoles show them powered off"
pass "1: peers' hosts gone — the last one alive, and only then pvecm expected 1, conditioned on their consoles ($doctor_ms ms)"

# 7: stopped is not hung.
stop_node 1
doctor_live
expect runtime.cmap fail
contains "$(get runtime.cmap .meaning)" "corosync is stopped (no corosync process runs on this node)"
contains "$(get runtime.cmap .decision)" "systemctl start corosync"
[ "$(get runtime.cmap .evidence.process)" = null ] || fail "a stopped corosync has no process"
pass "7: corosync stopped — runtime.cmap says stopped, decision start it ($doctor_ms ms)"

# The commands doctor's decisions printed, run on a copy of node 1 (--root, --offline).
grep -o '`pmxsnap [^`]*`' "$scratch/decisions" | tr -d '`' >"$scratch/commands" || true
[ -s "$scratch/commands" ] || fail "doctor printed no pmxsnap command"
pve_node_root "$scratch/node1"
accept_printed_commands "$scratch/commands" "$scratch/node1" "$repo"
pass "every pmxsnap command these decisions printed ($checked distinct) is accepted"
