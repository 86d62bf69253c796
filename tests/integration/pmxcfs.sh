# The real pmxcfs (pve-cluster 9.1.6, built once per build tree from
# ../shared/third_party/pmxcfs) serving a db in local mode (pmxcfs -l -f),
# in private mount, network, UTS and PID namespaces: /etc and /var/lib are
# overlays (so /etc/pve and /var/lib/pve-cluster can exist without touching
# the host's, which a CI machine does not have), /run and /dev/shm are
# private tmpfs, /var/lib/pve-cluster is a scratch directory, the host name is
# the node's. pmxcfs was seen to hang in start and stop under load, so both
# are bounded: at the deadline the harness kills its own namespace (the PID
# namespace dies with everything in it) and says so. Sourced after lib.sh.

pmxcfs_build_dir=$(cd "$(dirname "$(dirname "$PMXSNAP")")" && pwd)/pmxcfs
pmxcfs_binary=$pmxcfs_build_dir/pmxcfs

# The sources sit beside the repository in the workspace (never vendored).
pmxcfs_sources() {
  local dir
  for dir in "${PMXCFS_SOURCES:-}" "$(dirname "$TESTLIB")/../../../shared/third_party/pmxcfs"; do
    [ -n "$dir" ] && [ -x "$dir/build.sh" ] && { cd "$dir" && pwd; return 0; }
  done
  return 1
}

need_pmxcfs() {
  [ "$(id -u)" -eq 0 ] || skip "the real pmxcfs needs root (namespaces, FUSE)"
  need unshare mountpoint sqlite3
  [ -c /dev/fuse ] || skip "no /dev/fuse here"
  local sources
  sources=$(pmxcfs_sources) || skip "no pmxcfs sources (../shared/third_party/pmxcfs; PMXCFS_SOURCES)"
  mkdir -p "$pmxcfs_build_dir"
  # One build per tree, whichever test comes first; the others wait for it.
  (
    flock 9
    [ -x "$pmxcfs_binary" ] || "$sources/build.sh" "$pmxcfs_build_dir" >"$pmxcfs_build_dir/build.log" 2>&1 ||
      fail "building pmxcfs failed: $(tail -5 "$pmxcfs_build_dir/build.log")"
  ) 9>"$pmxcfs_build_dir/.lock"
  [ -x "$pmxcfs_binary" ] || fail "no pmxcfs binary after the build: $pmxcfs_binary"
}

# The inside of the namespaces: $1 scratch, $2 node name, $3 pmxcfs, $4 start
# deadline (s), then the command to run while /etc/pve is served. Exit 90:
# pmxcfs did not mount /etc/pve (its log says why); 91: it hung in start.
pmxcfs_inside='
set -eu
s=$1 node=$2 pmxcfs=$3 deadline=$4; shift 4
mount --make-rprivate /
mkdir -p "$s/etc-upper" "$s/etc-work" "$s/lib-upper" "$s/lib-work"
mount -t overlay overlay -o "lowerdir=/etc,upperdir=$s/etc-upper,workdir=$s/etc-work" /etc
mount -t overlay overlay -o "lowerdir=/var/lib,upperdir=$s/lib-upper,workdir=$s/lib-work" /var/lib
mkdir -p /etc/pve /var/lib/pve-cluster
printf "127.0.0.1 localhost\n198.18.0.11 %s.test %s\n" "$node" "$node" >/etc/hosts
hostname "$node"
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /dev/shm
mount --bind "$s/lib" /var/lib/pve-cluster
ip link set lo up
"$pmxcfs" -l -f >"$s/pmxcfs.log" 2>&1 &
pid=$!
tries=$((deadline * 10))
while ! mountpoint -q /etc/pve; do
  kill -0 "$pid" 2>/dev/null || { wait "$pid" || true; exit 90; }
  tries=$((tries - 1))
  [ "$tries" -gt 0 ] || exit 91
  sleep 0.1
done
set +e
"$@"
status=$?
# pmxcfs was seen to hang in its stop (a futex, after a 262,144-entry
# listing): what it served is the test, so it gets five seconds to unmount.
kill "$pid"
tries=50
while kill -0 "$pid" 2>/dev/null && [ "$tries" -gt 0 ]; do sleep 0.1; tries=$((tries - 1)); done
[ "$tries" -gt 0 ] || { echo "note: pmxcfs did not stop within 5 s of SIGTERM; killed" >&2; kill -9 "$pid"; }
wait "$pid" 2>/dev/null || true
exit "$status"
'

# pmxcfs_serve DB NODE CMD...: pmxcfs serves a copy of DB (with its -wal if
# any) as node NODE while CMD runs inside; $pmxcfs_status is CMD's exit, or
# 90 when pmxcfs refused the db (its log in $pmxcfs_log), 91 when it hung.
# The db directory it served stays in $pmxcfs_lib.
pmxcfs_serve() {
  local db=$1 node=$2; shift 2
  local dir
  dir=$(mktemp -d "$scratch/pmxcfs.XXXXXX")
  mkdir -p "$dir/lib"
  cp "$db" "$dir/lib/config.db"
  [ ! -e "$db-wal" ] || cp "$db-wal" "$dir/lib/config.db-wal"
  pmxcfs_serve_dir "$dir" "$node" "$@"
}
# pmxcfs_serve_dir DIR NODE CMD...: as pmxcfs_serve, on DIR/lib as it is.
pmxcfs_serve_dir() {
  local dir=$1 node=$2; shift 2
  pmxcfs_lib=$dir/lib
  pmxcfs_log=$dir/pmxcfs.log
  set +e
  timeout -s KILL "${PMXCFS_DEADLINE:-450}" unshare -m -n -u -p --fork --kill-child --mount-proc \
    sh -c "$pmxcfs_inside" sh "$dir" "$node" "$pmxcfs_binary" 15 "$@"
  pmxcfs_status=$?
  set -e
  [ "$pmxcfs_status" -ne 91 ] || echo "note: pmxcfs hung in start; killed with its namespace" >&2
  [ "$pmxcfs_status" -ne 137 ] || echo "note: pmxcfs (or the command) hung; killed with its namespace" >&2
  ! findmnt -rn -o TARGET | grep -q "^$dir" || fail "mounts left under $dir"
}

# $served_tree: a script listing what /etc/pve serves, one line per entry
# below it — type, mode, uid:gid, sha256 (files; "-" else), path — without
# pmxcfs's own status files (.version, .members, .vmlist, ...) and its node
# links (local, qemu-server, lxc, openvz), which $served_links lists. Run
# inside: `sh "$served_tree"`. (Paths with blanks would need another format;
# the corpus has none.)
served_tree=$scratch/served-tree.sh
cat >"$served_tree" <<'SCRIPT'
cd /etc/pve
find . -mindepth 1 ! -path "./.*" ! -type l -printf "%y %m %U:%G %P\n" | LC_ALL=C sort -k4 >/run/meta
find . -mindepth 1 ! -path "./.*" -type f -print0 | xargs -0r sha256sum | sed "s|  \./| |" |
  LC_ALL=C sort -k2 >/run/sums
LC_ALL=C join -1 4 -2 2 -a 1 -e - -o "1.1 1.2 1.3 2.1 0" /run/meta /run/sums
SCRIPT
served_links=$scratch/served-links.sh
echo 'cd /etc/pve && find . -maxdepth 1 -type l -printf "%P -> %l\n" | LC_ALL=C sort' >"$served_links"

# archive_tree ARCHIVE: the archive's pve/ members in $served_tree's format
# (needs jq and $pub).
archive_tree() { # ARCHIVE
  "$PMXSNAP" ls "$1" --pubkey "$pub" --json | jq -r '
    .members[] | select(.member | startswith("pve/")) |
    "\(if .type == "directory" then "d" else "f" end) \(.mode | ltrimstr("0")) \(.uid):\(.gid) \(.sha256 // "-") \(.member | ltrimstr("pve/"))"' |
    LC_ALL=C sort -k5
}

# The guests of the archive as .vmlist lists them: "ID NODE TYPE", sorted.
archive_guests() { # ARCHIVE
  "$PMXSNAP" ls "$1" --pubkey "$pub" --json | jq -r '
    .members[] | .member | capture("^pve/nodes/(?<node>[A-Za-z0-9-]+)/(?<dir>qemu-server|lxc|openvz)/(?<id>[1-9][0-9]*)\\.conf$") |
    "\(.id) \(.node) \(if .dir == "qemu-server" then "qemu" else .dir end)"' | LC_ALL=C sort
}
served_guests() { # VMLIST_JSON
  jq -r '.ids | to_entries[] | "\(.key) \(.value.node) \(.value.type)"' "$1" | LC_ALL=C sort
}

# pmxsnap's verdict on DB, from inspect's violations and their effects.
pmxsnap_verdict() { # DB
  local json
  json=$("$PMXSNAP" inspect "$1" --json || true)
  jq -r '[.violations[].effect] as $e |
    if ($e | index("refuses to start")) then "refuses"
    elif ($e | length) > 0 then "drops"
    else "loads" end' <<<"$json"
}

# The rule of pmxsnap's first "refuses to start" violation of DB ("" if none).
pmxsnap_refusal_rule() { # DB
  { "$PMXSNAP" inspect "$1" --json || true; } |
    jq -r '[.violations[] | select(.effect == "refuses to start") | .rule] | first // ""'
}

# What pmxcfs logs when it refuses a db for RULE, read in its sources:
# database.c (bdb_backend_load_index), status.c (vmlist_hash_insert_vm) and
# memdb.c (vmlist_add_dir's g_return_val_if_fail, which glib logs as
# "FUNCTION: assertion 'EXPR' failed" through pmxcfs's log handler).
pmxcfs_refusal_phrase() { # RULE
  case $1 in
    no-name) echo "inode has no name" ;;
    unknown-type) echo "inode has unknown type" ;;
    directory-with-data) echo "directory inode contains data" ;;
    root-name) echo "root inode has unexpected name" ;;
    parent-not-directory) echo "parent is not a directory" ;;
    missing-parent) echo "missing directory inode" ;;
    duplicate-name) echo "found entry with duplicate name" ;;
    duplicate-vmid) echo "detected duplicate VMID" ;;
    guest-dir-not-directory) echo "vmlist_add_dir: assertion 'subdir->type == DT_DIR' failed" ;;
    *) return 1 ;;
  esac
}

# pmxcfs_agree NAME DB ROOT: pmxcfs and pmxsnap agree on DB; when pmxcfs
# serves it, the served tree equals the archive of a copy of ROOT holding DB,
# its node links are pve1's and its .vmlist lists the archive's guests.
# Counts the cases in $pmxcfs_cases.
pmxcfs_cases=0
pmxcfs_agree() {
  local name=$1 db=$2 base_root=$3 want verdict
  want=$(pmxsnap_verdict "$db")
  local case_dir=$scratch/case-$name
  mkdir -p "$case_dir"
  pmxcfs_serve "$db" pve1 sh -c 'sh "$1" >"$3/served" && sh "$2" >"$3/links" && cp /etc/pve/.vmlist "$3/vmlist"' \
    sh "$served_tree" "$served_links" "$case_dir"
  case $pmxcfs_status in
    0) verdict=loads ;;
    90) verdict=refuses
        grep -q "memdb_open failed" "$pmxcfs_log" || fail "$name: pmxcfs exited, but not for its db: $(tail -3 "$pmxcfs_log")"
        # For the cause pmxsnap names first (the corpus breaks one rule a db).
        local rule phrase
        rule=$(pmxsnap_refusal_rule "$db")
        if [ -n "$rule" ]; then
          phrase=$(pmxcfs_refusal_phrase "$rule") || fail "$name: no pmxcfs log phrase known for rule $rule"
          grep -qF -- "$phrase" "$pmxcfs_log" ||
            fail "$name: pmxsnap says $rule, but pmxcfs's log does not say \"$phrase\": $(tail -5 "$pmxcfs_log")"
        fi ;;
    *) fail "$name: pmxcfs did not answer (status $pmxcfs_status): $(tail -3 "$pmxcfs_log")" ;;
  esac
  # pmxcfs has no word for "drops": it serves, and entries are missing.
  [ "$want" != drops ] || [ "$verdict" != loads ] || verdict=drops
  [ "$verdict" = "$want" ] ||
    fail "$name: pmxsnap says $want, pmxcfs $verdict: $(tail -3 "$pmxcfs_log"); inspect: $("$PMXSNAP" inspect "$db" 2>&1 | tail -3)"
  if [ "$verdict" != refuses ]; then
    rm -rf "$case_dir/root" "$case_dir/repo"
    cp -a "$base_root" "$case_dir/root"
    rm -f "$case_dir/root/var/lib/pve-cluster/config.db"*
    cp "$db" "$case_dir/root/var/lib/pve-cluster/config.db"
    [ ! -e "$db-wal" ] || cp "$db-wal" "$case_dir/root/var/lib/pve-cluster/config.db-wal"
    set +e
    "$PMXSNAP" snapshot --root "$case_dir/root" --repo "$case_dir/repo" --key "$key" >/dev/null 2>"$case_dir/snapshot.err"
    local snapshot_status=$?
    set -e
    [ "$snapshot_status" -le 1 ] || fail "$name: snapshot exit $snapshot_status: $(cat "$case_dir/snapshot.err")"
    local archive
    archive=$(find "$case_dir/repo" -name '*.pmxsnap' | head -1)
    archive_tree "$archive" >"$case_dir/archived"
    diff -u "$case_dir/archived" "$case_dir/served" >"$case_dir/tree.diff" ||
      fail "$name: pmxcfs serves another tree than the archive holds: $(head -20 "$case_dir/tree.diff")"
    printf 'local -> nodes/pve1\nlxc -> nodes/pve1/lxc\nopenvz -> nodes/pve1/openvz\nqemu-server -> nodes/pve1/qemu-server\n' >"$case_dir/links.want"
    diff -u "$case_dir/links.want" "$case_dir/links" >&2 || fail "$name: pmxcfs's node links differ"
    archive_guests "$archive" >"$case_dir/guests.archived"
    served_guests "$case_dir/vmlist" >"$case_dir/guests.served"
    diff -u "$case_dir/guests.archived" "$case_dir/guests.served" >&2 || fail "$name: .vmlist differs from the archive's guests"
  fi
  pmxcfs_cases=$((pmxcfs_cases + 1))
  echo "  $name: $verdict (pmxsnap and pmxcfs agree)"
}
