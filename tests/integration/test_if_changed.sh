# snapshot --if-changed skips the capture when the db and the host files are
# untouched since the newest archive (the quick check, signed by the node's
# key) and captures in full whenever anything might have changed: a host
# file, a db write (even one that puts the old mtime back: ctime moves), a
# record that does not verify, a db written within the last seconds.
source "$TESTLIB"
need jq sqlite3
make_node --preset typical
make_key
db=$scratch/root/var/lib/pve-cluster/config.db
settle() { touch -d '1 minute ago' "$db" "$db-wal" 2>/dev/null || touch -d '1 minute ago' "$db"; }
check() { jq -r '"\(.written) \(.check)"' <<<"$out"; }

settle
run 0 snap --if-changed --json
[ "$(check)" = "true full" ] || fail "first run: $out"
run 0 snap --if-changed --json
[ "$(check)" = "false quick" ] || fail "untouched: expected the quick check, got $out"
newest=$(jq -r .archive <<<"$out")
[ "$(archives | tail -1)" = "$newest" ] || fail "quick check named $newest, not the newest archive"
pass "untouched since the newest archive: skipped by the quick check, no capture"

echo "# added" >>"$scratch/root/etc/hosts"
run 0 snap --if-changed --json
[ "$(check)" = "true full" ] || fail "a changed host file: $out"
run 0 snap --if-changed --json
[ "$(check)" = "false quick" ] || fail "after the host file change was captured: $out"
pass "a changed host file: captured in full and written; then quick again"

old=$(stat -c %Y "$db")
sqlite3 "$db" "UPDATE tree SET data = CAST(data || X'0a23' AS BLOB) WHERE name = 'storage.cfg'; 
  UPDATE tree SET version = version + 1, mtime = mtime + 1 WHERE inode = 0;" 
touch -d "@$old" "$db" "$db-wal" 2>/dev/null || touch -d "@$old" "$db"
run 0 snap --if-changed --json
[ "$(check)" = "true full" ] || fail "a db write behind an old mtime must still be captured: $out"
pass "a db write that puts the old mtime back: ctime moved, captured in full"

sqlite3 "$db" "UPDATE tree SET data = CAST(data || X'0a23' AS BLOB) WHERE name = 'storage.cfg';
  UPDATE tree SET version = version + 1, mtime = mtime + 1 WHERE inode = 0;"
run 0 snap --if-changed --json
[ "$(check)" = "true full" ] || fail "a fresh db write: $out"
run 0 snap --if-changed --json
[ "$(check)" = "false full" ] || fail "db written seconds ago: no quick key may be trusted yet: $out"
pass "a db written in the last seconds: compared in full, never by the quick check"

settle
run 0 snap --if-changed --json
[ "$(check)" = "false full" ] || fail "settled: the record is made by a full compare: $out"
record=$(dirname "$newest")/.pmxsnap-quick
[ -f "$record" ] || fail "no quick record at $record"
[ "$(stat -c %a "$record")" = 600 ] || fail "quick record mode $(stat -c %a "$record")"
sed -i 's/key=\([0-9a-f]\)/key=0\1/' "$record"
run 0 snap --if-changed --json
[ "$(check)" = "false full" ] || fail "an edited quick record must not be trusted: $out"
run 0 snap --if-changed --json
[ "$(check)" = "false quick" ] || fail "the next run rewrites a good record: $out"
"$PMXSNAP" keygen --out "$scratch/other/signing.key" >/dev/null
run 0 "$PMXSNAP" snapshot --root "$scratch/root" --repo "$repo" --key "$scratch/other/signing.key" --if-changed --json
[ "$(jq -r .written <<<"$out")" = true ] || fail "another key's run must not trust this key's record: $out"
pass "a record that does not verify under the node's key only costs a full compare"
