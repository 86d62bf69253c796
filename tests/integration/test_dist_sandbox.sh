# A snapshot works inside pmxsnap-snapshot.service's sandbox, where
# ProtectSystem=strict makes /var/lib/pve-cluster read-only: with pmxcfs
# holding the db (one read transaction) and without (a private copy). It
# then cannot open config.db, -wal or -shm for writing, and closing them
# cannot trigger the path unit (dist/PACKAGING.md); the captured version
# includes the WAL and the live db files are left as they were.
source "$TESTLIB"
need unshare sqlite3
unshare -m --propagation private true 2>/dev/null || skip "no mount namespace here (unshare -m)"
make_key

"$MKFIXTURE" --root "$scratch/sandbox-root" --wal-tail 5 >/dev/null
live=$scratch/sandbox-root/var/lib/pve-cluster
mkdir "$scratch/wal-copy" && cp "$live/config.db" "$live/config.db-wal" "$scratch/wal-copy/"
wal_version=$(sqlite3 "$scratch/wal-copy/config.db" "select version from tree where inode = 0")
sandboxed() { # the snapshot with the db's directory mounted read-only
  unshare -m --propagation private bash -c '
    mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" || exit 99
    touch "$1/probe" 2>/dev/null && exit 98
    shift; exec "$@"' _ "$live" "$PMXSNAP" --json snapshot --root "$scratch/sandbox-root" \
    --repo "$scratch/sandbox-repo" --key "$key" --offline
}
version_of() { printf '%s\n' "$1" | sed -n 's/.*"db_version": \([0-9]*\).*/\1/p'; }
# pmxcfs's place: a read-only sqlite3 holding the db open.
coproc holder { sqlite3 -readonly "$live/config.db"; }
holder_pid=$holder_PID # bash unsets holder_PID once it reaps the coproc
echo 'select count(*) from tree;' >&"${holder[1]}"
read -r -t 10 _ <&"${holder[0]}" || fail "sqlite3 did not open the db"
before=$(sha256sum "$live"/config.db*)
run 0 sandboxed
contains "$out" '"copy_method": "read-transaction"'
[ "$(version_of "$out")" = "$wal_version" ] || fail "held: db version $(version_of "$out"), with the WAL $wal_version"
[ "$before" = "$(sha256sum "$live"/config.db*)" ] || fail "the live db files changed (held)"
exec {holder[1]}>&-
wait "$holder_pid" 2>/dev/null || true
before=$(sha256sum "$live"/config.db*)
run 0 sandboxed
contains "$out" '"copy_method": "private-copy"'
[ "$(version_of "$out")" = "$wal_version" ] || fail "private copy: db version $(version_of "$out"), with the WAL $wal_version"
[ "$before" = "$(sha256sum "$live"/config.db*)" ] || fail "the live db files changed"
pass "snapshot under a read-only /var/lib/pve-cluster: one read transaction (db held) and a private copy, both at version $wal_version (WAL included)"
