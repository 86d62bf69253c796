# A real corosync 3 cluster for the tests: N nodes in network namespaces
# (veth into a bridge in its own namespace, 198.18.0.0/15 addresses inside
# them only), each node in its own mount namespace with a private /run and
# /var/lib/corosync. Everything is torn down on exit, and only what was
# started here is killed. Sourced after lib.sh.

cluster_id=$(( $$ % 100000 ))
cluster_dir=$scratch/cluster
declare -a cluster_pids=()

need_cluster_tools() {
  [ "$(id -u)" -eq 0 ] || skip "a real corosync cluster needs root (network namespaces)"
  need corosync corosync-keygen corosync-cmapctl corosync-quorumtool ip unshare
  ip netns add "pxt$cluster_id-probe" 2>/dev/null || skip "cannot create network namespaces here"
  ip netns del "pxt$cluster_id-probe"
}

node_ns() { echo "pxt$cluster_id-n$1"; }
bridge_ns() { echo "pxt$cluster_id-br"; }
node_address() { echo "198.18.0.$((10 + $1))"; }

# in_node I CMD...: runs CMD inside node I's network and mount namespaces.
in_node() {
  local i=$1; shift
  ip netns exec "$(node_ns "$i")" unshare -m sh -c '
    mount --make-rprivate / && mount --bind "$1/run" /run && mount --bind "$1/lib" /var/lib/corosync &&
    shift && exec "$@"' sh "$cluster_dir/n$i" "$@"
}

write_cluster_conf() { # N CONFIG_VERSION
  local n=$1 version=$2 i
  {
    printf 'totem {\n  version: 2\n  cluster_name: testclu\n  config_version: %s\n' "$version"
    printf '  transport: knet\n  crypto_cipher: aes256\n  crypto_hash: sha256\n'
    printf '  keyfile: %s/authkey\n  token: 1000\n  interface {\n    linknumber: 0\n  }\n}\n' "$cluster_dir"
    printf 'nodelist {\n'
    for i in $(seq 1 "$n"); do
      printf '  node {\n    name: node%s\n    nodeid: %s\n    quorum_votes: 1\n    ring0_addr: %s\n  }\n' \
        "$i" "$i" "$(node_address "$i")"
    done
    printf '}\nquorum {\n  provider: corosync_votequorum\n}\nlogging {\n  to_stderr: yes\n  to_syslog: no\n}\n'
  } >"$cluster_dir/corosync.conf"
}

# Each program execs the next (ip → unshare → sh → corosync), so the pid
# recorded here is corosync's own: stop_node kills exactly what it started.
# Node I reads $cluster_dir/nI/corosync.conf when there is one (a per-node
# edit), else the cluster's shared corosync.conf.
start_node() {
  local i=$1 conf=$cluster_dir/corosync.conf
  [ ! -f "$cluster_dir/n$i/corosync.conf" ] || conf=$cluster_dir/n$i/corosync.conf
  (exec ip netns exec "$(node_ns "$i")" unshare -m sh -c '
    mount --make-rprivate / && mount --bind "$1/run" /run && mount --bind "$1/lib" /var/lib/corosync &&
    exec corosync -f -c "$2"' sh "$cluster_dir/n$i" "$conf") >"$cluster_dir/n$i/corosync.log" 2>&1 &
  cluster_pids[$i]=$!
}

# wait_for_exit I SECONDS: node I's corosync exits by itself (bounded);
# its log stays in $cluster_dir/nI/corosync.log.
wait_for_exit() {
  local i=$1 pid=${cluster_pids[$1]:-} tries
  for tries in $(seq 1 $(($2 * 5))); do
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; cluster_pids[$i]=; return 0; }
    sleep 0.2
  done
  fail "node $i's corosync still runs after $2 s; log: $(tail -5 "$cluster_dir/n$i/corosync.log")"
}

# The network around node I: its bridge port down or up (the node's eth0
# loses or regains carrier), its eth0's MTU.
bridge_port() { ip -n "$(bridge_ns)" link set "pxt${cluster_id}v$1" "$2"; }
node_mtu() { ip -n "$(node_ns "$1")" link set eth0 mtu "$2"; }

stop_node() {
  local i=$1 pid=${cluster_pids[$1]:-}
  [ -n "$pid" ] || return 0
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  cluster_pids[$i]=
}

# remove_node_host I: node I's host disappears — corosync stopped, its
# namespace deleted. The kernel tears a namespace down asynchronously (slow
# on a loaded machine), and until then its end of the veth may still answer
# ARP; so this waits until its bridge port is gone (bounded).
remove_node_host() {
  local i=$1 tries
  stop_node "$i"
  ip netns del "$(node_ns "$i")"
  for tries in $(seq 1 150); do
    ip -n "$(bridge_ns)" link show "pxt${cluster_id}v$i" >/dev/null 2>&1 || return 0
    sleep 0.2
  done
  fail "node $i's namespace was deleted but its bridge port pxt${cluster_id}v$i is still there after 30 s"
}

cluster_down() {
  local i
  for i in "${!cluster_pids[@]}"; do stop_node "$i"; done
  for ns in $(ip netns list | awk '{print $1}' | grep "^pxt$cluster_id-"); do ip netns del "$ns"; done
}

cluster_up() { # N
  local n=$1 i
  mkdir -p "$cluster_dir"
  corosync-keygen -k "$cluster_dir/authkey" >/dev/null 2>&1
  write_cluster_conf "$n" 1
  trap 'status_seen=$?; cluster_down; on_exit $status_seen' EXIT
  ip netns add "$(bridge_ns)"
  ip -n "$(bridge_ns)" link add br0 type bridge
  ip -n "$(bridge_ns)" link set br0 up
  for i in $(seq 1 "$n"); do
    mkdir -p "$cluster_dir/n$i/run" "$cluster_dir/n$i/lib"
    ip netns add "$(node_ns "$i")"
    ip link add "pxt${cluster_id}v$i" type veth peer name eth0 netns "$(node_ns "$i")"
    ip link set "pxt${cluster_id}v$i" netns "$(bridge_ns)"
    ip -n "$(bridge_ns)" link set "pxt${cluster_id}v$i" master br0 up
    ip -n "$(node_ns "$i")" addr add "$(node_address "$i")/24" dev eth0
    ip -n "$(node_ns "$i")" link set eth0 up
    ip -n "$(node_ns "$i")" link set lo up
    start_node "$i"
  done
  wait_for_members 1 "$n"
}

# wait_for_members I COUNT: until node I sees COUNT joined members (bounded).
wait_for_members() {
  local i=$1 want=$2 tries
  for tries in $(seq 1 100); do
    local got
    got=$(in_node "$i" corosync-cmapctl -b runtime.members 2>/dev/null | grep -c 'status (str) = joined' || true)
    [ "$got" -eq "$want" ] && return 0
    sleep 0.2
  done
  fail "node $i never saw $want members (last: $got); log: $(tail -5 "$cluster_dir/n$i/corosync.log")"
}

# A pmxsnap node on cluster node 1: a fixture (cluster testclu, node pve1)
# under $scratch/root made one of this cluster's nodes — its name (node1)
# and its /etc/pve copy of corosync.conf — and as_pve_node CMD... running
# CMD in node 1's namespaces with the fixture's db and host files at their
# real paths, the running cluster's corosync.conf (or $NODE_CONF) as
# /etc/corosync/corosync.conf, $scratch/hosts as /etc/hosts, and
# $NODE_RESOLV (when set) as /etc/resolv.conf.
make_cluster_pve_node() {
  make_node --preset typical --cluster testclu --node pve1
  echo node1 >"$scratch/hostname"
  sqlite3 "$scratch/root/var/lib/pve-cluster/config.db" \
    "update tree set data = readfile('$cluster_dir/corosync.conf') where parent = 0 and name = 'corosync.conf';
     update tree set name = 'node' || substr(name, 4)
       where parent = (select inode from tree where parent = 0 and name = 'nodes') and name like 'pve_'"
  write_hosts "$(node_address 1)"
}
# PVE_NODE=I runs it as node I instead, from the copy make_peer_pve_node made.
as_pve_node() {
  local i=${PVE_NODE:-1} base=$scratch
  [ "$i" = 1 ] || base=$scratch/peer$i
  ip netns exec "$(node_ns "$i")" unshare -m sh -c '
    mount --make-rprivate / && mount --bind "$1/run" /run && mount -t tmpfs tmpfs /var/lib &&
    mkdir -p /var/lib/corosync /var/lib/pve-cluster && mount --bind "$1/lib" /var/lib/corosync &&
    mount --bind "$2/var/lib/pve-cluster" /var/lib/pve-cluster &&
    mount --bind "$2/../hostname" /etc/hostname && mount --bind "$2/etc/corosync" /etc/corosync &&
    mount --bind "$3" /etc/corosync/corosync.conf && mount --bind "$2/../hosts" /etc/hosts &&
    { [ -z "$4" ] || mount --bind "$4" /etc/resolv.conf; } &&
    shift 4 && exec "$@"' sh "$cluster_dir/n$i" "$base/root" "${NODE_CONF:-$cluster_dir/corosync.conf}" "${NODE_RESOLV:-}" "$@"
}
# make_peer_pve_node I: node 1's fixture copied for node I (its hostname).
make_peer_pve_node() {
  mkdir -p "$scratch/peer$1"
  cp -a "$scratch/root" "$scratch/peer$1/root"
  echo "node$1" >"$scratch/peer$1/hostname"
  cp "$scratch/hosts" "$scratch/peer$1/hosts"
}
write_hosts() { # the address node1 resolves to
  { echo "127.0.0.1 localhost"; echo "$1 node1.test node1"
    echo "$(node_address 2) node2"; echo "$(node_address 3) node3"; } >"$scratch/hosts"
}
# pve_node_root DIR: node 1 as as_pve_node shows it, copied to DIR for
# commands run with --root (accept_printed_commands): the fixture with
# node 1's hostname, the running cluster's corosync.conf (or $NODE_CONF)
# and $scratch/hosts.
pve_node_root() {
  local dir=$1
  rm -rf "$dir"
  cp -a "$scratch/root" "$dir"
  cp "$scratch/hostname" "$dir/etc/hostname"
  cp "${NODE_CONF:-$cluster_dir/corosync.conf}" "$dir/etc/corosync/corosync.conf"
  cp "$scratch/hosts" "$dir/etc/hosts"
}
