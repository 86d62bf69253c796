# Acceptance: zstd -dc ARCHIVE | tar -x gives a pve/ tree equal, file by
# file, to the db content — checked against sqlite3's own reading of the db.
source "$TESTLIB"
need sqlite3 zstd tar
make_node --preset typical
make_key
# Names ustar cannot hold: non-ASCII (which once failed the snapshot under
# the C locale), one in Unicode NFD (which libarchive would have normalized)
# and one longer than 100 bytes; new rows keep pmxcfs's rules
# (inode = version, the root's version the highest).
long_name=$(printf 'n%.0s' $(seq 1 140)).cfg
sqlite3 "$scratch/root/var/lib/pve-cluster/config.db" "
  insert into tree select max(inode) + 1, 0, max(inode) + 1, 1, 1760000300, 8,
    'нотатки.txt', 'привіт' from tree;
  insert into tree select max(inode) + 1, 0, max(inode) + 1, 1, 1760000301, 8,
    '$long_name', 'long' from tree;
  insert into tree select max(inode) + 1, 0, max(inode) + 1, 1, 1760000302, 8,
    'cafe' || char(769) || '.cfg', 'nfd' from tree;
  update tree set version = (select max(inode) from tree) where inode = 0;"
export LC_ALL=C
run 0 snap
archive=$(archives | tail -n 1)
# GNU tar warns that it does not know pax's hdrcharset (the non-ASCII names
# are declared as bytes) and extracts them unchanged.
mkdir "$scratch/x" && zstd -dc "$archive" | tar -x -C "$scratch/x" 2>/dev/null

# Materialise the tree with sqlite3 alone (recursive paths + writefile).
mkdir "$scratch/fromdb"
cp "$scratch/x/db/config.db" "$scratch/db.copy"
(cd "$scratch/fromdb" && sqlite3 "$scratch/db.copy" "
  with recursive p(inode, path, type, data) as (
    select inode, name, type, data from tree where parent = 0 and inode != 0
    union all
    select t.inode, p.path || '/' || t.name, t.type, t.data from tree t join p on t.parent = p.inode)
  select case when type = 4 then writefile(path, null, 16877)
              else writefile(path, coalesce(data, ''), 420) end
  from p order by path;" >/dev/null)
diff -r "$scratch/fromdb" "$scratch/x/pve" || fail "pve/ differs from the db"
files=$(find "$scratch/x/pve" -type f | wc -l)
[ "$files" -gt 100 ] || fail "only $files files in pve/"
pass "pve/ equals the db, $files files"
[ "$(cat "$scratch/x/pve/нотатки.txt")" = привіт ] || fail "the non-ASCII file did not extract"
[ "$(cat "$scratch/x/pve/$long_name")" = long ] || fail "the long-named file did not extract"
[ "$(cat "$scratch/x/pve/cafe$(printf '\xcc\x81').cfg")" = nfd ] || fail "the NFD name changed"
run 0 "$PMXSNAP" verify --pubkey "$pub" "$archive"
contains "$out" "restorable ok"
pass "non-ASCII and long names: snapshot, verify and tar -x under LC_ALL=C"
[ "$(stat -c %a "$archive")" = 600 ] || fail "archive mode is $(stat -c %a "$archive")"
pass "archive is 0600"
