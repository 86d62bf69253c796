# restore plan's auto mode on a real 3-node corosync cluster (network
# namespaces, corosync_cluster.sh), run on node 1 as a live host: it never
# proposes `pvecm create` while the peers are alive or merely silent, and
# chooses the cluster scenario only once they are shown gone.
# - all up: the quorate membership is seen — a file or rejoin plan;
# - nodes 2 and 3 stopped, their hosts up: their ring addresses refuse UDP
#   5405 (a host whose corosync is down is not a lost node) — undecided, exit 1;
# - nodes 2 and 3 gone (their namespaces deleted): unreachable — cluster.
# Every pmxsnap command these plans print is then accepted by pmxsnap.
source "$TESTLIB"
source "$(dirname "$TESTLIB")/corosync_cluster.sh"
need_cluster_tools
need jq sqlite3
cluster_up 3

# Node 1 as a Proxmox node: a fixture's db and host files in its mount
# namespace, the running cluster's corosync.conf in both places.
make_cluster_pve_node
make_key
run 0 as_pve_node "$PMXSNAP" snapshot --repo "$repo" --key "$key"
# plan: the auto plan on node 1, as JSON in $out, its exit in $status
# (0 or 1 by its preconditions; never 2).
plan() {
  set +e
  as_pve_node "$PMXSNAP" restore plan latest --repo "$repo" --pubkey "$pub" --json >"$scratch/plan.json" 2>"$scratch/plan.err"
  status=$?
  set -e
  out=$(cat "$scratch/plan.json")
  [ "$status" -le 1 ] || fail "restore plan exit $status: $(cat "$scratch/plan.err") $out"
  ! grep -q "pvecm create" <<<"$out" || [ "$(jq -r .scenario <<<"$out")" = cluster ] ||
    fail "pvecm create in a plan that is not the cluster scenario: $out"
  jq -r '(.steps[].command, .choices[].command) | select(type == "string" and startswith("pmxsnap "))' \
    <<<"$out" >>"$scratch/commands"
}
: >"$scratch/commands"
field() { jq -r "$1" <<<"$out"; }

plan
case "$(field .scenario)" in file | rejoin) ;; *) fail "all up: scenario $(field .scenario): $out";; esac
grep -q "pvecm create" <<<"$out" && fail "all up: pvecm create in $out"
pass "all up: the quorate membership is seen, scenario $(field .scenario), no pvecm create"

stop_node 2; stop_node 3
wait_for_members 1 1
plan
[ "$status" = 1 ] && [ "$(field .decided)" = false ] || fail "peers stopped, hosts up: decided $(field .scenario): $out"
contains "$(field .chosen_because)" "refused"
pass "nodes 2 and 3 stopped, hosts up: their ring addresses refuse UDP 5405; undecided, exit 1, no pvecm create"

remove_node_host 2; remove_node_host 3
# As for a node gone a while: no neighbour entry left from when it was up
# (a fresh stale entry takes the kernel ~8 s to give up on, and until then
# the peer is silent, which never counts as gone).
ip -n "$(node_ns 1)" neigh flush all
plan
[ "$(field .scenario)" = cluster ] || fail "peers gone: $(field .scenario) because $(field .chosen_because)"
contains "$(field .chosen_because)" "unreachable"
pass "nodes 2 and 3 gone: their ring addresses are unreachable; the cluster scenario, saying why"

# The commands the three plans printed, run on a copy of node 1 (--root,
# --offline): none is one pmxsnap rejects.
[ "$(sort -u "$scratch/commands" | wc -l)" -ge 2 ] || fail "too few commands in the plans: $(cat "$scratch/commands")"
pve_node_root "$scratch/node1"
accept_printed_commands "$scratch/commands" "$scratch/node1" "$repo"
pass "every pmxsnap command the live plans printed ($checked distinct, $situational refused by the situation) is accepted"
