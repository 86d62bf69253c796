#!/usr/bin/env bash
# pmxsnap explains itself: `help [COMMAND]`, one line for an unknown
# command, global options listed once, placeholders as the man pages write
# them, -q silent on success and -v answering on every command.
source "$TESTLIB"
run 0 "$PMXSNAP" help
for c in keygen snapshot list inspect verify diff restore doctor prune; do contains "$out" "$c"; done
contains "$out" "--repo"
run 0 "$PMXSNAP" help snapshot
contains "$out" "--if-changed"
contains "$out" "Global options"
case "$out" in *"--root DIR"*) fail "global options repeated in a command's help: $out" ;; esac
run 0 "$PMXSNAP" help restore plan
contains "$out" "--scenario"
run 2 "$PMXSNAP" help frobnicate
one_line "$err"; contains "$err" "frobnicate: unknown command"
run 2 "$PMXSNAP" frobnicate
one_line "$err"; contains "$err" "pmxsnap: frobnicate: unknown command"
run 2 "$PMXSNAP" --repo /x frobnicate --json-less
one_line "$err"; contains "$err" "frobnicate: unknown command"
pass "help, help COMMAND, unknown commands"

for c in "" keygen snapshot list inspect verify diff "restore plan" "restore apply" "restore extract" "restore file" doctor prune help; do
  # shellcheck disable=SC2086
  run 0 "$PMXSNAP" help $c
  for internal in 'N:N' 'FLOAT' 'INT ' 'UINT' 'TEXT:' ' in ['; do
    case "$out" in *"$internal"*) fail "pmxsnap help $c shows CLI11's '$internal': $out" ;; esac
  done
done
# ... and say what to give: a size with K/M/G, a time in seconds.
run 0 "$PMXSNAP" help verify
contains "$out" "--max-decompressed SIZE"
run 0 "$PMXSNAP" help snapshot
contains "$out" "--lock-wait SECONDS"
run 0 "$PMXSNAP" help prune
contains "$out" "--lock-wait SECONDS"
pass "placeholders read as the man pages do"

make_node
make_key
snap >/dev/null
archive=$(archives | tail -1)
# Commands that succeed on this fixture, cheaply; @ stands for a fresh name.
cases=(
  "list --repo $repo --pubkey $pub"
  "verify --pubkey $pub $archive"
  "inspect $archive"
  "diff --root $scratch/root --repo $repo --pubkey $pub --offline latest live"
  "snapshot --root $scratch/root --repo $repo --key $key --if-changed"
  "prune --repo $repo --pubkey $pub --keep-last 5 --dry-run"
  "restore extract $archive --pubkey $pub --to $scratch/extract-@"
  "keygen --out $scratch/keys-@/signing.key"
)
n=0
for c in "${cases[@]}"; do
  word=${c%% *}
  n=$((n + 1))
  # shellcheck disable=SC2086
  run 0 "$PMXSNAP" --config /dev/null -q ${c//@/q$n}
  [ -z "$out$err" ] || fail "-q $c printed: $out$err"
  # shellcheck disable=SC2086
  run 0 "$PMXSNAP" --config /dev/null -v ${c//@/v$n}
  contains "$err" "$word finished in"
  # shellcheck disable=SC2086
  run 0 "$PMXSNAP" --config /dev/null ${c//@/a$n} -v # after the command, too
  contains "$err" "$word finished in"
done
pass "-q prints nothing on success and -v the time, in list, verify, inspect, diff, snapshot, prune, restore and keygen"
