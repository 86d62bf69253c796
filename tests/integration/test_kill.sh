# Acceptance: a snapshot killed with SIGKILL at any point leaves no file
# under a final name that is not complete; the next run succeeds and removes
# the temporary files of the killed one.
source "$TESTLIB"
need minisign
make_node --preset typical --guests 2000
make_key
run 0 snap --note "baseline"
# How long a whole run takes, to spread the kills over it: the shorter of
# two runs, so a run slowed by a busy machine does not put most kills after
# the end of the snapshots that follow.
total_ms=
for _ in 1 2; do
  start=$(date +%s%N)
  run 0 snap
  took=$(( ($(date +%s%N) - start) / 1000000 ))
  [ -n "$total_ms" ] && [ "$total_ms" -le "$took" ] || total_ms=$took
done
rounds=${PMXSNAP_KILL_ROUNDS:-50}
killed=0
for i in $(seq 1 "$rounds"); do
  delay_ms=$(( RANDOM % (total_ms + 20) ))
  # The binary itself in the background, not the snap function: killing
  # the subshell around a function would leave pmxsnap running.
  "$PMXSNAP" snapshot --root "$scratch/root" --repo "$repo" --key "$key" >/dev/null 2>&1 &
  pid=$!
  sleep "$(printf '0.%03d' "$delay_ms")" 2>/dev/null || sleep 0
  kill -9 "$pid" 2>/dev/null && killed=$((killed + 1)) || true
  wait "$pid" 2>/dev/null || true
  # Every archive under a final name verifies, with its signature.
  for archive in $(archives); do
    minisign -Vqm "$archive" -p "$pub" || fail "round $i: $archive does not verify"
  done
done
[ "$killed" -ge $((rounds / 5)) ] || fail "only $killed of $rounds runs were still running when killed (a run takes ~$total_ms ms)"
pass "$rounds rounds, $killed runs killed mid-way: every archive under a final name verifies"
leftovers=$(find "$repo" -name '.pmxsnap-tmp.*' | wc -l)
run 0 snap -v
[ "$(find "$repo" -name '.pmxsnap-tmp.*' | wc -l)" -eq 0 ] || fail "temporary files left after a clean run"
for sig in $(find "$repo" -name '*.minisig'); do
  [ -e "${sig%.minisig}" ] || fail "signature without archive: $sig"
done
run 0 "$PMXSNAP" verify --repo "$repo" --key "$key" --all
pass "next run succeeded, removed $leftovers leftovers, every archive verifies"
