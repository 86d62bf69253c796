# pmxsnap prune refuses what it cannot act on, in one line with exit 2: no
# rule, only zero rules (also from the config file), negative, non-numeric
# or empty counts, no repository, no trusted key; an empty repository or a
# cluster with no nodes is nothing to prune (exit 0). The refused runs
# change nothing. On a small repository (the real snapshot of demo/pve1,
# demo/pve2's 40 daily, other/pve9's five).
source "$TESTLIB"
source "$(dirname "$TESTLIB")/prune_history.sh"

real_snapshot
small_nodes
listing >"$scratch/listing.before"

run 2 prune
one_line "$err"
contains "$err" "no retention rule"
run 2 prune --keep-last 0 --keep-daily 0
one_line "$err"
contains "$err" "no retention rule"
printf '[prune]\nkeep-daily=0\n' >"$scratch/zero.conf"
run 2 prune --config "$scratch/zero.conf"
contains "$err" "no retention rule"
for value in -1 abc 1.5 ""; do
  run 2 prune --keep-daily "$value"
  one_line "$err"
  contains "$err" "keep-daily"
done
printf '[prune]\nkeep-daily=-3\n' >"$scratch/negative.conf"
run 2 prune --config "$scratch/negative.conf"
one_line "$err"
run 2 "$PMXSNAP" prune --repo "$scratch/no-repo" --pubkey "$pub" --keep-last 1
contains "$err" "repository not found"
if [ ! -e /etc/pmxsnap/trusted.d ]; then
  run 2 "$PMXSNAP" prune --repo "$repo" --key "$scratch/nokey/signing.key" --keep-last 1
  one_line "$err"
  contains "$err" "no trusted public key"
  contains "$err" "--pubkey"
fi
mkdir "$scratch/empty-repo"
run 0 "$PMXSNAP" prune --repo "$scratch/empty-repo" --pubkey "$pub" --keep-last 1
contains "$out" "nothing to prune"
run 0 "$PMXSNAP" prune --repo "$scratch/empty-repo" --pubkey "$pub" --keep-last 1 --json
[ "$(jq -c '[.nodes, .totals]' <<<"$out")" = '[[],{"kept":0,"left":0,"removed":0}]' ] || fail "empty json: $out"
run 0 prune --keep-last 1 --cluster nosuch
contains "$out" "nothing to prune"
pass "no rule, only zero rules, negative, non-numeric or empty counts, no repository, no trusted key: exit 2 in one line; an empty repository: exit 0, nothing to prune"

listing_unchanged
