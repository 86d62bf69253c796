# Acceptance for pmxsnap prune's policy. A node with two years of hourly
# snapshots (17,599 archives with real minisign signatures, made by
# pmxsnap-signed-history, plus one real archive from pmxsnap snapshot as the
# newest) and two small other nodes. The kept set of --dry-run --json is
# compared, file by file and rule by rule, with an independent computation in
# Python of the restic meaning of the rules, under six policies; foreign,
# renamed, moved, altered, unsigned and tampered files are left in place and
# reported; the dry runs change nothing. The only script that makes the big
# history: the options, bad input, the lock and the real prune are shown on
# small repositories (test_prune_options, test_prune_bad_input,
# test_prune_lock, test_prune_real).
source "$TESTLIB"
source "$(dirname "$TESTLIB")/prune_history.sh"

real_snapshot
started=$(now)
"$SIGNEDHISTORY" "$key" "$pve1" <"$scratch/times.pve1"
small_nodes
cat "$scratch/times.pve1" "$scratch/time.real" >"$scratch/policy.pve1"
history_seconds=$(seconds_since "$started")
count=$(find "$pve1" -name '*.pmxsnap' | wc -l)
[ "$count" -ge 17520 ] || fail "only $count archives in $pve1"
sample=$(find "$pve1" -name '*.pmxsnap' | sort | sed -n 1000p)
run 0 minisign -Vm "$sample" -p "$pub"
contains "$out" "Trusted comment: pmxsnap/1 cluster=demo node=pve1"
pass "$count signed archives in demo/pve1 in ${history_seconds} s; minisign -V accepts them"

# Files that must not count: those of plant_untrusted (the tampered one the
# 100th of the history), and another node's archive, moved here.
plant_untrusted "$scratch/times.pve1" 100
moved=$(stamp_of "$(head -n 1 "$scratch/times.pve2")").pmxsnap
[ ! -e "$pve1/$moved" ] || fail "$moved is in both histories"
cp "$repo/demo/pve2/$moved" "$repo/demo/pve2/$moved.minisig" "$pve1/"
listing >"$scratch/listing.before"

# 1. The acceptance policy, then others, against the independent computation.
started=$(now)
run 0 prune --dry-run --json "${acceptance[@]}"
dry_run_seconds=$(seconds_since "$started")
plan=$out
[ "$(jq -r '.schema, .dry_run' <<<"$plan" | tr '\n' ' ')" = "pmxsnap.prune/1 true " ] || fail "schema: $(jq -c 'del(.nodes)' <<<"$plan")"
diff <(kept_of pve1) <(expected "$scratch/policy.pve1" "${acceptance[@]}") >"$scratch/diff" ||
  fail "pve1 kept set differs from the reference (< pmxsnap, > reference): $(head -n 20 "$scratch/diff")"
diff <(kept_of pve2) <(expected "$scratch/times.pve2" "${acceptance[@]}") >"$scratch/diff" ||
  fail "pve2 kept set differs: $(cat "$scratch/diff")"
[ "$(jq -r '.nodes[] | select(.node == "pve1") | .kept[-1].file' <<<"$plan")" = "$(basename "$real")" ] ||
  fail "the newest (the real archive) is not the newest kept"
kept=$(kept_of pve1 | wc -l)
removed=$(jq '[.nodes[] | select(.node == "pve1") | .removed[]] | length' <<<"$plan")
[ $((kept + removed + 6)) -eq $((count + 5)) ] ||
  fail "pve1: $kept kept + $removed removed + 6 left is not every archive ($((count + 5)))"
[ "$(jq -r '[.nodes[] | "\(.cluster)/\(.node)"] | join(" ")' <<<"$plan")" = "demo/pve1 demo/pve2 other/pve9" ] ||
  fail "nodes: $(jq -c '[.nodes[] | .node]' <<<"$plan")"
diff <(kept_of pve9) <(expected "$scratch/times.pve9" "${acceptance[@]}") >"$scratch/diff" ||
  fail "pve9 kept set differs: $(cat "$scratch/diff")"
all_kept=$(jq '[.nodes[].kept[]] | length' <<<"$plan")
[ "$all_kept" -eq $((kept + $(kept_of pve2 | wc -l) + $(kept_of pve9 | wc -l))) ] || fail "kept lists"
[ "$(jq -c '.totals' <<<"$plan")" = "{\"kept\":$all_kept,\"left\":6,\"removed\":$((count + 5 + 45 - all_kept - 6))}" ] ||
  fail "totals: $(jq -c .totals <<<"$plan")"
pass "keep-last 24 hourly 48 daily 14 weekly 8 monthly 12 over $count snapshots: $kept kept exactly as the reference, with their rules; newest kept; --dry-run --json in ${dry_run_seconds} s"

for policy in "--keep-daily 7" "--keep-last 1" "--keep-weekly 5 --keep-monthly 3" \
  "--keep-hourly 100 --keep-monthly 24" "--keep-last 3 --keep-daily 30 --keep-weekly 52"; do
  # shellcheck disable=SC2086
  run 0 prune --dry-run --json $policy
  # shellcheck disable=SC2086
  diff <(kept_of pve1) <(expected "$scratch/policy.pve1" $policy) >"$scratch/diff" ||
    fail "$policy: pve1 kept set differs: $(head -n 20 "$scratch/diff")"
  [ "$(jq -r '.nodes[] | select(.node == "pve1") | .kept[-1].file' <<<"$out")" = "$(basename "$real")" ] ||
    fail "$policy: newest not kept"
  pass "$policy: kept set equals the reference ($(kept_of pve1 | wc -l) kept), newest kept"
done

# 2. Files that must not count are left, each with why; nothing else is.
left=$(jq -r '.nodes[] | select(.node == "pve1") | .left[] | "\(.file) \(.problem)"' <<<"$plan")
[ "$(wc -l <<<"$left")" -eq 6 ] || fail "left: $left"
contains "$left" "$foreign signed by key"
contains "$left" "which is not trusted"
contains "$left" "$renamed signed for file $original, but this file is $renamed (renamed or replaced)"
contains "$left" "$moved signed for demo/pve2, but it lies in demo/pve1 (moved)"
contains "$left" "$altered trusted comment signature does not match"
contains "$left" "$unsigned no signature beside it"
contains "$left" "$tampered signature does not match the file (altered or corrupt)"
run 0 prune --dry-run "${acceptance[@]}"
contains "$out" "leave   demo/pve1/$foreign  signed by key"
contains "$out" "keep    demo/pve1/$(basename "$real")  last-good,last,hourly,daily,weekly,monthly"
contains "$out" "remove  demo/pve1/$original"
contains "$out" "demo/pve1: $kept kept, $removed to remove (dry run: nothing removed), 6 left in place"
[ "$(grep -c '^keep \|^remove \|^leave ' <<<"$out")" -eq $((count + 5 + 40 + 5)) ] || fail "not one line per archive"
contains "$err" "6 archive(s) left in place"
case "$out" in *.pmxsnap-tmp.*) fail "a temporary file was listed" ;; esac
pass "foreign, renamed, moved, altered, unsigned and tampered archives left in place and named with why; text has one line per archive"

listing_unchanged
