# What pmxsnap says about a db is what the real pmxcfs does with it. For a
# corpus of dbs — fixtures, and one db per pmxcfs rule broken once — the
# verdict of `pmxsnap inspect` (loads / drops entries / refuses to start)
# equals what pmxcfs does when it serves the db in local mode; and for every
# db it serves, the tree it serves (type, mode, owner, content of every entry)
# equals what pmxsnap's archive of that db holds, its node links are this
# node's and its .vmlist lists the archive's guests.
source "$TESTLIB"
source "$(dirname "$TESTLIB")/pmxcfs.sh"
need_pmxcfs
need jq
make_key

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

# check NAME DB: pmxcfs and pmxsnap agree on DB; when pmxcfs serves it, the
# served tree equals the archive of a root holding DB.
cases=0
check() {
  local name=$1 db=$2 want verdict
  want=$(pmxsnap_verdict "$db")
  local case_dir=$scratch/case-$name
  mkdir -p "$case_dir"
  pmxcfs_serve "$db" pve1 sh -c 'sh "$1" >"$3/served" && sh "$2" >"$3/links" && cp /etc/pve/.vmlist "$3/vmlist"' \
    sh "$served_tree" "$served_links" "$case_dir"
  case $pmxcfs_status in
    0) verdict=loads ;;
    90) verdict=refuses
        grep -q "memdb_open failed" "$pmxcfs_log" || fail "$name: pmxcfs exited, but not for its db: $(tail -3 "$pmxcfs_log")" ;;
    *) fail "$name: pmxcfs did not answer (status $pmxcfs_status): $(tail -3 "$pmxcfs_log")" ;;
  esac
  # pmxcfs has no word for "drops": it serves, and entries are missing.
  [ "$want" != drops ] || [ "$verdict" != loads ] || verdict=drops
  [ "$verdict" = "$want" ] ||
    fail "$name: pmxsnap says $want, pmxcfs $verdict: $(tail -3 "$pmxcfs_log"); inspect: $("$PMXSNAP" inspect "$db" 2>&1 | tail -3)"
  if [ "$verdict" != refuses ]; then
    rm -rf "$case_dir/root" "$case_dir/repo"
    cp -a "$scratch/base-root" "$case_dir/root"
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
  cases=$((cases + 1))
  echo "  $name: $verdict (pmxsnap and pmxcfs agree)"
}

# damaged NAME SQL: a copy of the base db with SQL applied, checked.
damaged() {
  local db=$scratch/db-$1/config.db
  mkdir -p "$(dirname "$db")"
  cp "$base_db" "$db"
  sqlite3 "$db" "$2"
  check "$1" "$db"
}

"$MKFIXTURE" --root "$scratch/base-root" --preset typical >/dev/null
base_db=$scratch/base-root/var/lib/pve-cluster/config.db
node_dir="(SELECT inode FROM tree WHERE parent = (SELECT inode FROM tree WHERE parent = 0 AND name = 'nodes') AND name = 'pve1')"
guest_dir() { echo "(SELECT inode FROM tree WHERE parent = (SELECT inode FROM tree WHERE parent = (SELECT inode FROM tree WHERE parent = 0 AND name = 'nodes') AND name = '$1') AND name = '$2')"; }
row="99990, 0, 99990, 1, 1760000000, 8"

# Fixtures: every preset's content that pmxcfs must serve as it is.
check typical "$base_db"
for preset in "typical --pve 8" "typical --wal-tail 5" "large --wal-tail 5"; do
  # shellcheck disable=SC2086 # the preset's words are options
  "$MKFIXTURE" --root "$scratch/fixture-${preset// /_}" --preset $preset >/dev/null
  check "fixture-${preset// /_}" "$scratch/fixture-${preset// /_}/var/lib/pve-cluster/config.db"
done

# Served as they are (pmxcfs's limits apply to writes).
damaged file-900k "INSERT INTO tree VALUES ($row, 'big.cfg', randomblob(921600))"
damaged file-2m "INSERT INTO tree VALUES ($row, 'huge.cfg', randomblob(2097152))"
damaged no-version "DELETE FROM tree WHERE inode = 0"
damaged openvz-script "INSERT INTO tree SELECT 99990, $(guest_dir pve1 openvz), 99990, 1, 1760000000, 8, '101.mount', 'x'"
damaged not-a-guest-config "INSERT INTO tree SELECT 99990, $(guest_dir pve2 qemu-server), 99990, 1, 1760000000, 8, '0100.conf', 'x'"

# pmxcfs refuses to start.
damaged duplicate-vmid-nodes "INSERT INTO tree SELECT 99990, $(guest_dir pve2 qemu-server), 99990, 1, 1760000000, 8, name, data FROM tree WHERE parent = $(guest_dir pve1 qemu-server) LIMIT 1"
damaged duplicate-vmid-types "INSERT INTO tree SELECT 99990, $(guest_dir pve1 lxc), 99990, 1, 1760000000, 8, name, data FROM tree WHERE parent = $(guest_dir pve1 qemu-server) LIMIT 1"
damaged guest-dir-file "INSERT INTO tree SELECT 99990, inode, 99990, 1, 1760000000, 4, 'pve7', NULL FROM tree WHERE parent = 0 AND name = 'nodes';
  INSERT INTO tree VALUES (99991, 99990, 99991, 1, 1760000000, 8, 'qemu-server', 'x')"
damaged no-name "INSERT INTO tree VALUES ($row, '', 'x')"
damaged unknown-type "INSERT INTO tree VALUES (99990, 0, 99990, 1, 1760000000, 10, 'link', 'x')"
damaged directory-with-data "INSERT INTO tree VALUES (99990, 0, 99990, 1, 1760000000, 4, 'dir', 'x')"
damaged root-name "UPDATE tree SET name = 'other' WHERE inode = 0"
damaged missing-parent "INSERT INTO tree VALUES (99990, 424242, 99990, 1, 1760000000, 8, 'orphan.cfg', 'x')"
damaged duplicate-name "INSERT INTO tree VALUES ($row, 'storage.cfg', 'x')"
damaged parent-file-before "INSERT INTO tree SELECT 99990, inode, 99990, 1, 1760000000, 8, 'child.cfg', 'x' FROM tree WHERE parent = 0 AND name = 'storage.cfg'"

# pmxcfs starts, and entries are missing.
damaged parent-file-after "INSERT INTO tree VALUES (99990, 99991, 99990, 1, 1760000000, 8, 'child.cfg', 'x');
  INSERT INTO tree VALUES (99991, 0, 99991, 1, 1760000000, 8, 'late.cfg', 'y')"
damaged cycle "INSERT INTO tree VALUES (99990, 99991, 99990, 1, 1760000000, 4, 'a', NULL);
  INSERT INTO tree VALUES (99991, 99990, 99991, 1, 1760000000, 4, 'b', NULL)"

# A name that is no path component: pmxcfs starts, and listing the directory
# that holds it fails (the kernel refuses the name), so more than the entry
# is missing from what a reader sees.
db=$scratch/db-slash/config.db
mkdir -p "$(dirname "$db")"
cp "$base_db" "$db"
sqlite3 "$db" "INSERT INTO tree VALUES ($row, 'a/b', 'x')"
[ "$(pmxsnap_verdict "$db")" = drops ] || fail "slash-in-name: pmxsnap says $(pmxsnap_verdict "$db")"
pmxcfs_serve "$db" pve1 sh -c 'cat /etc/pve/storage.cfg >/dev/null && ! ls /etc/pve >/dev/null 2>"$1"' sh "$scratch/ls.err"
[ "$pmxcfs_status" = 0 ] || fail "slash-in-name: pmxcfs status $pmxcfs_status: $(tail -3 "$pmxcfs_log") $(cat "$scratch/ls.err")"
contains "$(cat "$scratch/ls.err")" "Input/output error"
cases=$((cases + 1))
echo "  slash-in-name: drops (pmxcfs starts; its root cannot be listed)"

[ "$cases" -ge 22 ] || fail "only $cases cases ran"
pass "$cases dbs: pmxsnap's verdict is pmxcfs's, and every served tree is the archive's"
