# A live snapshot keeps its word (issue 24), with the real pmxcfs serving the
# node's db: 20 snapshots with writes through /etc/pve between them, each
# archive equal to what pmxcfs served at that moment; pmxsnap never changes
# config.db or its -wal (content, and ctime: SQLite's fchown of the -wal is
# what moved it before); pmxcfs alive and writable afterwards; and
# `snapshot --if-changed` takes its quick path when nothing changed.
source "$TESTLIB"
source "$(dirname "$TESTLIB")/pmxcfs.sh"
need_pmxcfs
need jq sha256sum stat
make_node --preset typical
make_key
db_dir=$scratch/root/var/lib/pve-cluster
serve=$scratch/serve
mkdir -p "$serve"
ln -s "$db_dir" "$serve/lib" # pmxcfs serves the node's own db directory

# Inside the namespaces, while pmxcfs serves: the whole scenario, so that
# every write goes through /etc/pve and every snapshot meets a running pmxcfs.
cat >"$scratch/scenario.sh" <<'SCENARIO'
set -euo pipefail
db_dir=$1 shift_dir=$2
stamp() { stat -c '%i %s %Y %Z' "$db_dir/config.db" "$db_dir/config.db-wal" 2>/dev/null | tr '\n' ' '; }
digest() { cat "$db_dir/config.db" "$db_dir/config.db-wal" 2>/dev/null | sha256sum | cut -d' ' -f1; }
for i in $(seq 1 20); do
  printf 'change %s\n' "$i" >"/etc/pve/change-$i.cfg"
  [ $((i % 4)) -ne 0 ] || rm "/etc/pve/change-$((i - 1)).cfg"
  sh "$SERVED_TREE" >"$shift_dir/served-$i"
  before_stamp=$(stamp); before_digest=$(digest)
  "$PMXSNAP" snapshot --root "$ROOT" --repo "$REPO" --key "$KEY" --json >"$shift_dir/snapshot-$i.json" 2>"$shift_dir/snapshot-$i.err"
  after_stamp=$(stamp); after_digest=$(digest)
  [ "$before_stamp" = "$after_stamp" ] || { echo "snapshot $i changed the db files' identity: $before_stamp -> $after_stamp"; exit 3; }
  [ "$before_digest" = "$after_digest" ] || { echo "snapshot $i changed config.db or its -wal"; exit 3; }
done
# pmxcfs is alive and writable after all of it.
echo "after" >/etc/pve/after.cfg
[ "$(cat /etc/pve/after.cfg)" = after ] || { echo "pmxcfs no longer writable"; exit 3; }
sleep 3 # the quick check trusts only files untouched for 2 s
"$PMXSNAP" snapshot --root "$ROOT" --repo "$REPO" --key "$KEY" --if-changed --json >"$shift_dir/quick-1.json"
"$PMXSNAP" snapshot --root "$ROOT" --repo "$REPO" --key "$KEY" --if-changed --json >"$shift_dir/quick-2.json"
"$PMXSNAP" snapshot --root "$ROOT" --repo "$REPO" --key "$KEY" --if-changed --json >"$shift_dir/quick-3.json"
SCENARIO

ROOT=$scratch/root REPO=$repo KEY=$key SERVED_TREE=$served_tree PMXSNAP=$PMXSNAP \
  pmxcfs_serve_dir "$serve" pve1 bash "$scratch/scenario.sh" "$db_dir" "$scratch"
[ "$pmxcfs_status" = 0 ] || fail "the live scenario failed (status $pmxcfs_status): $(tail -5 "$pmxcfs_log")"

for i in $(seq 1 20); do
  json=$(cat "$scratch/snapshot-$i.json")
  [ "$(jq -r .copy_method <<<"$json")" = read-transaction ] || fail "snapshot $i did not read through pmxcfs's open db: $json"
  archive_tree "$(jq -r .archive <<<"$json")" >"$scratch/archived-$i"
  diff -u "$scratch/archived-$i" "$scratch/served-$i" >"$scratch/diff-$i" ||
    fail "snapshot $i differs from what pmxcfs served: $(head -20 "$scratch/diff-$i")"
done
pass "20 snapshots while pmxcfs serves and is written through /etc/pve: each archive is what it served"
pass "pmxsnap changed neither config.db nor its -wal (content, inode, size, mtime, ctime); pmxcfs writable after"

# The first --if-changed after the last write captures it; then nothing has
# changed, and the quick check decides without a capture.
[ "$(jq -r '"\(.written) \(.check)"' "$scratch/quick-1.json")" = "true full" ] ||
  fail "--if-changed after a write: $(cat "$scratch/quick-1.json")"
for n in 2 3; do
  [ "$(jq -r '"\(.written) \(.check)"' "$scratch/quick-$n.json")" = "false quick" ] ||
    fail "--if-changed with nothing changed, pmxcfs running (run $n): $(cat "$scratch/quick-$n.json")"
done
pass "--if-changed takes the quick path while pmxcfs runs, once nothing changed"
