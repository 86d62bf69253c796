# The live reader against a real 3-node corosync cluster, each scenario
# compared with what corosync-cmapctl and corosync-quorumtool report on the
# same node: all up; config_version raised in the file but not reloaded; one
# node stopped; two stopped; corosync stopped on the node read.
source "$TESTLIB"
source "$(dirname "$TESTLIB")/corosync_cluster.sh"
: "${LIVEPROBE:?}"
need_cluster_tools
need jq zstd tar sqlite3
cluster_up 3

probe() { in_node 1 "$LIVEPROBE" 3000 >"$scratch/probe.json" 2>/dev/null || true; cat "$scratch/probe.json"; }
field() { jq -r "$1" "$scratch/probe.json"; }
cmap() { in_node 1 corosync-cmapctl -g "$1" | sed 's/.* = //'; }
quorumtool() { in_node 1 corosync-quorumtool -s 2>&1 || true; }

probe >/dev/null
[ "$(field .reachable)" = true ] || fail "probe: $(cat "$scratch/probe.json")"
[ "$(field .quorate)" = true ] && quorumtool | grep -q 'Quorate: *Yes' || fail "all up: not quorate"
[ "$(field '[.members[] | select(.status == "joined")] | length')" = 3 ] || fail "all up: members"
[ "$(field .config_version)" = "$(cmap totem.config_version)" ] || fail "config_version differs from cmapctl"
[ "$(field .cluster_name)" = "$(cmap totem.cluster_name)" ] || fail "cluster_name differs"
[ "$(field '.nodelist | length')" = 3 ] || fail "nodelist"
[ "$(field '.nodelist[1].addresses.ring0_addr')" = "$(cmap nodelist.node.1.ring0_addr)" ] || fail "ring0_addr"
[ "$(field '.expected_votes')" = 3 ] && [ "$(field '.total_votes')" = 3 ] || fail "votes"
[ "$(field '[.links[] | select(.connected)] | length')" -ge 2 ] || fail "links: $(field .links)"
pass "all up: quorate, 3 members, versions and addresses as corosync-cmapctl says"

# A live-host snapshot on node 1 records this runtime view in its manifest:
# the node's mount namespace gets a fixture's db and host files in place,
# with the running cluster's own corosync.conf as /etc/corosync/corosync.conf.
make_cluster_pve_node
make_key
# Both copies of corosync.conf (the file and the db's /etc/pve copy) become FILE.
use_conf() {
  NODE_CONF=$1
  sqlite3 "$scratch/root/var/lib/pve-cluster/config.db" \
    "update tree set data = readfile('$1') where parent = 0 and name = 'corosync.conf'"
}
as_pve_node "$PMXSNAP" snapshot --repo "$repo" --key "$key" --json >"$scratch/snap.json" ||
  fail "live snapshot: $(cat "$scratch/snap.json")"
[ "$(jq -r .runtime_recorded "$scratch/snap.json")" = true ] || fail "runtime not recorded"
zstd -dc "$(jq -r .archive "$scratch/snap.json")" | tar -xO MANIFEST.json >"$scratch/manifest.json"
[ "$(jq -r '.runtime.quorate, ([.runtime.members[] | select(.status == "joined")] | length)' \
      "$scratch/manifest.json" | tr '\n' ' ')" = "true 3 " ] || fail "manifest runtime: $(jq .runtime "$scratch/manifest.json")"
as_pve_node "$PMXSNAP" snapshot --repo "$scratch/repo-offline" --key "$key" --offline --json >"$scratch/snap.json"
[ "$(jq -r .runtime_recorded "$scratch/snap.json")" = false ] || fail "--offline probed corosync"
pass "a live snapshot records the runtime view (quorate, 3 members); --offline does not probe"

# diff latest live on the node: identical files, and the running column as corosync-cmapctl says.
as_pve_node "$PMXSNAP" diff latest live --repo "$repo" --pubkey "$pub" --json >"$scratch/diff.json" || fail "diff latest live: $(cat "$scratch/diff.json")"
running() { jq -r "[.corosync.running[] | select(.when == \"now\")][0] | $1" "$scratch/diff.json"; }
[ "$(running .config_version)" = "$(cmap totem.config_version)" ] || fail "diff running config_version: $(jq -c .corosync "$scratch/diff.json")"
[ "$(running '[.nodelist[] | "\(.nodeid)=\(.name)=\(.ring0_addr)"] | join(" ")')" = \
  "$(for i in 1 2 3; do printf '%s=%s=%s ' "$(cmap nodelist.node.$((i-1)).nodeid)" "$(cmap nodelist.node.$((i-1)).name)" "$(cmap nodelist.node.$((i-1)).ring0_addr)"; done | sed 's/ $//')" ] ||
  fail "diff running nodelist: $(jq -c .corosync.running "$scratch/diff.json")"
[ "$(running .members)" = 3 ] && [ "$(jq -r .corosync.running_uses "$scratch/diff.json")" = /etc/corosync/corosync.conf ] ||
  fail "diff running: $(jq -c .corosync "$scratch/diff.json")"
as_pve_node "$PMXSNAP" diff latest live --repo "$repo" --pubkey "$pub" --path '/etc/corosync/*' >"$scratch/diff.txt" 2>&1 || true
pass "diff latest live: the running column (config_version, nodelist, 3 members) agrees with corosync-cmapctl; corosync uses /etc/corosync/corosync.conf"

# Every document's decisions are kept: the commands they print are run at the end.
doctor_live() {
  as_pve_node "$PMXSNAP" doctor --repo "$repo" --json >"$scratch/doctor.json" 2>/dev/null || true
  jq -r '.findings[].decision // empty' "$scratch/doctor.json" >>"$scratch/decisions"
}
doctor_status() { jq -r --arg id "$1" '[.findings[] | select(.id == $id) | .status] | first' "$scratch/doctor.json"; }
doctor_live
for id in conf.parse conf.nodeid-name net.ring-addr net.name-resolution runtime.cmap \
          runtime.config-version runtime.links quorum.state quorum.partition; do
  [ "$(doctor_status "$id")" = ok ] || fail "healthy cluster: $id is $(doctor_status "$id"): $(cat "$scratch/doctor.json")"
done
# time.sync reads this machine's clock, which the cluster does not own.
not_ok=$(jq -r '[.findings[] | select(.layer == "corosync" or .layer == "quorum")
                 | select(.id != "time.sync" and .status != "ok" and .status != "skip") | .id] | join(",")' "$scratch/doctor.json")
[ -z "$not_ok" ] || fail "healthy cluster: $not_ok not ok: $(cat "$scratch/doctor.json")"
[ "$(jq -r '.findings[] | select(.id == "net.ring-addr") | .evidence.ring0_addr.interface' "$scratch/doctor.json")" = eth0 ] ||
  fail "ring0_addr should be found on eth0"
pass "doctor on a healthy cluster: every corosync and quorum check ok (ring0_addr on eth0)"

sed 's/name: node1$/name: node1-renamed/' "$cluster_dir/corosync.conf" >"$scratch/renamed.conf"
use_conf "$scratch/renamed.conf"
doctor_live
[ "$(doctor_status conf.nodeid-name)" = fail ] || fail "renamed node: $(cat "$scratch/doctor.json")"
[ "$(jq -r .first_failing_layer "$scratch/doctor.json")" = corosync ] || fail "renamed: first failing layer"
pass "nodelist name changed (no entry for this host): conf.nodeid-name fails"

sed "s/ring0_addr: $(node_address 1)\$/ring0_addr: 198.18.0.99/" "$cluster_dir/corosync.conf" >"$scratch/moved.conf"
use_conf "$scratch/moved.conf"
doctor_live
# corosync runs the address in CMAP; the file's is what a restart would bring.
[ "$(doctor_status net.ring-addr)" = warn ] || fail "ring0_addr elsewhere: $(cat "$scratch/doctor.json")"
contains "$(jq -r '.findings[] | select(.id == "net.ring-addr") | .meaning' "$scratch/doctor.json")" \
  "the file gives ring0_addr 198.18.0.99, on no local interface: after a restart or reload this node would stay alone"
[ "$(doctor_status runtime.config-version)" = fail ] || fail "ring0_addr elsewhere, not reloaded: $(cat "$scratch/doctor.json")"
pass "ring0_addr on no interface in the file only: net.ring-addr warns naming the address, runtime.config-version fails"
use_conf "$cluster_dir/corosync.conf"

write_hosts 198.18.0.77
doctor_live
[ "$(doctor_status net.name-resolution)" = warn ] || fail "hosts elsewhere: $(cat "$scratch/doctor.json")"
contains "$(jq -r '.findings[] | select(.id == "net.name-resolution") | .evidence.problems[0]' "$scratch/doctor.json")" \
  "node1 resolves to 198.18.0.77, its ring0_addr is $(node_address 1)"
write_hosts "$(node_address 1)"
pass "/etc/hosts pointing the node name elsewhere: net.name-resolution warns"

sed -i 's/config_version: 1/config_version: 2/' "$cluster_dir/corosync.conf"
probe >/dev/null
[ "$(field .config_version)" = 1 ] && [ "$(cmap totem.config_version)" = 1 ] || fail "runtime config_version"
run 0 "$PMXSNAP" inspect "$cluster_dir/corosync.conf" --json
[ "$(jq -r .config_version <<<"$out")" = 2 ] || fail "file config_version"
pass "config_version raised in the file (2) but not reloaded: runtime still 1"
sed -i 's/config_version: 2/config_version: 1/' "$cluster_dir/corosync.conf"

# A corosync that accepts the IPC connection but never answers: the real
# daemon, stopped with SIGSTOP. The probe must give up within its bound.
kill -STOP "${cluster_pids[1]}"
start=$(date +%s%N)
in_node 1 "$LIVEPROBE" 1500 >"$scratch/probe.json" 2>/dev/null || true
took_ms=$(( ($(date +%s%N) - start) / 1000000 ))
start=$(date +%s%N)
doctor_live
doctor_ms=$(( ($(date +%s%N) - start) / 1000000 ))
start=$(date +%s%N)
as_pve_node "$PMXSNAP" diff latest live --repo "$repo" --pubkey "$pub" --json >"$scratch/diff-hung.json" 2>"$scratch/diff-hung.err" || true
diff_ms=$(( ($(date +%s%N) - start) / 1000000 ))
kill -CONT "${cluster_pids[1]}"
[ "$diff_ms" -lt 10000 ] || fail "diff live took ${diff_ms} ms against a hung corosync"
# Under --json the warning travels in the document; stderr stays silent.
contains "$(jq -r '.warnings[]?' "$scratch/diff-hung.json")" "did not answer"
[ ! -s "$scratch/diff-hung.err" ] || fail "diff --json wrote to stderr: $(cat "$scratch/diff-hung.err")"
[ "$(jq '.corosync.running | map(select(.when == "now")) | length' "$scratch/diff-hung.json")" = 0 ] ||
  fail "a hung corosync must not give a running column"
[ "$(doctor_status runtime.cmap)" = fail ] || fail "doctor against a hung corosync: $(cat "$scratch/doctor.json")"
[ "$doctor_ms" -lt 10000 ] || fail "doctor took ${doctor_ms} ms against a hung corosync (bound: 10 s)"
[ "$(field .reachable)" = false ] || fail "a hung corosync was reported reachable"
contains "$(field .error)" "did not answer within 1500 ms"
[ "$took_ms" -lt 5000 ] || fail "the probe took ${took_ms} ms against a hung corosync"
pass "a hung corosync (SIGSTOP): the probe gives up after ${took_ms} ms, doctor finishes in ${doctor_ms} ms, diff live in ${diff_ms} ms (comparing the files)"
wait_for_members 1 3

stop_node 3
wait_for_members 1 2
probe >/dev/null
[ "$(field .quorate)" = true ] && quorumtool | grep -q 'Quorate: *Yes' || fail "one stopped: quorate"
[ "$(field '[.members[] | select(.status == "joined")] | length')" = 2 ] || fail "one stopped: members"
quorumtool | grep -q 'Nodes: *2' || fail "quorumtool disagrees on 2 nodes"
pass "one node stopped: 2 members, quorate"

stop_node 2
wait_for_members 1 1
probe >/dev/null
[ "$(field .quorate)" = false ] && quorumtool | grep -q 'Quorate: *No' || fail "two stopped: still quorate?"
pass "two nodes stopped: not quorate"
doctor_live
[ "$(doctor_status quorum.state)" = fail ] || fail "doctor with two nodes stopped: $(cat "$scratch/doctor.json")"
[ "$(jq -r .first_failing_layer "$scratch/doctor.json")" = quorum ] || fail "first failing layer should be quorum"
[ "$(doctor_status quorum.partition)" = warn ] &&
  [ "$(jq -r '.findings[] | select(.id == "quorum.partition") | .evidence.missing | join(",")' "$scratch/doctor.json")" = node2,node3 ] ||
  fail "quorum.partition should name node2 and node3: $(cat "$scratch/doctor.json")"
[ "$(doctor_status runtime.links)" = warn ] || fail "runtime.links with peers down: $(cat "$scratch/doctor.json")"
pass "doctor with two nodes stopped: quorum.state fails (first failing layer quorum), quorum.partition names node2 and node3"

stop_node 1
start=$(date +%s%N)
probe >/dev/null
took_ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$(field .reachable)" = false ] || fail "stopped corosync reported reachable"
[ "$(field .error)" = "corosync is not running or its IPC is unreachable (cannot initialize CMAP service)" ] ||
  fail "error: $(field .error)"
in_node 1 corosync-cmapctl -g totem.cluster_name >/dev/null 2>&1 && fail "cmapctl still answers"
pass "corosync stopped on the node read: the CMAP error, in ${took_ms} ms"
doctor_live
[ "$(doctor_status runtime.cmap)" = fail ] || fail "doctor with corosync stopped: $(cat "$scratch/doctor.json")"
[ "$(jq -r .first_failing_layer "$scratch/doctor.json")" = corosync ] || fail "first failing layer should be corosync"
contains "$(jq -r '.findings[] | select(.id == "runtime.cmap") | .meaning' "$scratch/doctor.json")" \
  "cannot initialize CMAP service"
pass "doctor with corosync stopped: runtime.cmap fails with the CMAP message, first failing layer corosync"

# The commands doctor's decisions printed in these scenarios, run on a copy
# of node 1 (--root, --offline): none is one pmxsnap rejects.
grep -o '`pmxsnap [^`]*`' "$scratch/decisions" | tr -d '`' >"$scratch/commands" || true
[ -s "$scratch/commands" ] || fail "doctor printed no pmxsnap command: $(sort -u "$scratch/decisions")"
pve_node_root "$scratch/node1"
accept_printed_commands "$scratch/commands" "$scratch/node1" "$repo"
pass "every pmxsnap command doctor's decisions printed on the live cluster ($checked distinct, $situational refused by the situation) is accepted"
