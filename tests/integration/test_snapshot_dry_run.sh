# snapshot --dry-run: what would be captured and where, and whether
# --if-changed would skip it — writing nothing: the repository is the same
# tree before and after (no node directory, no lock, no archive, no quick
# record), the metrics file untouched, the live db, -wal and -shm
# byte-identical.
source "$TESTLIB"
need python3 sha256sum
make_node --preset typical --wal-tail 5
make_key
live=$scratch/root/var/lib/pve-cluster
state() { # the repository's tree with sizes and times, and the live db's bytes
  { { find "$repo" "$scratch/metrics" -printf '%p %y %s %T@ %m\n' 2>/dev/null || true; } | sort
    sha256sum "$live"/config.db*; } >"$1"
}
json() { python3 -c "import json, sys; d = json.load(sys.stdin); $1" <<<"$out"; }
dry() { snap --dry-run --metrics "$scratch/metrics/pmxsnap.prom" "$@"; }
mkdir "$scratch/metrics"

# An empty repository: not even created.
state "$scratch/before"
run 0 dry
state "$scratch/after"
cmp -s "$scratch/before" "$scratch/after" || fail "dry run changed something: $(diff "$scratch/before" "$scratch/after")"
[ ! -e "$repo" ] || fail "dry run created $repo"
contains "$out" "dry run: would write $repo/demo/pve1/"
contains "$out" "(demo/pve1, db version"
contains "$out" "/etc/corosync/corosync.conf"
contains "$out" "/var/lib/pve-cluster/config.db"
contains "$out" "/etc/pve/ ("
contains "$out" "--if-changed would write it too"
contains "$out" "nothing written"
pass "dry run on an empty repository: the target, the members (operator paths), nothing created, the db byte-identical"

run 0 dry --json
json "assert d['schema'] == 'pmxsnap.snapshot/1' and d['dry_run'] and d['would_write']
assert not d['written'] and d['unchanged_since'] is None and not d['if_changed_would_skip']
assert d['archive'].startswith('$repo/demo/pve1/') and d['archive'].endswith('.pmxsnap')
p = {m['path']: m for m in d['planned_members']}
assert p['/etc/pve/storage.cfg']['member'] == 'pve/storage.cfg' and p['/etc/pve/storage.cfg']['size'] > 0
assert p['/etc/pve/nodes']['type'] == 'directory'
assert d['members'] == len(d['planned_members']) + 1
assert d['planned_bytes'] == sum(m['size'] for m in d['planned_members'])"
planned=$(json "print(d['members'])")
pass "dry run --json: would_write, the planned members ($planned with MANIFEST.json) and their bytes"

# A real snapshot: what the dry run planned is what it writes.
run 0 snap --json --metrics "$scratch/metrics/pmxsnap.prom"
[ "$(json "print(d['members'])")" = "$planned" ] || fail "the dry run planned $planned members, snapshot wrote $(json "print(d['members'])")"
archive=$(json "print(d['archive'])")

state "$scratch/before"
run 0 dry -v
contains "$out" "--if-changed would skip it: same state as $archive"
contains "$out" "/etc/pve/storage.cfg" # -v lists the tree
run 0 dry --if-changed
contains "$out" "dry run: --if-changed would write nothing: unchanged since $archive"
run 0 dry --if-changed --json
json "assert d['dry_run'] and not d['would_write'] and d['if_changed_would_skip']
assert d['unchanged_since'] == '$archive' and d['archive'] == '$archive'"
state "$scratch/after"
cmp -s "$scratch/before" "$scratch/after" || fail "dry run changed something: $(diff "$scratch/before" "$scratch/after")"
pass "after a snapshot: --if-changed would skip (quick check and full), the repository, metrics and db untouched"

# A change: --if-changed would write, and still nothing is written.
python3 - "$live/config.db" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("insert into tree select max(inode) + 1, 0, max(inode) + 1, 1, 1760000300, 8, 'dry-run.cfg', x'00' from tree")
c.execute("update tree set version = (select max(inode) from tree) where inode = 0")
c.commit()
PY
state "$scratch/before"
sleep 1 # archives are named by the second: the target must be a new name
run 0 dry --if-changed --json
json "assert d['would_write'] and not d['if_changed_would_skip'] and d['unchanged_since'] is None
assert '/etc/pve/dry-run.cfg' in [m['path'] for m in d['planned_members']]
assert d['archive'] != '$archive'"
state "$scratch/after"
cmp -s "$scratch/before" "$scratch/after" || fail "dry run changed something: $(diff "$scratch/before" "$scratch/after")"
[ "$(archives | wc -l)" -eq 1 ] || fail "a dry run wrote an archive"
pass "after a change: --if-changed would write; still nothing written"

# Errors are a real run's: no key is exit 2, one line.
run 2 "$PMXSNAP" snapshot --root "$scratch/root" --repo "$scratch/repo2" --key "$scratch/no.key" --dry-run
one_line "$err"
[ ! -e "$scratch/repo2" ] || fail "a failed dry run created the repository"
pass "a dry run without a signing key: exit 2, one line, nothing created"
