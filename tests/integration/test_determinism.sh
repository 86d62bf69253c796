# Acceptance: the same state and SOURCE_DATE_EPOCH give identical bytes;
# --if-changed on an unchanged state writes nothing.
source "$TESTLIB"
make_node --preset typical --wal-tail 3
make_key
export SOURCE_DATE_EPOCH=1764000000
run 0 "$PMXSNAP" snapshot --root "$scratch/root" --repo "$scratch/a" --key "$key"
run 0 "$PMXSNAP" snapshot --root "$scratch/root" --repo "$scratch/b" --key "$key"
a=$(find "$scratch/a" -name '*.pmxsnap') b=$(find "$scratch/b" -name '*.pmxsnap')
[ "$(basename "$a")" = 20251124T160000Z.pmxsnap ] || fail "name $(basename "$a") does not follow SOURCE_DATE_EPOCH"
cmp "$a" "$b" || fail "archives differ"
cmp "$a.minisig" "$b.minisig" || fail "signatures differ"
pass "identical archives and signatures"

run 2 "$PMXSNAP" snapshot --root "$scratch/root" --repo "$scratch/a" --key "$key"
contains "$err" "already exists"
one_line "$err"
pass "a second archive with the same pinned time is refused, not overwritten"

unset SOURCE_DATE_EPOCH
# Archives and signatures; not the lock, nor the quick record: a cache of
# what the files looked like, which a run refreshes when the first run saw
# them too freshly written to vouch for them (seen under the sanitizer pass).
listing() { find "$repo" -type f ! -name .lock ! -name .pmxsnap-quick | sort | xargs -r sha256sum; }
run 0 snap
first=$(listing)
run 0 snap --if-changed
contains "$out" "unchanged"
[ "$(listing)" = "$first" ] || fail "--if-changed wrote something"
pass "--if-changed on unchanged state writes nothing"

# A change to /etc/pve (a new root version) is captured.
"$CHURN" "$scratch/root/var/lib/pve-cluster/config.db" "$scratch/log" "$scratch/nostop" 1
run 0 snap --if-changed
[ "$(archives | wc -l)" -eq 2 ] || fail "a changed state was not captured"
pass "--if-changed captures a changed state"
