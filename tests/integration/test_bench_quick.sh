# bench/run --quick: every benchmark command of the typical workload runs and
# the table has its rows. A smoke test only: no timing is asserted.
source "$TESTLIB"
need hyperfine jq sqlite3 zstd tar gzip minisign
[ -x /usr/bin/time ] || skip "GNU time is missing"
bench=$(dirname "$TESTLIB")/../../bench/run
run 0 env PMXSNAP_BENCH_CACHE="$scratch/cache" TMPDIR="$scratch" "$bench" --quick
for what in "snapshot vs sqlite3 .backup" "snapshot vs the floor" "verify (all levels)" "diff, 10 files changed" "archive size"; do
  contains "$out" "| $what"
done
[ "$(grep -c '^| .* | typical | [0-9.]*× |' <<<"$out")" -ge 5 ] || fail "bench rows: $out"
pass "bench/run --quick: every typical row measured"
