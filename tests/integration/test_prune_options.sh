# Where pmxsnap prune's choices come from: --node and --cluster choose the
# node directories; repo and the [prune] section of a --config file are
# prune's defaults, the command line overrides them, other commands ignore
# [prune]; these dry runs change nothing. On a small repository (the real
# snapshot of demo/pve1, demo/pve2's 40 daily, other/pve9's five): the
# choices are under test, not the policy over a long history
# (test_prune_policy).
source "$TESTLIB"
source "$(dirname "$TESTLIB")/prune_history.sh"

real_snapshot
small_nodes
listing >"$scratch/listing.before"

run 0 prune --dry-run --json --keep-last 1 --node pve2
[ "$(jq -r '[.nodes[].node] | join(" ")' <<<"$out")" = pve2 ] || fail "--node: $(jq -c '[.nodes[].node]' <<<"$out")"
run 0 prune --dry-run --json --keep-last 1 --cluster other
[ "$(jq -r '[.nodes[] | "\(.cluster)/\(.node)"] | join(" ")' <<<"$out")" = other/pve9 ] || fail "--cluster"
pass "--node and --cluster choose the node directories"

# The config file (on demo/pve2 alone: the mapping is under test, not the policy).
printf 'repo = %s\n[prune]\nkeep-daily = 7\n' "$repo" >"$scratch/pmxsnap.conf"
run 0 "$PMXSNAP" --config "$scratch/pmxsnap.conf" prune --pubkey "$pub" --node pve2 --dry-run --json
diff <(kept_of pve2) <(expected "$scratch/times.pve2" --keep-daily 7) >/dev/null ||
  fail "[prune] keep-daily=7 from --config was not applied: $(jq -c .policy <<<"$out")"
run 0 prune --config "$scratch/pmxsnap.conf" --node pve2 --dry-run --json
[ "$(jq -c .policy.keep_daily <<<"$out")" = 7 ] || fail "--config after the command"
run 0 prune --config "$scratch/pmxsnap.conf" --node pve2 --dry-run --json --keep-daily 0 --keep-last 2
[ "$(jq -c '[.policy.keep_daily, .policy.keep_last]' <<<"$out")" = "[0,2]" ] || fail "the command line should override the config file"
diff <(kept_of pve2) <(expected "$scratch/times.pve2" --keep-last 2) >/dev/null || fail "keep-last 2"
run 0 "$PMXSNAP" --config "$scratch/pmxsnap.conf" list --pubkey "$pub" --node pve2
pass "repo and [prune] keep-daily = 7 in a --config file are prune's defaults; the command line overrides them; other commands ignore [prune]"

listing_unchanged
