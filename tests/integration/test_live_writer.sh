# Acceptance: a writer committing continuously (as pmxcfs does) while 50
# snapshots are taken: every archive's db passes integrity_check and the
# pmxcfs invariants, its root version is one that was committed, and the
# two files each commit writes together agree.
source "$TESTLIB"
need sqlite3 zstd tar
make_node --preset typical
make_key
db=$scratch/root/var/lib/pve-cluster/config.db
"$CHURN" "$db" "$scratch/committed" "$scratch/stop" &
churn=$!
trap 'status_seen=$?; touch "$scratch/stop"; wait $churn 2>/dev/null || true; on_exit $status_seen' EXIT
while [ ! -s "$scratch/committed" ]; do sleep 0.01; done
count=${PMXSNAP_LIVE_SNAPSHOTS:-50}
for i in $(seq 1 "$count"); do
  "$PMXSNAP" snapshot --root "$scratch/root" --repo "$scratch/repo$i" --key "$key" -q ||
    fail "snapshot $i failed"
done
touch "$scratch/stop"
wait $churn
versions=()
for archive in $(find "$scratch" -path "$scratch/repo*" -name '*.pmxsnap'); do
  x=$(mktemp -d "$scratch/x.XXXX")
  zstd -dc "$archive" | tar -x -C "$x" db/config.db pve/churn-a.cfg pve/nodes/pve1/churn-b.cfg 2>/dev/null ||
    zstd -dc "$archive" | tar -x -C "$x" db/config.db
  [ "$(sqlite3 "$x/db/config.db" 'pragma integrity_check')" = ok ] || fail "$archive: integrity_check"
  run 0 "$PMXSNAP" inspect "$x/db/config.db"
  version=$(sqlite3 "$x/db/config.db" "select version from tree where inode = 0")
  grep -qx "$version" "$scratch/committed" || [ "$version" -lt "$(head -n1 "$scratch/committed")" ] ||
    fail "$archive: root version $version was never committed"
  if [ -e "$x/pve/churn-a.cfg" ]; then
    cmp -s "$x/pve/churn-a.cfg" "$x/pve/nodes/pve1/churn-b.cfg" || fail "$archive: torn state"
  fi
  versions+=("$version")
done
[ "${#versions[@]}" -eq "$count" ] || fail "expected $count archives, found ${#versions[@]}"
distinct=$(printf '%s\n' "${versions[@]}" | sort -u | wc -l)
[ "$distinct" -gt 1 ] || fail "the writer did not write during the snapshots"
pass "$count archives under a live writer: whole, consistent, committed ($distinct distinct versions)"
