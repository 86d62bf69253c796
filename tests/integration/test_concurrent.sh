# Four snapshot processes at once on one node directory: each waits for the
# node lock (or gives up cleanly after --lock-wait), none writes a corrupt or
# duplicate file; with --if-changed exactly one captures the state and the
# others skip it.
source "$TESTLIB"
need minisign
make_node --preset typical --guests 1000
make_key
launch() { # N ARGS...: N snapshots at once; their exit codes in $scratch/codes
  local n=$1 i pids=(); shift
  : >"$scratch/codes"
  for i in $(seq 1 "$n"); do
    ( set +e; snap "$@" >"$scratch/c$i.out" 2>"$scratch/c$i.err"; echo $? >>"$scratch/codes" ) &
    pids+=($!)
  done
  wait "${pids[@]}"
}
launch 4 --lock-wait 30
[ "$(sort -u "$scratch/codes" | tr '\n' ' ')" = "0 " ] || fail "4 at once: exit codes $(tr '\n' ' ' <"$scratch/codes"): $(cat "$scratch"/c*.err)"
[ "$(archives | wc -l)" -eq 4 ] || fail "4 at once: $(archives | wc -l) archives"
[ "$(archives | xargs -n1 basename | sort -u | wc -l)" -eq 4 ] || fail "duplicate names"
for a in $(archives); do minisign -Vqm "$a" -p "$pub" || fail "$a does not verify"; done
run 0 "$PMXSNAP" verify --repo "$repo" --pubkey "$pub" --all
pass "4 snapshots at once: each waited its turn, 4 distinct archives, all verify"

before=$(archives | wc -l)
launch 4 --if-changed --lock-wait 30
[ "$(sort -u "$scratch/codes" | tr '\n' ' ')" = "0 " ] || fail "--if-changed: exit codes $(tr '\n' ' ' <"$scratch/codes")"
[ "$(archives | wc -l)" -eq "$before" ] || fail "--if-changed with nothing changed wrote $(( $(archives | wc -l) - before )) archives"
sqlite3 "$scratch/root/var/lib/pve-cluster/config.db" "update tree set version = version + 1 where inode = 0"
launch 4 --if-changed --lock-wait 30
[ "$(archives | wc -l)" -eq $((before + 1)) ] || fail "--if-changed after a change: $(( $(archives | wc -l) - before )) new archives, want 1"
pass "4 at once with --if-changed: nothing changed → none written; one change → exactly one archive"

# A lock held longer than --lock-wait: the waiters give up cleanly.
hold_lock "$repo/demo/pve1/.lock" 300
launch 3 --lock-wait 1
release_lock
[ "$(sort -u "$scratch/codes" | tr '\n' ' ')" = "2 " ] || fail "held lock: exit codes $(tr '\n' ' ' <"$scratch/codes")"
for i in 1 2 3; do one_line "$(cat "$scratch/c$i.err")"; done
[ -z "$(find "$repo" -name '.pmxsnap-tmp.*')" ] || fail "a waiter left a temporary file"
pass "a lock held past --lock-wait: every waiter exits 2 with one line, nothing half-written"
