# Acceptance: newest rows only in config.db-wal end up in the archive's db and
# pve/ tree; config.db, -wal and -shm are byte-identical afterwards.
source "$TESTLIB"
need sqlite3 zstd tar
make_node --preset typical --wal-tail 5
make_key
db=$scratch/root/var/lib/pve-cluster/config.db
[ -s "$db-wal" ] || fail "fixture has no -wal"
before=$(sha256sum "$db"*)

run 0 snap
after=$(sha256sum "$db"*)
[ "$before" = "$after" ] || fail "live db files changed:
$before
$after"
pass "config.db, -wal, -shm unchanged"

# What SQLite itself sees with the -wal (read from a private copy, so this
# check cannot touch the live files either).
mkdir "$scratch/copy" && cp "$db" "$db-wal" "$scratch/copy/"
live_version=$(sqlite3 "$scratch/copy/config.db" "select version from tree where inode = 0")
alone=$(mktemp -d "$scratch/alone.XXXX") && cp "$db" "$alone/"
alone_version=$(sqlite3 "$alone/config.db" "select version from tree where inode = 0")
[ "$alone_version" -lt "$live_version" ] || fail "fixture: db alone already has version $live_version"

archive=$(archives | tail -n 1)
mkdir "$scratch/x" && zstd -dc "$archive" | tar -x -C "$scratch/x"
got=$(sqlite3 "$scratch/x/db/config.db" "select version from tree where inode = 0")
[ "$got" = "$live_version" ] || fail "archive db version $got, live (with wal) $live_version"
[ ! -e "$scratch/x/db/config.db-wal" ] || fail "archive carries a -wal"
newest=$(sqlite3 "$scratch/copy/config.db" "select name from tree where inode != 0 and type = 8 order by version desc limit 1")
find "$scratch/x/pve" -name "$newest" | grep -q . || fail "newest file $newest not in pve/"
pass "archive holds the rows that were only in the -wal (version $got > $alone_version)"
