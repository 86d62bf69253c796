# The drill (verify --drill, restore apply --drill; issue 25) with the real
# pmxcfs (pve-cluster 9.1.6, built from ../shared/third_party/pmxcfs):
# - good archives of the typical and large fixtures, WAL tails included and
#   one encrypted, drill ok with the time it took, in text and JSON;
# - an archive whose pve/ member was altered and signed again: the drill
#   names the path pmxcfs serves otherwise;
# - an archive holding a db pmxcfs refuses, each load rule broken once: the
#   drill fails with pmxcfs's own words;
# - the node's /etc/pve, /var/lib/pve-cluster, /run, mounts and processes
#   untouched by a drill, a drill whose pmxcfs is killed and one whose pmxcfs
#   hangs (drill_isolation.sh, in a private mount namespace);
# - restore apply --drill installs what the drill proves and refuses what it
#   does not, --force or not; verify --metrics records the drill;
# - not root, no pmxcfs: said in one line.
source "$TESTLIB"
source "$(dirname "$TESTLIB")/pmxcfs.sh"
need_pmxcfs
need jq age age-keygen sqlite3 zstd tar pgrep
: "${TAMPER:?}"
make_key
drill() { "$PMXSNAP" verify --drill --pmxcfs "$pmxcfs_binary" --pubkey "$pub" "$@"; }
drill_level() { jq -c '.archives[0].levels[] | select(.level == "drill")' <<<"$1"; }
# copy_signed ARCHIVE NAME: a copy, with its signature, in a repository-like
# directory of its own, under the name its signed index names.
copy_signed() {
  local dir=$scratch/$2/$(basename "$(dirname "$(dirname "$1")")")/$(basename "$(dirname "$1")")
  mkdir -p "$dir"
  cp "$1" "$1.minisig" "$dir/"
  echo "$dir/$(basename "$1")"
}
sha() { sha256sum <"$1" | cut -d' ' -f1; }

# 1. Good archives.
make_node --preset typical --wal-tail 5
snap >/dev/null
typical=$(archives | tail -1)
run 0 drill "$typical" --json
level=$(drill_level "$out")
[ "$(jq -r .status <<<"$level")" = ok ] || fail "typical: drill $(jq -r .detail <<<"$level")"
jq -e '.seconds > 0 and .seconds < 60' <<<"$level" >/dev/null || fail "typical: no time in $level"
contains "$(jq -r .detail <<<"$level")" "pmxcfs served all"
[ "$(jq -r '.archives[0].result' <<<"$out")" = ok ] || fail "typical: result $(jq -r '.archives[0].result' <<<"$out")"
run 0 drill "$typical"
contains "$out" "drill"
contains "$out" "node links and guest list too ("
pass "typical fixture with a WAL tail: the drill is ok, with its time, in text and JSON"

"$MKFIXTURE" --root "$scratch/large" --preset large --wal-tail 5 >/dev/null
age-keygen -o "$scratch/age.key" 2>/dev/null
"$PMXSNAP" snapshot --root "$scratch/large" --repo "$scratch/repo-large" --key "$key" \
  --recipient "$(age-keygen -y "$scratch/age.key")" >/dev/null
encrypted=$(find "$scratch/repo-large" -name '*.pmxsnap.age')
case $encrypted in *.age) ;; *) fail "not encrypted: $encrypted" ;; esac
# 20,000 files through FUSE: under the sanitizers on a loaded machine the
# default 30 s deadline was seen to pass; the deadline is not what this shows.
run 0 drill "$encrypted" --identity "$scratch/age.key" --drill-timeout 180 --json
[ "$(drill_level "$out" | jq -r .status)" = ok ] || fail "large, encrypted: $(drill_level "$out")"
run 1 drill "$encrypted" --json
[ "$(drill_level "$out" | jq -r .status)" = skipped ] || fail "no identity: $(drill_level "$out")"
[ "$(jq -r '.archives[0].result' <<<"$out")" = partial ] || fail "no identity: not partial"
pass "large fixture, WAL tail, encrypted: ok with --identity; without it skipped, and partial (exit 1)"

# 2. Altered and signed again: levels 1 and 2 hold, pmxcfs serves otherwise.
altered=$(copy_signed "$typical" altered)
printf 'dir: local\n\tpath /somewhere/else\n' >"$scratch/storage.cfg"
"$TAMPER" "$key" "$altered" pve/storage.cfg "$scratch/storage.cfg"
run 1 drill "$altered" --json
jq -e '.archives[0].levels[0].status == "ok" and .archives[0].levels[1].status == "ok"' <<<"$out" >/dev/null ||
  fail "the altered archive should pass its signature and content: $out"
level=$(drill_level "$out")
[ "$(jq -r .status <<<"$level")" = failed ] || fail "altered: drill $level"
contains "$(jq -r '.problems[]' <<<"$level")" "pve/storage.cfg: pmxcfs serves other content than the archive holds"
pass "an altered, re-signed pve/ member: the drill names pve/storage.cfg"

# 3. A db pmxcfs refuses, in an archive signed as if it were sound.
base_db=$scratch/root-typical-db
"$MKFIXTURE" --root "$scratch/base" --preset typical >/dev/null
cp "$scratch/base/var/lib/pve-cluster/config.db" "$base_db"
guest_dir() { echo "(SELECT inode FROM tree WHERE parent = (SELECT inode FROM tree WHERE parent = (SELECT inode FROM tree WHERE parent = 0 AND name = 'nodes') AND name = '$1') AND name = '$2')"; }
row="99990, 0, 99990, 1, 1760000000, 8"
refused=0
refuses() { # NAME SQL WORDS: the drill of an archive holding the base db with SQL applied fails with WORDS
  local db=$scratch/refused-$1.db archive
  cp "$base_db" "$db"
  sqlite3 "$db" "$2"
  archive=$(copy_signed "$typical" "refused-$1")
  "$TAMPER" "$key" "$archive" db/config.db "$db"
  run 1 drill "$archive" --json
  level=$(drill_level "$out")
  [ "$(jq -r .status <<<"$level")" = failed ] || fail "$1: drill $level"
  contains "$(jq -r .detail <<<"$level")" "pmxcfs refused the db: "
  contains "$(jq -r '.problems[]' <<<"$level")" "$3"
  refused=$((refused + 1))
}
refuses duplicate-vmid-nodes "INSERT INTO tree SELECT 99990, $(guest_dir pve2 qemu-server), 99990, 1, 1760000000, 8, name, data FROM tree WHERE parent = $(guest_dir pve1 qemu-server) LIMIT 1" "detected duplicate VMID"
refuses duplicate-vmid-types "INSERT INTO tree SELECT 99990, $(guest_dir pve1 lxc), 99990, 1, 1760000000, 8, name, data FROM tree WHERE parent = $(guest_dir pve1 qemu-server) LIMIT 1" "detected duplicate VMID"
refuses no-name "INSERT INTO tree VALUES ($row, '', 'x')" "memdb_open failed"
refuses unknown-type "INSERT INTO tree VALUES (99990, 0, 99990, 1, 1760000000, 10, 'link', 'x')" "memdb_open failed"
refuses directory-with-data "INSERT INTO tree VALUES (99990, 0, 99990, 1, 1760000000, 4, 'dir', 'x')" "memdb_open failed"
refuses root-name "UPDATE tree SET name = 'other' WHERE inode = 0" "memdb_open failed"
refuses missing-parent "INSERT INTO tree VALUES (99990, 424242, 99990, 1, 1760000000, 8, 'orphan.cfg', 'x')" "memdb_open failed"
refuses duplicate-name "INSERT INTO tree VALUES ($row, 'storage.cfg', 'x')" "memdb_open failed"
refuses parent-file-before "INSERT INTO tree SELECT 99990, inode, 99990, 1, 1760000000, 8, 'child.cfg', 'x' FROM tree WHERE parent = 0 AND name = 'storage.cfg'" "memdb_open failed"
refuses guest-dir-file "INSERT INTO tree SELECT 99990, inode, 99990, 1, 1760000000, 4, 'pve7', NULL FROM tree WHERE parent = 0 AND name = 'nodes';
  INSERT INTO tree VALUES (99991, 99990, 99991, 1, 1760000000, 8, 'qemu-server', 'x')" "memdb_open failed"
pass "$refused dbs pmxcfs refuses, each load rule once: the drill fails with pmxcfs's own words"

# 4. The node untouched, also when pmxcfs is killed or hangs.
# Its own PID namespace too: the process list it checks is then the drill's
# alone, whatever other tests (pmxcfs's among them) run beside it.
unshare -m -p --fork --mount-proc bash "$(dirname "$TESTLIB")/drill_isolation.sh" "$scratch" "$typical" "$pub" "$pmxcfs_binary" "$base_db" ||
  fail "host isolation (above)"
pass "the node's paths, mounts and processes are untouched by the drill, a killed pmxcfs and a hung one"

# 5. restore apply --drill.
"$MKFIXTURE" --root "$scratch/target" --preset typical >/dev/null
target_db=$scratch/target/var/lib/pve-cluster/config.db
apply() { "$PMXSNAP" restore apply "$1" --root "$scratch/target" --pubkey "$pub" --yes --force \
  --drill --pmxcfs "$pmxcfs_binary" "${@:2}"; }
before=$(sha "$target_db")
run 1 apply "$(find "$scratch/refused-duplicate-name" -name '*.pmxsnap')"
contains "$err" "not restorable"
[ "$(sha "$target_db")" = "$before" ] || fail "a refused restore apply --drill changed the db"
# A drill that fails on its own account (pmxcfs killed while it serves),
# the archive otherwise sound: still refused, --force or not.
# A failure below must not leave the stopped run (and its pmxcfs) behind.
trap 'status=$?; [ -z "${apply_pid:-}" ] || kill -9 "$apply_pid" 2>/dev/null; on_exit $status' EXIT
PMXSNAP_TEST_STOP_AT=drill-serving "$PMXSNAP" restore apply "$typical" --root "$scratch/target" \
  --pubkey "$pub" --yes --force --drill --pmxcfs "$pmxcfs_binary" >"$scratch/apply.out" 2>&1 &
apply_pid=$!
wait_stopped "$apply_pid" "restore apply --drill at drill-serving" "$scratch/apply.out"
child=$(pgrep -P "$apply_pid" || true)
[ -n "$child" ] || fail "restore apply --drill: no pmxcfs under it"
kill -KILL "$child"
kill -CONT "$apply_pid"
set +e
wait "$apply_pid"
status=$?
set -e
apply_pid=
[ "$status" -eq 1 ] || fail "restore apply --drill with pmxcfs killed: exit $status: $(cat "$scratch/apply.out")"
contains "$(cat "$scratch/apply.out")" "not restorable: drill FAILED: pmxcfs died while serving the db"
[ "$(sha "$target_db")" = "$before" ] || fail "restore apply with a failed drill changed the db"
[ -z "$(ls "$target_db".pmxsnap-* 2>/dev/null)" ] || fail "restore apply with a failed drill kept copies"
run 0 apply "$typical"
[ "$(sha "$target_db")" = "$(zstd -dc "$typical" | tar -xO db/config.db | sha256sum | cut -d' ' -f1)" ] ||
  fail "restore apply --drill did not install the drilled db"
pass "restore apply --drill: refuses an archive whose drill fails (--force or not), installs one it proves"

# 6. Metrics, for the monthly timer's alert.
run 0 drill "$typical" --metrics "$scratch/drill.prom"
grep -q '^pmxsnap_drill_last_run_success 1$' "$scratch/drill.prom" || fail "metrics: $(cat "$scratch/drill.prom")"
grep -q '^pmxsnap_drill_archives{result="ok"} 1$' "$scratch/drill.prom" || fail "metrics: $(cat "$scratch/drill.prom")"
grep -q '^pmxsnap_drill_duration_seconds [0-9.e+-]*$' "$scratch/drill.prom" || fail "metrics: no duration"
run 1 drill "$altered" --metrics "$scratch/drill.prom"
grep -q '^pmxsnap_drill_last_run_success 0$' "$scratch/drill.prom" || fail "metrics after a failed drill: $(cat "$scratch/drill.prom")"
grep -q '^pmxsnap_drill_archives{result="failed"} 1$' "$scratch/drill.prom" || fail "metrics: $(cat "$scratch/drill.prom")"
# A run that cannot verify at all still tells the alert it failed.
run 2 drill "$scratch/no-such.pmxsnap" --metrics "$scratch/drill.prom"
one_line "$err"
grep -q '^pmxsnap_verify_last_run_success 0$' "$scratch/drill.prom" || fail "metrics after an error: $(cat "$scratch/drill.prom")"
grep -q '^pmxsnap_drill_last_run_success 0$' "$scratch/drill.prom" || fail "metrics after an error: $(cat "$scratch/drill.prom")"
pass "verify --drill --metrics: the last drill's time, result and counts; an error run writes failure"

# 7. What cannot run is said in one line.
run 1 "$PMXSNAP" verify "$typical" --drill --pmxcfs "$scratch/no-pmxcfs" --pubkey "$pub"
contains "$out" "skipped"
contains "$out" "pmxcfs not installed ($scratch/no-pmxcfs)"
contains "$out" "PARTIAL"
if id nobody >/dev/null 2>&1 && command -v setpriv >/dev/null; then
  chmod o+rx "$scratch" "$repo" 2>/dev/null || true
  run 2 setpriv --reuid=nobody --regid=nogroup --clear-groups "$PMXSNAP" verify "$typical" --drill --pubkey "$pub"
  one_line "$err"
  contains "$err" "verify --drill: the drill needs root"
  pass "no pmxcfs: skipped and partial (exit 1); not root: exit 2 in one line"
else
  skip_part "no nobody user or setpriv here"
fi
