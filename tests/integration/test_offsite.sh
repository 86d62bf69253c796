# Off-site copies (pmxsnap-snapshot(1), OFF-SITE COPIES): --post-command runs
# after each run with PMXSNAP_ARCHIVE and friends, and its failure fails the
# run without touching the archive; the shipped recipes
# (dist/examples/offsite-rclone, offsite-restic), run as they are, copy the
# repository to a local rclone remote and a local restic repository, prune
# only after the copy is proven, keep every archive when the copy fails, and
# what is restored from the copy verifies with `pmxsnap verify`.
source "$TESTLIB"
need rclone restic
src=$(cd "$(dirname "$TESTLIB")/../.." && pwd)
make_node
make_key
repo=$scratch/repo
# `pmxsnap` as the recipes call it: this build, with this test's config
# (the policy keeps the 2 newest; the key and its public half).
mkdir "$scratch/bin"
cat >"$scratch/pmxsnap.conf" <<EOF2
key = $key
pubkey = ${key%.key}.pub
[prune]
keep-last = 2
EOF2
printf '#!/bin/sh\nexec "%s" --config "%s" "$@"\n' "$PMXSNAP" "$scratch/pmxsnap.conf" >"$scratch/bin/pmxsnap"
chmod +x "$scratch/bin/pmxsnap"
export PATH="$scratch/bin:$PATH"
[ -f "${key%.key}.pub" ] || fail "no public key beside $key"
at=1767225600 # 2026-01-01T00:00:00Z; each snapshot an hour later
snap_at() { # POST-COMMAND [EXPECTED]: a snapshot an hour after the last one
  at=$((at + 3600))
  run "${2:-0}" env SOURCE_DATE_EPOCH=$at pmxsnap snapshot --root "$scratch/root" --repo "$repo" \
    --post-command "$1"
}
count() { find "$1" -name '*.pmxsnap' | wc -l; }

# --- --post-command ---------------------------------------------------------------
snap_at "env | grep ^PMXSNAP_ | sort >$scratch/env; echo printed-by-the-command"
archive=$(find "$repo" -name '*.pmxsnap' | sort | tail -1)
contains "$(cat "$scratch/env")" "PMXSNAP_ARCHIVE=$archive"
contains "$(cat "$scratch/env")" "PMXSNAP_SIGNATURE=$archive.minisig"
contains "$(cat "$scratch/env")" "PMXSNAP_REPO=$repo"
contains "$(cat "$scratch/env")" "PMXSNAP_WRITTEN=1"
contains "$(cat "$scratch/env")" "PMXSNAP_HEALTH=good"
contains "$(cat "$scratch/env")" "PMXSNAP_NODE=pve1"
contains "$err" printed-by-the-command
[[ $out != *printed-by-the-command* ]] || fail "the command's stdout went to pmxsnap's stdout"
run 0 pmxsnap snapshot --root "$scratch/root" --repo "$repo" --if-changed --json \
  --post-command "env | grep ^PMXSNAP_ | sort >$scratch/env"
contains "$(cat "$scratch/env")" "PMXSNAP_WRITTEN=0"
contains "$(cat "$scratch/env")" "PMXSNAP_ARCHIVE=$archive"
contains "$out" '"success": true'
before=$(count "$repo")
run 2 pmxsnap snapshot --root "$scratch/root" --repo "$repo" --json --post-command 'exit 4'
contains "$out" "post-command exited 4;"
contains "$out" "is kept as written"
contains "$out" '"success": false'
[ "$(count "$repo")" -eq $((before + 1)) ] || fail "a failed post-command took the archive"
run 0 pmxsnap verify --repo "$repo" --latest
run 2 pmxsnap snapshot --root "$scratch/no-root" --repo "$repo" --post-command "touch $scratch/ran"
[ ! -e "$scratch/ran" ] || fail "the post-command ran after a failed snapshot"
pass "--post-command: PMXSNAP_ARCHIVE/SIGNATURE/REPO/WRITTEN/HEALTH/NODE, stdout to stderr; a failure exits 2 and keeps the archive (it verifies); not run after an error"
rm -rf "$repo"

# --- rclone to a local remote -------------------------------------------------------
export RCLONE_CONFIG=$scratch/rclone.conf RCLONE_CONFIG_OFFSITE_TYPE=local
: >"$RCLONE_CONFIG"
export PMXSNAP_OFFSITE=offsite:$scratch/rclone-copy
rclone_recipe=$src/dist/examples/offsite-rclone
for _ in 1 2 3; do snap_at "$rclone_recipe"; done
[ "$(count "$repo")" -eq 2 ] || fail "local: $(count "$repo") archives, keep-last = 2"
[ "$(count "$scratch/rclone-copy")" -eq 3 ] || fail "copy: $(count "$scratch/rclone-copy") archives"
[ -z "$(find "$scratch/rclone-copy" -name '.*')" ] || fail "lock or temporary files copied"
# The copy fails (the remote is a file, not a directory): nothing is pruned.
export PMXSNAP_OFFSITE=offsite:$scratch/rclone-copy/not-a-dir
touch "$scratch/rclone-copy/not-a-dir"
snap_at "$rclone_recipe" 2
snap_at "$rclone_recipe" 2
[ "$(count "$repo")" -eq 4 ] || fail "prune ran without a copy: $(count "$repo") archives"
# The copy works again: everything reaches it, then prune.
export PMXSNAP_OFFSITE=offsite:$scratch/rclone-copy
snap_at "$rclone_recipe"
[ "$(count "$repo")" -eq 2 ] || fail "local after the copy: $(count "$repo")"
[ "$(count "$scratch/rclone-copy")" -eq 6 ] || fail "copy: $(count "$scratch/rclone-copy") of 6"
run 0 rclone copy offsite:"$scratch/rclone-copy" "$scratch/rclone-restored"
run 0 pmxsnap verify --repo "$scratch/rclone-restored" --all
[ "$(count "$scratch/rclone-restored")" -eq 6 ] || fail "restored $(count "$scratch/rclone-restored")"
pass "rclone recipe: 6 snapshots, 2 kept here, all 6 off-site; two failed copies pruned nothing; the 6 restored from the remote verify"
rm -rf "$repo"

# --- restic to a local repository ----------------------------------------------------
export RESTIC_REPOSITORY=$scratch/restic RESTIC_PASSWORD_FILE=$scratch/restic.password
export RESTIC_CACHE_DIR=$scratch/restic-cache
echo "a test password" >"$RESTIC_PASSWORD_FILE"
run 0 restic init
restic_recipe=$src/dist/examples/offsite-restic
snap_at "$restic_recipe"
first=$(find "$repo" -name '*.pmxsnap')
for _ in 2 3; do snap_at "$restic_recipe"; done
[ "$(count "$repo")" -eq 2 ] || fail "local: $(count "$repo") archives"
[ ! -e "$first" ] || fail "$first not pruned"
echo "another password" >"$scratch/wrong.password"
RESTIC_PASSWORD_FILE=$scratch/wrong.password snap_at "$restic_recipe" 2
[ "$(count "$repo")" -eq 3 ] || fail "prune ran without a backup: $(count "$repo") archives"
snap_at "$restic_recipe"
[ "$(count "$repo")" -eq 2 ] || fail "local after the backup: $(count "$repo")"
[ ! -e "$first" ] || fail "$first not pruned"
run 0 restic restore latest --target "$scratch/restic-restored"
restored=$scratch/restic-restored$repo
run 0 pmxsnap verify --repo "$restored" --all
# It was taken before this run's prune: the 2 kept here and the 2 pruned.
[ "$(count "$restored")" -eq 4 ] || fail "latest restic snapshot: $(count "$restored") archives"
for kept in $(find "$repo" -name '*.pmxsnap'); do
  [ -f "$scratch/restic-restored$kept" ] || fail "$kept is not in the latest restic snapshot"
done
# An archive pruned here is still in an older restic snapshot.
oldest=$(restic snapshots --json --tag pmxsnap | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
run 0 restic restore "$oldest" --target "$scratch/old" --include "$(basename "$first")*"
run 0 pmxsnap verify "$scratch/old$first"
pass "restic recipe: a failed backup pruned nothing; the latest restic snapshot restores the 4 archives there before the prune, which verify, an older one the archive pruned here, which verifies"

# The README shows each recipe's commands: they are the recipe's own lines.
for recipe in offsite-rclone offsite-restic; do
  block=$(awk -v r="[\`$recipe\`]" 'index($0, r) == 1 { on = 1; next }
    on && /^```sh$/ { inside = 1; next } inside && /^```$/ { exit } inside' "$src/README.md")
  [ -n "$block" ] || fail "README shows no $recipe"
  while IFS= read -r line; do
    grep -qxF -- "$line" "$src/dist/examples/$recipe" || fail "README's '$line' is not in $recipe"
  done <<<"$block"
done
pass "the README's recipe lines are the tested recipes'"
