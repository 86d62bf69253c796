#!/usr/bin/env bash
# pmxsnap explains itself: `help [COMMAND]`, one line for an unknown
# command, global options listed once, placeholders as the man pages write
# them, and -v answering on every command.
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
pass "placeholders read as the man pages do"

make_node
make_key
snap >/dev/null
run 0 "$PMXSNAP" --config /dev/null -v list --repo "$repo" --pubkey "$pub"
contains "$err" "list finished in"
run 0 "$PMXSNAP" --config /dev/null keygen -v --out "$scratch/k2/signing.key"
contains "$err" "keygen finished in"
pass "-v answers on every command"
