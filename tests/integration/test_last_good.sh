# The last good snapshot survives the automation (issue 21): a snapshot of a
# broken state is archived as evidence but marked bad in its signed index,
# exits 1, shows in list; latest-good (and --before) find the state before
# the damage; diff latest live says latest is bad and names the good one.
source "$TESTLIB"
need jq sqlite3 python3
make_node --preset typical
make_key
db=$scratch/root/var/lib/pve-cluster/config.db
conf=$scratch/root/etc/corosync/corosync.conf
p() { "$PMXSNAP" --root "$scratch/root" --repo "$repo" --pubkey "$pub" "$@"; }
bump_db() { sqlite3 "$db" "UPDATE tree SET version = version + 1, mtime = mtime + 1 WHERE inode = 0;"; }
healths() { p list --json | jq -r '[.snapshots[].health] | join(" ")'; }

run 0 snap --if-changed --json
[ "$(jq -r .health <<<"$out")" = good ] || fail "a sound node: $(jq -c '{health, problems}' <<<"$out")"
good_archive=$(jq -r .archive <<<"$out")
grep -q ' health=good authkey=' "$good_archive.minisig" || fail "the signed index lacks health=good: $(sed -n 3p "$good_archive.minisig")"
zstd -dcq "$good_archive" | tar -xO MANIFEST.json | jq -e '.health == {"verdict": "good", "problems": [], "notes": []}' >/dev/null ||
  fail "MANIFEST.json health: $(zstd -dcq "$good_archive" | tar -xO MANIFEST.json | jq -c .health)"
pass "a sound node's snapshot is good, in the signed index and in MANIFEST.json"

# 1. The seed's incident: corosync.conf cut mid-nodelist, then the path
#    unit's `snapshot --if-changed`.
cp "$conf" "$scratch/corosync.conf.good"
head -c "$(( $(grep -n 'name: pve2' "$conf" | cut -d: -f1) * 10 ))" "$scratch/corosync.conf.good" >"$conf"
grep -q 'nodelist' "$conf" && ! grep -q '^quorum' "$conf" || fail "the cut is not mid-nodelist: $(cat "$conf")"
run 1 snap --if-changed --json
[ "$(jq -r '.written, .health' <<<"$out" | tr '\n' ' ')" = "true bad " ] || fail "after the cut: $out"
[ "$(jq -r '.problems[0].id' <<<"$out")" = host-corosync-truncated ] || fail "problem: $(jq -c .problems <<<"$out")"
bad_archive=$(jq -r .archive <<<"$out")
grep -q ' health=bad:host-corosync-truncated authkey=' "$bad_archive.minisig" || fail "signed index: $(sed -n 3p "$bad_archive.minisig")"
run 1 snap --if-changed
contains "$out" "bad"
contains "$err" "state is bad: /etc/corosync/corosync.conf"
contains "$err" "pmxsnap diff latest-good live"
pass "a truncated corosync.conf: archived, marked bad (exit 1, also when unchanged), the reason on stderr"

[ "$(healths)" = "good bad" ] || fail "list --json: $(healths)"
run 0 p list
contains "$out" "HEALTH"
contains "$(grep "$(basename "$bad_archive")" <<<"$out")" "bad: /etc/corosync/corosync.conf is cut short"
contains "$(grep "$(basename "$good_archive")" <<<"$out")" " good"
pass "list: HEALTH good, then bad with its first reason; --json health and problems"

run 1 p diff latest live
first=$(head -1 <<<"$out")
contains "$first" "latest is marked bad"
contains "$first" "the newest good snapshot is $(basename "$good_archive")"
contains "$first" "pmxsnap diff latest-good live"
run 1 p diff latest-good live
contains "$(sed -n 1p <<<"$out")" "a: latest-good = $(basename "$good_archive") "
grep -q '^TRUNCATED /etc/corosync/corosync.conf' <<<"$out" || fail "no TRUNCATED line: $out"
run 1 p diff latest-good live --json
[ "$(jq -r '.a.health, .b.health' <<<"$out" | tr '\n' ' ')" = "good bad " ] || fail "diff --json health: $(jq -c '[.a.health, .b.health]' <<<"$out")"
pass "diff latest live names latest-good on its first line; diff latest-good live flags TRUNCATED (exit 1)"

run 0 p cat latest-good /etc/corosync/corosync.conf
cmp -s <(printf '%s\n' "$out") "$scratch/corosync.conf.good" || fail "cat latest-good: not the good bytes"
stamp=$(basename "$bad_archive" .pmxsnap)
before=$(date -u -d "$(sed -E 's/(....)(..)(..)T(..)(..)(..)Z/\1-\2-\3 \4:\5:\6/' <<<"$stamp")" +%Y-%m-%dT%H:%M:%SZ)
run 0 p ls latest --before "$before" /etc/corosync
run 1 p diff latest live --before "$before"
contains "$out" "a: latest = $(basename "$good_archive")"
run 2 p diff latest live --before yesterday
one_line "$err"; contains "$err" "--before yesterday: not a time"
run 2 p diff "$good_archive" live --before 1h
one_line "$err"; contains "$err" "--before applies to latest and latest-good"
pass "cat latest-good gives the good bytes; --before picks the snapshot before the damage, bad TIME exit 2"

# The commonest repair, as doctor prints it: no digest needed, the cut file
# is kept aside byte for byte.
cp "$conf" "$scratch/corosync.conf.cut"
run 0 p restore file latest-good /etc/corosync/corosync.conf
cmp -s "$conf" "$scratch/corosync.conf.good" || fail "restore file latest-good: not the good bytes"
kept=$(ls "$conf".pmxsnap-*)
cmp -s "$kept" "$scratch/corosync.conf.cut" || fail "the truncated file was not kept aside as it was"
run 0 p diff latest-good live --path /etc/corosync/corosync.conf
contains "$out" "identical"
rm "$kept"
pass "restore file latest-good /etc/corosync/corosync.conf: the good bytes back, the truncated file kept aside"

# 2. The db's copy (/etc/pve/corosync.conf) cut short, and a node directory
#    deleted: each its own bad snapshot, and diff latest live names the
#    good one on its first line.
# names_latest_good ARCHIVE: diff latest live's first line says latest is
# bad and names ARCHIVE, the newest good one, with the command to use.
names_latest_good() {
  run 1 p diff latest live
  local first
  first=$(head -1 <<<"$out")
  contains "$first" "latest is marked bad"
  contains "$first" "the newest good snapshot is $(basename "$1")"
  contains "$first" "pmxsnap diff latest-good live"
}
run 0 snap --if-changed --json
reference=$(jq -r .archive <<<"$out")
[ "$(jq -r .health <<<"$out")" = good ] && [ -f "$reference" ] || fail "the repaired node's snapshot: $out"
pve_conf_sql="parent = 0 AND name = 'corosync.conf'"
sqlite3 "$db" "SELECT writefile('$scratch/pve-corosync.good', data) FROM tree WHERE $pve_conf_sql;" >/dev/null
sqlite3 "$db" "UPDATE tree SET data = CAST(substr(data, 1, 200) AS BLOB) WHERE $pve_conf_sql;"
bump_db
run 1 snap --if-changed --json
[ "$(jq -r '[.problems[].id] | join(",")' <<<"$out")" = pve-corosync-truncated ] || fail "/etc/pve copy: $(jq -c .problems <<<"$out")"
names_latest_good "$reference"
run 1 p diff latest-good live
grep -q '^TRUNCATED /etc/pve/corosync.conf' <<<"$out" || fail "no TRUNCATED line for /etc/pve/corosync.conf: $out"
pass "the db's corosync.conf cut short: bad (pve-corosync-truncated); diff latest live names latest-good first; latest-good diff flags it"

# The repair through a mounted, writable /etc/pve, with the digest diff
# prints. pmxcfs cannot run here: bindfs (FUSE, as pmxcfs) stands in for
# the mount, showing the db's cut copy; what pmxcfs would then store in the
# db, the test writes there itself.
run 1 p diff latest-good live --path /etc/pve/corosync.conf --json
digest=$(jq -r '.changes[] | select(.path == "/etc/pve/corosync.conf") | .expect_digest' <<<"$out")
pve=$scratch/root/etc/pve
if command -v bindfs >/dev/null && [ "$(id -u)" -eq 0 ] && [ -c /dev/fuse ] &&
   mkdir -p "$scratch/pvedata" "$pve" && bindfs "$scratch/pvedata" "$pve" 2>/dev/null; then
  trap 'status_seen=$?; umount "$pve" 2>/dev/null || true; on_exit $status_seen' EXIT
  sqlite3 "$db" "SELECT writefile('$pve/corosync.conf', data) FROM tree WHERE $pve_conf_sql;" >/dev/null
  cp "$pve/corosync.conf" "$scratch/pve-corosync.cut"
  [ "$(sha256sum <"$pve/corosync.conf" | cut -d' ' -f1)" = "$digest" ] || fail "diff's expect_digest $digest is not the cut copy's"
  run 0 p restore file latest-good /etc/pve/corosync.conf --expect-digest "$digest"
  cmp -s "$pve/corosync.conf" <(zstd -dcq "$reference" | tar -xO pve/corosync.conf) || fail "restore file latest-good: not the good bytes"
  cmp -s "$pve/corosync.conf" "$scratch/pve-corosync.good" || fail "the restored /etc/pve/corosync.conf is not the db's copy before the cut"
  kept=$(ls "$pve"/corosync.conf.pmxsnap-*)
  cmp -s "$kept" "$scratch/pve-corosync.cut" || fail "the cut /etc/pve/corosync.conf was not kept aside as it was"
  contains "$out" "kept the previous file as $kept"
  sqlite3 "$db" "UPDATE tree SET data = CAST(readfile('$pve/corosync.conf') AS BLOB) WHERE $pve_conf_sql;"
  umount "$pve"
  trap on_exit EXIT
  pass "restore file latest-good /etc/pve/corosync.conf with diff's digest: the good bytes back, the cut copy kept beside it"
else
  skip_part "restore file into a FUSE mount (needs root, /dev/fuse and bindfs)"
  sqlite3 "$db" "UPDATE tree SET data = CAST(readfile('$scratch/pve-corosync.good') AS BLOB) WHERE $pve_conf_sql;"
fi
bump_db
run 0 p diff latest-good live --path /etc/pve/corosync.conf
contains "$out" "identical"
run 0 snap --if-changed --json
reference=$(jq -r .archive <<<"$out")

sqlite3 "$db" "WITH RECURSIVE gone(inode) AS (
    SELECT inode FROM tree WHERE name = 'pve2' AND parent = (SELECT inode FROM tree WHERE parent = 0 AND name = 'nodes')
    UNION ALL SELECT t.inode FROM tree t JOIN gone ON t.parent = gone.inode)
  DELETE FROM tree WHERE inode IN gone;"
bump_db
run 1 snap --if-changed --json
[ "$(jq -r '[.problems[].id] | join(",")' <<<"$out")" = node-directory-missing ] || fail "node dir: $(jq -c .problems <<<"$out")"
contains "$(jq -r '.problems[0].message' <<<"$out")" "/etc/pve/nodes/pve2 is missing"
[ "$(healths)" = "good bad good bad good bad" ] || fail "list: $(healths)"
names_latest_good "$reference"
run 1 p diff latest-good live --stat
contains "$out" "/etc/pve/nodes/pve2"
pass "a deleted node directory: bad (node-directory-missing); diff latest live names latest-good first; latest-good still has it"

# Archives from before health: unknown, never latest-good, and --if-changed
# writes the state again once so there is a verdict to find.
old_repo=$scratch/old-repo
mkdir -p "$old_repo/demo/pve1"
cp "$good_archive" "$old_repo/demo/pve1/"
python3 - "$good_archive.minisig" "$old_repo/demo/pve1/$(basename "$good_archive").minisig" <<'PY'
import re, sys
lines = open(sys.argv[1]).read().split("\n")
lines[2] = re.sub(" health=good.*", "", lines[2])  # and the fields that came after health
open(sys.argv[2], "w").write("\n".join(lines))
PY
run 1 "$PMXSNAP" list --repo "$old_repo" --pubkey "$pub" --json
[ "$(jq -r '.snapshots[0].health' <<<"$out")" = unknown ] || fail "an index without health: $(jq -c .snapshots[0] <<<"$out")"
run 2 "$PMXSNAP" ls latest-good --root "$scratch/root" --repo "$old_repo" --pubkey "$pub"
one_line "$err"; contains "$err" "latest-good: none of the 1 snapshot of node pve1"
contains "$err" "1 from before snapshots recorded their health"
pass "an index from before health: unknown in list (its edited line fails the signature, exit 1), never latest-good"

run 0 p inspect latest --json
[ "$(jq -r '.health, .problems[0].id' <<<"$out" | tr '\n' ' ')" = "bad node-directory-missing " ] || fail "inspect latest: $(jq -c '{health, problems}' <<<"$out")"
run 0 p verify latest-good
contains "$out" "$(basename "$(p list --json | jq -r '[.snapshots[] | select(.health == "good")] | last | .archive')"): ok"
pass "inspect and verify take selectors: inspect latest shows its health, verify latest-good checks out"

# The nightly prune never takes the reference: keep-last 1 keeps the
# newest (bad) and the newest good one too, by the last-good rule.
run 0 p prune --keep-last 1 --dry-run --json
newest_good=$(p list --json | jq -r '[.snapshots[] | select(.health == "good")] | last | .file // (.archive | split("/") | last)')
[ "$(jq -r --arg f "$newest_good" '.nodes[0].kept[] | select(.file == $f) | .reasons | join(",")' <<<"$out")" = last-good ] ||
  fail "prune --keep-last 1 does not keep the newest good snapshot $newest_good: $(jq -c '.nodes[0].kept' <<<"$out")"
[ "$(jq '.nodes[0].kept | length' <<<"$out")" = 2 ] || fail "prune kept: $(jq -c '.nodes[0].kept' <<<"$out")"
pass "prune --keep-last 1 with a bad newest snapshot keeps the newest good one too (last-good)"

run 0 p verify --latest --before "$before"
contains "$out" "$(basename "$good_archive"): ok"
run 0 p diff "$good_archive" latest --before "$before" --stat
contains "$out" "identical"
pass "--before with verify --latest; diff ARCHIVE latest --before takes the path as it is"
