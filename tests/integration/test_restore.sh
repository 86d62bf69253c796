# restore on fixture roots: apply installs the archive's db byte for byte
# (0600), keeps the previous db with its -wal and names it; refuses a
# rollback, another cluster's archive, a running pmxcfs, an archive whose db
# breaks a pmxcfs rule, and a non-terminal without --yes; extract writes
# through the safe reader; plans for the four scenarios equal the reviewed
# golden files; SIGKILL at 20 random points never leaves the node without a db.
source "$TESTLIB"
need jq sqlite3 zstd tar sha256sum
golden=$(dirname "$TESTLIB")/../golden
make_node --preset typical --wal-tail 20
make_key
run 0 snap
archive=$(archives | tail -1)
db=$scratch/root/var/lib/pve-cluster/config.db
apply() { "$PMXSNAP" restore apply --root "$scratch/root" --pubkey "$pub" "$@"; }
archived_db_sha() { zstd -dc "$1" | tar -xO db/config.db | sha256sum | cut -d' ' -f1; }

[ -s "$db-wal" ] || fail "the fixture should have a -wal"
old_db_sha=$(sha256sum <"$db" | cut -d' ' -f1); old_wal_sha=$(sha256sum <"$db-wal" | cut -d' ' -f1)
run 0 apply "$archive" --dry-run
contains "$out" "would keep"
[ "$(sha256sum <"$db" | cut -d' ' -f1)" = "$old_db_sha" ] && [ -e "$db-wal" ] || fail "--dry-run changed something"
run 0 apply "$archive" --yes
[ "$(sha256sum <"$db" | cut -d' ' -f1)" = "$(archived_db_sha "$archive")" ] || fail "installed db differs from the archive's"
[ "$(stat -c %a "$db")" = 600 ] || fail "installed db mode $(stat -c %a "$db")"
[ ! -e "$db-wal" ] && [ ! -e "$db-shm" ] || fail "the old -wal/-shm must not stay beside the new db"
kept=$(ls "$db".pmxsnap-* | grep -v -- '-wal$\|-shm$')
[ "$(sha256sum <"$kept" | cut -d' ' -f1)" = "$old_db_sha" ] && [ "$(sha256sum <"$kept-wal" | cut -d' ' -f1)" = "$old_wal_sha" ] ||
  fail "kept db/wal differ from the previous ones"
contains "$out" "$kept"
[ "$(sqlite3 "$kept" 'pragma integrity_check')" = ok ] || fail "the kept db with its wal does not open"
sqlite3 "$db" 'pragma integrity_check' | grep -qx ok || fail "installed db integrity"
run 0 "$PMXSNAP" inspect "$db" --json
[ "$(jq -r '.violations | length' <<<"$out")" = 0 ] || fail "installed db breaks a pmxcfs rule: $out"
pass "apply: db byte-identical to the archive's, 0600, previous db and -wal kept (opens with sqlite3) and named"

# A newer live db: restoring the archive would roll back.
sqlite3 "$db" "update tree set version = version + 100 where inode = 0"
run 2 apply "$archive" --yes
one_line "$err"; contains "$err" "is newer than the archive's"
run 0 apply "$archive" --yes --force
contains "$err" "--force"
pass "a version rollback is refused (exit 2, one line) unless --force"

# Node-local files only (a rebuilt node before it rejoins): the db is not touched.
echo "198.18.9.9 wrong" >"$scratch/root/etc/hosts"
db_sha=$(sha256sum <"$db" | cut -d' ' -f1)
run 0 apply "$archive" --yes --host-files-only
cmp -s "$scratch/root/etc/hosts" <(zstd -dc "$archive" | tar -xO host/etc/hosts) || fail "hosts not restored"
grep -qx "198.18.9.9 wrong" "$scratch/root/etc/hosts".pmxsnap-* || fail "the replaced hosts file was not kept"
[ "$(sha256sum <"$db" | cut -d' ' -f1)" = "$db_sha" ] || fail "--host-files-only touched the db"
[ -z "$(ls "$scratch/root/etc/ssh" 2>/dev/null | grep pmxsnap || true)" ] || fail "SSH host keys must not be restored"
pass "--host-files-only: /etc/hosts restored, the replaced one kept, the db and SSH host keys untouched"
run 2 apply "$archive" --yes --host-files network --host-files-only
one_line "$err"; contains "$err" "excludes"
pass "--host-files and --host-files-only together: refused (exit 2, one line)"

# Without --yes and without a terminal.
run 2 apply "$archive" </dev/null
one_line "$err"; contains "$err" "not a terminal"
pass "without --yes on a non-terminal: refused"

# Another cluster's archive.
"$MKFIXTURE" --root "$scratch/other" --preset typical --cluster othercl >/dev/null
run 0 "$PMXSNAP" snapshot --root "$scratch/other" --repo "$scratch/repo-other" --key "$key"
other=$(find "$scratch/repo-other" -name '*.pmxsnap')
run 2 apply "$other" --yes
one_line "$err"; contains "$err" "of cluster othercl, this host is in cluster demo"
pass "another cluster's archive: refused"

# A running pmxcfs holding the db (a process named pmxcfs, as the real one holds config.db open).
cp "$(command -v sleep)" "$scratch/pmxcfs"
"$scratch/pmxcfs" 60 3<"$db" &
fake=$!
holds_db() { [ "$(readlink "/proc/$fake/fd/3")" = "$(realpath "$db")" ] && [ "$(readlink "/proc/$fake/exe")" = "$scratch/pmxcfs" ]; }
wait_for 30 "the stand-in pmxcfs holding config.db" holds_db
run 2 apply "$archive" --yes
kill "$fake"; wait "$fake" 2>/dev/null || true
one_line "$err"; contains "$err" "pmxcfs (pid $fake) holds"
pass "a running pmxcfs holding config.db: refused, naming the process"

# An archive whose db breaks a pmxcfs rule (snapshot keeps it as evidence, exit 1).
cp "$db" "$scratch/good.db"
sqlite3 "$db" "insert into tree values (99999, 424242, 99999, 1, 1000, 8, 'orphan.cfg', 'x')"
rm -rf "$scratch/repo-bad"
run 1 "$PMXSNAP" snapshot --root "$scratch/root" --repo "$scratch/repo-bad" --key "$key"
bad=$(find "$scratch/repo-bad" -name '*.pmxsnap')
cp "$scratch/good.db" "$db"
sha_before=$(sha256sum <"$db" | cut -d' ' -f1)
run 1 apply "$bad" --yes --force
contains "$err" "not restorable"
[ "$(sha256sum <"$db" | cut -d' ' -f1)" = "$sha_before" ] || fail "a rejected archive changed the db"
pass "an archive whose db breaks a pmxcfs rule: rejected (exit 1) even with --force, db untouched"

# extract: only into the directory, refusing a non-empty one.
run 0 "$PMXSNAP" restore extract "$archive" --pubkey "$pub" --to "$scratch/x"
[ "$(sha256sum <"$scratch/x/db/config.db" | cut -d' ' -f1)" = "$(archived_db_sha "$archive")" ] || fail "extract db"
cmp -s "$scratch/x/host/etc/hosts" <(zstd -dc "$archive" | tar -xO host/etc/hosts) || fail "extract hosts"
run 2 "$PMXSNAP" restore extract "$archive" --pubkey "$pub" --to "$scratch/x"
one_line "$err"; contains "$err" "not empty"
run 0 "$PMXSNAP" restore extract "$archive" --pubkey "$pub" --to "$scratch/y" /etc/pve/storage.cfg
[ "$(find "$scratch/y" -type f | wc -l)" = 1 ] || fail "extract of one path: $(find "$scratch/y" -type f)"
run 2 "$PMXSNAP" restore extract "$archive" --pubkey "$pub" --to "$scratch/z" /etc/pve/no-such.cfg
one_line "$err"
pass "extract: byte-identical files, a non-empty target refused, one path extracted alone, an unknown path refused"

# restore file into a mounted, writable /etc/pve. pmxcfs itself cannot run
# here; bindfs (a real FUSE filesystem, as pmxcfs is one) stands in for the
# mount, which is all restore file depends on.
pve=$scratch/root/etc/pve
run 2 "$PMXSNAP" restore file "$archive" --pubkey "$pub" /etc/pve/storage.cfg --root "$scratch/root" --force
one_line "$err"; contains "$err" "not mounted"
if command -v bindfs >/dev/null && [ "$(id -u)" -eq 0 ] && [ -c /dev/fuse ] &&
   mkdir -p "$scratch/pvedata" "$pve" && bindfs "$scratch/pvedata" "$pve" 2>/dev/null; then
  trap 'status_seen=$?; umount "$pve" 2>/dev/null || true; on_exit $status_seen' EXIT
  printf 'dir: local\n\tpath /var/lib/vz\n' >"$pve/storage.cfg"
  live_sha=$(sha256sum <"$pve/storage.cfg" | cut -d' ' -f1)
  run 2 "$PMXSNAP" restore file "$archive" --pubkey "$pub" /etc/pve/storage.cfg --root "$scratch/root"
  one_line "$err"; contains "$err" "--expect-digest"
  run 2 "$PMXSNAP" restore file "$archive" --pubkey "$pub" /etc/pve/storage.cfg --root "$scratch/root" --expect-digest 0000
  one_line "$err"; contains "$err" "changed since it was reviewed"
  [ "$(sha256sum <"$pve/storage.cfg" | cut -d' ' -f1)" = "$live_sha" ] || fail "a refused restore file changed the file"
  run 0 "$PMXSNAP" restore file "$archive" --pubkey "$pub" /etc/pve/storage.cfg --root "$scratch/root" --expect-digest "$live_sha"
  cmp -s "$pve/storage.cfg" <(zstd -dc "$archive" | tar -xO pve/storage.cfg) || fail "restored storage.cfg differs from the archive's"
  [ -z "$(find "$scratch/pvedata" -name '.pmxsnap-tmp.*')" ] || fail "restore file left a temporary file"
  kept=$(ls "$pve"/storage.cfg.pmxsnap-*)
  cmp -s "$kept" <(printf 'dir: local\n\tpath /var/lib/vz\n') || fail "the replaced storage.cfg was not kept as it was"
  contains "$out" "kept the previous file as $kept"
  run 2 "$PMXSNAP" restore file "$archive" --pubkey "$pub" /etc/fstab --root "$scratch/root" --force
  one_line "$err"; contains "$err" "node-local files"
  pass "restore file: refused unmounted, without a digest, on a changed file; with the reviewed digest the archive's content is in place, the replaced file kept beside it"

  # The cluster's corosync.conf cut short through /etc/pve: put back from
  # latest-good with the digest diff would print, the cut file kept beside
  # it in /etc/pve (a sibling name, as pmxcfs allows); the checks of the
  # /etc/corosync copy hold for this one too.
  archived_conf() { zstd -dc "$1" | tar -xO pve/corosync.conf; }
  archived_conf "$archive" | head -c 300 >"$pve/corosync.conf"
  cp "$pve/corosync.conf" "$scratch/pve-corosync.cut"
  cut_sha=$(sha256sum <"$pve/corosync.conf" | cut -d' ' -f1)
  run 2 "$PMXSNAP" restore file latest-good /etc/pve/corosync.conf --root "$scratch/root" --repo "$repo" --pubkey "$pub"
  one_line "$err"; contains "$err" "--expect-digest"
  run 2 "$PMXSNAP" restore file "$other" /etc/pve/corosync.conf --root "$scratch/root" --pubkey "$pub" --expect-digest "$cut_sha"
  one_line "$err"; contains "$err" "refusing: the archive is of cluster othercl, this host is in cluster demo"
  cmp -s "$pve/corosync.conf" "$scratch/pve-corosync.cut" && [ -z "$(ls "$pve"/corosync.conf.pmxsnap-* 2>/dev/null)" ] ||
    fail "a refused restore file changed /etc/pve/corosync.conf or kept a copy"
  run 0 "$PMXSNAP" restore file latest-good /etc/pve/corosync.conf --root "$scratch/root" --repo "$repo" --pubkey "$pub" --expect-digest "$cut_sha"
  cmp -s "$pve/corosync.conf" <(archived_conf "$archive") || fail "/etc/pve/corosync.conf is not the archived bytes"
  kept=$(ls "$pve"/corosync.conf.pmxsnap-*)
  cmp -s "$kept" "$scratch/pve-corosync.cut" || fail "the cut /etc/pve/corosync.conf was not kept as it was"
  contains "$out" "kept the previous file as $kept"
  contains "$out" "config_version"
  [ -z "$(find "$scratch/pvedata" -name '.pmxsnap-tmp.*')" ] || fail "restore file left a temporary file"
  # An archive whose /etc/pve/corosync.conf is itself cut short: refused
  # (exit 1) even with --force, as for /etc/corosync's copy.
  cp "$db" "$scratch/pre-cut.db"
  sqlite3 "$db" "UPDATE tree SET data = CAST(substr(data, 1, 200) AS BLOB) WHERE parent = 0 AND name = 'corosync.conf';"
  run 1 "$PMXSNAP" snapshot --root "$scratch/root" --repo "$scratch/repo-pvecut" --key "$key"
  cp "$scratch/pre-cut.db" "$db"; rm -f "$db-wal" "$db-shm"
  pvecut=$(find "$scratch/repo-pvecut" -name '*.pmxsnap')
  run 1 "$PMXSNAP" restore file "$pvecut" /etc/pve/corosync.conf --root "$scratch/root" --pubkey "$pub" --force
  one_line "$err"; contains "$err" "pve/corosync.conf: the archived copy"; contains "$err" "not restored"
  cmp -s "$pve/corosync.conf" <(archived_conf "$archive") || fail "a refused archived copy changed /etc/pve/corosync.conf"
  umount "$pve"
  pass "restore file latest-good /etc/pve/corosync.conf over a cut copy: the archived bytes back with diff's digest, the cut copy kept beside it; another cluster's archive refused (exit 2), an archived copy cut short refused (exit 1) even with --force"
else
  skip_part "restore file into a FUSE mount (needs root, /dev/fuse and bindfs)"
fi

# Plans, as reviewed in tests/golden (the archive path and stamps normalised).
for scenario in single-node rejoin cluster file; do
  run 0 "$PMXSNAP" restore plan "$archive" --pubkey "$pub" --root "$scratch/root" --offline --scenario "$scenario" --file /etc/pve/storage.cfg
  got=$(sed "s|$archive|ARCHIVE|g" <<<"$out")
  diff -u "$golden/restore-plan-$scenario.txt" <(printf '%s\n' "$got") >"$scratch/plan.diff" ||
    fail "plan $scenario differs from tests/golden/restore-plan-$scenario.txt: $(cat "$scratch/plan.diff")"
done
# Auto mode with the peers not probed (--offline): no scenario is guessed (exit 1).
run 1 "$PMXSNAP" restore plan "$archive" --pubkey "$pub" --root "$scratch/root" --offline --json
[ "$(jq -r '.schema, .decided, .scenario' <<<"$out" | tr '\n' ' ')" = "pmxsnap.restore-plan/1 false null " ] || fail "plan json: $out"
pass "plans for single-node, rejoin, cluster and file equal the golden files; --json; auto mode offline undecided"

# SIGKILL at 20 random points of an apply: always a db in place, the kept copy there once it moved.
new_sha=$(archived_db_sha "$archive")
sqlite3 "$db" "update tree set version = version + 1 where inode = 0" # differ from the archive's
cp "$db" "$scratch/before.db"; before_sha=$(sha256sum <"$db" | cut -d' ' -f1)
start=$(date +%s%N); run 0 apply "$archive" --yes --force; took_us=$(( ($(date +%s%N) - start) / 1000 ))
outcomes=""
for i in $(seq 1 20); do
  rm -f "$db".pmxsnap-* "$db-wal" "$db-shm" "$(dirname "$db")"/.pmxsnap-tmp.*
  cp "$scratch/before.db" "$db"
  # The binary itself, not the apply function: killing the subshell around a
  # function left pmxsnap running on, racing the next round's reset.
  "$PMXSNAP" restore apply --root "$scratch/root" --pubkey "$pub" "$archive" --yes --force >/dev/null 2>&1 &
  pid=$!
  sleep "$(awk -v us="$took_us" -v r="$RANDOM" 'BEGIN { printf "%.6f", (r % 1000) / 1000 * us / 1e6 * 1.2 }')"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  [ -f "$db" ] || fail "kill $i: no config.db"
  now=$(sha256sum <"$db" | cut -d' ' -f1)
  if [ "$now" = "$new_sha" ]; then
    kept=$(ls "$db".pmxsnap-* 2>/dev/null | head -1 || true)
    [ -n "$kept" ] && [ "$(sha256sum <"$kept" | cut -d' ' -f1)" = "$before_sha" ] || fail "kill $i: new db without the kept copy"
    outcomes="${outcomes}n"
  else
    [ "$now" = "$before_sha" ] || fail "kill $i: config.db is neither the old nor the new db"
    outcomes="${outcomes}o"
  fi
done
pass "SIGKILL at 20 random points of apply (${took_us} us each): always a db, old or new ($outcomes); the kept copy whenever the new one is in"
