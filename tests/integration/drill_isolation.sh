# Run by test_drill.sh under `unshare -m -p`: a stand-in for a Proxmox node's
# own state — /etc/pve, /var/lib/pve-cluster (a db), /run — on overlays and a
# tmpfs of this private mount namespace, so the test never writes the
# machine's own /etc or /var/lib. Then three drills: a normal one, one whose
# pmxcfs is SIGKILLed while it serves, and one whose pmxcfs hangs (SIGSTOP)
# until the drill's deadline. After each, the node's paths are byte for byte
# what they were, the mount table is the same, and no pmxcfs is left.
# Arguments: SCRATCH ARCHIVE PUB PMXCFS STANDIN_DB. Prints "ok: ..." lines;
# exits non-zero on the first difference.
set -euo pipefail
s=$1 archive=$2 pub=$3 pmxcfs=$4 standin_db=$5

mount --make-rprivate /
mkdir -p "$s/iso"
mount -t tmpfs tmpfs "$s/iso"
mkdir -p "$s/iso/etc-upper" "$s/iso/etc-work" "$s/iso/lib-upper" "$s/iso/lib-work"
mount -t overlay overlay -o "lowerdir=/etc,upperdir=$s/iso/etc-upper,workdir=$s/iso/etc-work" /etc
mount -t overlay overlay -o "lowerdir=/var/lib,upperdir=$s/iso/lib-upper,workdir=$s/iso/lib-work" /var/lib
mount -t tmpfs tmpfs /run
mkdir -p /etc/pve/nodes/pve1 /var/lib/pve-cluster /run/pve-cluster
cp "$standin_db" /var/lib/pve-cluster/config.db
printf 'dir: local\n\tpath /var/lib/vz\n' >/etc/pve/storage.cfg
printf 'the node'"'"'s own\n' >/etc/pve/nodes/pve1/stand-in.conf
echo 4242 >/run/pve-cluster/stand-in.pid
# The drills' own temp directory: other tests' runs come and go in /tmp.
export TMPDIR=$s/drill-tmp
mkdir -p "$TMPDIR"

fail() { echo "FAIL: $*" >&2; exit 1; }
node_state() {
  find /etc/pve /var/lib/pve-cluster /run -xdev -printf '%y %m %U:%G %s %p\n' | LC_ALL=C sort
  find /etc/pve /var/lib/pve-cluster /run -xdev -type f -exec sha256sum {} + | LC_ALL=C sort
  # Other tests' network namespaces (ip netns, under the host's /run/netns)
  # come and go while this runs, and even in this private mount namespace
  # their nsfs mounts vanish when the host deletes them: not the drill's doing.
  awk '$5 !~ "^/run/netns/"' /proc/self/mountinfo
}
# A process runs pmxcfs when its executable is that file (device and inode:
# the exe link's text names a path in the drill's mount namespace, which in
# a chroot is not this one's).
pmxcfs_file=$(stat -L -c %d:%i "$pmxcfs")
runs_pmxcfs() { [ "$(stat -L -c %d:%i "/proc/$1/exe" 2>/dev/null)" = "$pmxcfs_file" ]; }
pmxcfs_left() {
  local p
  for p in /proc/[0-9]*; do
    ! runs_pmxcfs "${p#/proc/}" || echo "${p#/proc/}"
  done
}
node_state >"$s/before"
check_node() { # WHAT
  node_state >"$s/after"
  diff -u "$s/before" "$s/after" >&2 || fail "$1: the node's /etc/pve, /var/lib/pve-cluster, /run or mounts changed"
  [ -z "$(pmxcfs_left)" ] || fail "$1: pmxcfs left running: $(pmxcfs_left)"
  [ -z "$(ls -A "$TMPDIR")" ] || fail "$1: left in the drill's TMPDIR: $(ls -A "$TMPDIR")"
}

drill() { "$PMXSNAP" verify "$archive" --drill --pmxcfs "$pmxcfs" --pubkey "$pub" "$@"; }

drill >"$s/out" 2>&1 || fail "normal drill: exit $?: $(cat "$s/out")"
check_node "a normal drill"
echo "ok: a normal drill leaves the node's paths, mounts and processes as they were"

# stopped_drill SIGNAL_FOR_PMXCFS TIMEOUT: the drill stops itself once pmxcfs
# serves (the test hook), pmxcfs gets the signal, the drill goes on.
stopped_drill() {
  local signal=$1 timeout=$2 pid state child
  PMXSNAP_TEST_STOP_AT=drill-serving "$PMXSNAP" verify "$archive" --drill --pmxcfs "$pmxcfs" \
    --pubkey "$pub" --drill-timeout "$timeout" >"$s/out" 2>&1 &
  pid=$!
  for _ in $(seq 1 600); do
    state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || echo gone)
    [ "$state" != T ] || break
    [ "$state" != gone ] || fail "the drill ended before its stop point: $(cat "$s/out")"
    sleep 0.05
  done
  [ "$state" = T ] || fail "the drill never reached its stop point"
  child=$(pgrep -P "$pid" || true)
  [ -n "$child" ] || fail "no pmxcfs under the drill"
  runs_pmxcfs "$child" || fail "the drill's child is not pmxcfs"
  kill "-$signal" "$child"
  kill -CONT "$pid"
  set +e
  wait "$pid"
  status=$?
  set -e
}

stopped_drill KILL 30
[ "$status" -eq 1 ] || fail "pmxcfs killed: exit $status: $(cat "$s/out")"
grep -q "pmxcfs died while serving the db" "$s/out" || fail "pmxcfs killed: not said: $(cat "$s/out")"
check_node "a drill whose pmxcfs was killed"
echo "ok: pmxcfs SIGKILLed mid-drill: the drill fails saying so, and the node is untouched"

stopped_drill STOP 4
[ "$status" -eq 1 ] || fail "pmxcfs hung: exit $status: $(cat "$s/out")"
grep -q "pmxcfs stopped answering; killed at the drill's 4 s deadline" "$s/out" ||
  fail "pmxcfs hung: not said: $(cat "$s/out")"
check_node "a drill whose pmxcfs hung"
echo "ok: pmxcfs hung mid-drill: killed at the deadline, the drill fails saying so, and the node is untouched"
