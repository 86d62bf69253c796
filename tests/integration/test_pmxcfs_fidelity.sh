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

check() { pmxcfs_agree "$1" "$2" "$scratch/base-root"; }

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

# Fixtures: every preset's content that pmxcfs must serve as it is. The
# generator never makes a db pmxcfs refuses (or serves in part) unless asked:
# pmxsnap must call each one loadable, and pmxcfs agree. (The max preset is
# test_pmxcfs_limits's: serving it takes minutes.)
fixture() { # NAME DB
  [ "$(pmxsnap_verdict "$2")" = loads ] || fail "$1: the generator made a db pmxsnap calls $(pmxsnap_verdict "$2")"
  check "$1" "$2"
}
fixture typical "$base_db"
for preset in "typical --pve 8" "typical --wal-tail 5" "large" "large --wal-tail 5"; do
  # shellcheck disable=SC2086 # the preset's words are options
  "$MKFIXTURE" --root "$scratch/fixture-${preset// /_}" --preset $preset >/dev/null
  fixture "fixture-${preset// /_}" "$scratch/fixture-${preset// /_}/var/lib/pve-cluster/config.db"
done

# Served as they are (pmxcfs's limits apply to writes).
damaged file-900k "INSERT INTO tree VALUES ($row, 'big.cfg', randomblob(921600))"
damaged file-2m "INSERT INTO tree VALUES ($row, 'huge.cfg', randomblob(2097152))"
damaged no-version "DELETE FROM tree WHERE inode = 0"
damaged version-0 "UPDATE tree SET version = 0 WHERE inode = 0"
# pmxcfs keeps a type's low 8 bits: 260 is a directory, 264 a file.
damaged wide-types "INSERT INTO tree VALUES (99990, 0, 99990, 1, 1760000000, 260, 'wide', NULL);
  INSERT INTO tree VALUES (99991, 99990, 99991, 1, 1760000000, 264, 'inside.cfg', 'x')"
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
damaged version-row-type "UPDATE tree SET type = 10 WHERE inode = 0"
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
pmxcfs_cases=$((pmxcfs_cases + 1))
echo "  slash-in-name: drops (pmxcfs starts; its root cannot be listed)"

[ "$pmxcfs_cases" -ge 26 ] || fail "only $pmxcfs_cases cases ran"
pass "$pmxcfs_cases dbs: pmxsnap's verdict is pmxcfs's, and every served tree is the archive's"
