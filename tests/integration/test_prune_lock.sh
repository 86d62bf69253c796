# The node lock: a pmxsnap prune waits --lock-wait for it and then gives up
# (exit 2), so it never removes archives under a running snapshot; a dry
# run removes nothing and takes no lock. Neither changes the repository. On
# a small repository (the real snapshot of demo/pve1, which creates its
# lock, demo/pve2's 40 daily, other/pve9's five).
source "$TESTLIB"
source "$(dirname "$TESTLIB")/prune_history.sh"

real_snapshot
small_nodes
listing >"$scratch/listing.before"

exec {lock}<"$pve1/.lock"
flock "$lock"
run 2 prune --keep-last 1 --node pve1 --lock-wait 1
contains "$err" "still locked"
run 0 prune --keep-last 1 --node pve1 --dry-run
exec {lock}>&-
pass "a prune waits --lock-wait for the node lock and then gives up; a dry run does not take it"

listing_unchanged
