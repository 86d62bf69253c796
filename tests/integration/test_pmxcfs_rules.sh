# The pmxcfs rules as the commands carry them out (issue 24; what pmxcfs
# itself does with these dbs is test_pmxcfs_fidelity's):
# - a db with a guest id twice, which pmxcfs refuses to start with: snapshot
#   archives it marked bad (exit 1), inspect (of the db; of the archive, its
#   health) and verify fail naming both
#   paths, and restore apply refuses it, --force or not, changing nothing;
# - a 2 MiB file and a db without its __version__ row, which pmxcfs serves
#   (its 1 MiB limit applies to writes; it writes the row itself): snapshot,
#   verify and restore apply work, each with a warning naming the write
#   limit, restore apply without --force too, and the snapshot is good.
source "$TESTLIB"
need jq sqlite3 sha256sum zstd tar
make_key
sha() { sha256sum <"$1" | cut -d' ' -f1; }
"$MKFIXTURE" --root "$scratch/target" --preset typical >/dev/null
target_db=$scratch/target/var/lib/pve-cluster/config.db
guest_dir() { echo "(SELECT inode FROM tree WHERE parent = (SELECT inode FROM tree WHERE parent = (SELECT inode FROM tree WHERE parent = 0 AND name = 'nodes') AND name = '$1') AND name = '$2')"; }

make_node --preset typical
db=$scratch/root/var/lib/pve-cluster/config.db
config=$(sqlite3 "$db" "SELECT name FROM tree WHERE parent = $(guest_dir pve1 qemu-server) ORDER BY name LIMIT 1")
sqlite3 "$db" "INSERT INTO tree SELECT 99990, $(guest_dir pve2 qemu-server), 99990, 1, 1760000000, 8, name, data
  FROM tree WHERE parent = $(guest_dir pve1 qemu-server) AND name = '$config'"
id=${config%.conf}

run 1 snap --json
[ "$(jq -r .health <<<"$out")" = bad ] || fail "duplicate VMID: snapshot health $(jq -r .health <<<"$out")"
contains "$(jq -r '.problems[].message' <<<"$out")" "detected duplicate VMID $id"
archive=$(archives | tail -1)
[ -n "$archive" ] || fail "the bad state was not archived"
run 0 "$PMXSNAP" list --repo "$repo" --pubkey "$pub" --root "$scratch/root"
contains "$out" "bad"
pass "duplicate VMID: snapshot archives it as evidence, marked bad (exit 1)"

# The archive itself is whole (inspect exit 0); its health says what is wrong.
run 0 "$PMXSNAP" inspect "$archive" --pubkey "$pub"
contains "$out" "health: bad"
contains "$out" "nodes/pve1/qemu-server/$config and nodes/pve2/qemu-server/$config"
run 1 "$PMXSNAP" inspect "$db"
contains "$out" "duplicate-vmid"
contains "$out" "nodes/pve1/qemu-server/$config"
contains "$out" "nodes/pve2/qemu-server/$config"
run 1 "$PMXSNAP" verify "$archive" --pubkey "$pub"
contains "$out" "detected duplicate VMID $id"
run 1 "$PMXSNAP" verify "$archive" --pubkey "$pub" --json
contains "$(jq -r '.archives[0].levels[2].problems[]' <<<"$out")" "nodes/pve1/qemu-server/$config and nodes/pve2/qemu-server/$config"
pass "duplicate VMID: inspect and verify fail (exit 1) naming both paths"

before=$(sha "$target_db")
for force in "" --force; do
  # shellcheck disable=SC2086 # the empty word is no option
  run 1 "$PMXSNAP" restore apply "$archive" --root "$scratch/target" --pubkey "$pub" --yes $force
  contains "$err" "duplicate VMID $id"
  [ "$(sha "$target_db")" = "$before" ] || fail "a refused restore apply $force changed the db"
  [ -z "$(ls "$target_db".pmxsnap-* 2>/dev/null)" ] || fail "a refused restore apply $force kept copies"
done
pass "duplicate VMID: restore apply refuses it, with --force too, and changes nothing"

# What pmxcfs serves but would not write.
for case in file-too-large missing-version; do
  rm -rf "$scratch/root" "$repo"
  make_node --preset typical
  case $case in
    file-too-large) sqlite3 "$db" "INSERT INTO tree VALUES (99990, 0, 99990, 1, 1760000000, 8, 'huge.cfg', randomblob(2097152))" ;;
    missing-version) sqlite3 "$db" "DELETE FROM tree WHERE inode = 0" ;;
  esac
  run 0 snap
  contains "$err" "pmxcfs write limit"
  contains "$err" "$case"
  run 0 snap --json
  [ "$(jq -r .health <<<"$out")" = good ] || fail "$case: snapshot health $(jq -r .health <<<"$out")"
  archive=$(archives | tail -1)
  run 0 "$PMXSNAP" verify "$archive" --pubkey "$pub"
  contains "$err" "pmxcfs write limit $case"
  run 0 "$PMXSNAP" inspect "$db"
  contains "$out" "warning: $case"
  archived_db=$(zstd -dc "$archive" | tar -xO db/config.db | sha256sum | cut -d' ' -f1)
  # Without --force, where every precondition holds (no live db: nothing
  # newer to lose): the warning never needs --force.
  rm -rf "$scratch/fresh"
  cp -a "$scratch/target" "$scratch/fresh"
  rm -f "$scratch/fresh/var/lib/pve-cluster/config.db"*
  run 0 "$PMXSNAP" restore apply "$archive" --root "$scratch/fresh" --pubkey "$pub" --yes --json
  [ "$(jq -r .applied <<<"$out")" = true ] || fail "$case: restore apply without --force did not apply: $out"
  [ "$(jq -c .forced <<<"$out")" = '[]' ] || fail "$case: restore apply forced something: $out"
  contains "$(jq -r '.warnings[]' <<<"$out")" "pmxcfs write limit $case"
  [ "$(sha "$scratch/fresh/var/lib/pve-cluster/config.db")" = "$archived_db" ] ||
    fail "$case: restore apply without --force did not install the archived db"
  # Over a live db --force passes the preconditions it is for (the archive
  # without a __version__ row is at version 0, older than the live db); the
  # warning stays a warning.
  run 0 "$PMXSNAP" restore apply "$archive" --root "$scratch/target" --pubkey "$pub" --yes --force
  contains "$err" "pmxcfs write limit $case"
  [ "$(sha "$target_db")" = "$archived_db" ] || fail "$case: restore apply did not install the archived db"
  pass "$case: snapshot (good), verify, inspect and restore apply (without --force too) work, each warning of the write limit"
done
