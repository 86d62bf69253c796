# pmxcfs's total and inode limits only feed statfs: a db past both of them —
# the max preset (pmxcfs's 262,144 inodes and 128 MiB, to within a few
# entries) with more entries and bytes added — is served by the real pmxcfs
# entry for entry as pmxsnap archives it, and takes a write; pmxsnap calls it
# loadable with warnings. The max fixture itself breaks no rule.
# (test_pmxcfs_fidelity's corpus, at the size where the limits apply; its own
# test for the minutes it takes.)
source "$TESTLIB"
source "$(dirname "$TESTLIB")/pmxcfs.sh"
need_pmxcfs
need jq sqlite3
make_key
"$MKFIXTURE" --root "$scratch/max" --preset max >/dev/null
db=$scratch/max/var/lib/pve-cluster/config.db
run 0 "$PMXSNAP" inspect "$db" --json
[ "$(jq -c '[.violations, .write_limits]' <<<"$out")" = '[[],[]]' ] || fail "the max preset breaks a rule: $out"
pass "the max fixture breaks no pmxcfs rule and is within its limits"

sqlite3 "$db" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 64)
  INSERT INTO tree SELECT 900000 + i, 0, 900000 + i, 1, 1760000000, 8, 'over-' || i || '.cfg',
    randomblob(65536) FROM n"
run 0 "$PMXSNAP" inspect "$db" --json
[ "$(jq -r '[.write_limits[].rule] | sort | join(",")' <<<"$out")" = "too-many-inodes,total-too-large" ] ||
  fail "over the limits: $out"
[ "$(jq -r '[.write_limits[].effect] | unique | join(",")' <<<"$out")" = "exceeds statfs capacity" ] ||
  fail "over the limits, not named a statfs capacity: $out"
pmxcfs_agree over-the-limits "$db" "$scratch/max"
# The limits only feed statfs (memdb.c, memdb_statfs): its free counts wrap
# around past them, and a write still succeeds.
# pmxcfs was seen to hang on this write once, beside a build and three other
# tests (nothing written, killed at the 450 s deadline; alone the whole test
# takes two minutes): a hang counts only when it happens twice.
write_past_the_limits() {
  PMXCFS_DEADLINE=240 pmxcfs_serve "$db" pve1 sh -c 'echo written >/etc/pve/after-the-limits.cfg &&
    [ "$(cat /etc/pve/after-the-limits.cfg)" = written ] && stat -f -c "%b %f %c %d" /etc/pve >"$1"' \
    sh "$scratch/statfs"
}
write_past_the_limits
if [ "$pmxcfs_status" = 137 ]; then
  echo "note: pmxcfs hung on the write past the limits; once more" >&2
  write_past_the_limits
fi
[ "$pmxcfs_status" = 0 ] || fail "past the limits: pmxcfs refused a write (status $pmxcfs_status): $(tail -3 "$pmxcfs_log")"
# A wrapped count reads as negative (GNU stat prints it signed; seen: -527
# blocks, -64 inodes free) or as more than the total (awk: either is past
# bash's arithmetic).
awk '{ exit !(($2 < 0 || $2 > $1) && ($4 < 0 || $4 > $3)) }' "$scratch/statfs" ||
  fail "past the limits: statfs free counts (blocks, free, inodes, free) did not wrap: $(cat "$scratch/statfs")"
pass "past 262,144 inodes and 128 MiB: pmxcfs serves every entry as archived and takes writes (statfs free counts wrap); pmxsnap warns, never refuses"
