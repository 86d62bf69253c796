# The bash completion (dist/bash-completion/pmxsnap) completes what the
# binary accepts: every command and every option of this build, the values
# of --scenario, --node and --cluster, directories, the archives of the
# repository named by --repo (in any of its spellings) or by a --config
# file, live/latest/latest@NODE for diff and the paths of an archive for
# restore file. In a plain bash, as readline calls it (no bash-completion
# package needed).
source "$TESTLIB"
source "$(dirname "$TESTLIB")/dist.sh"
# One archive of demo/pve1 to complete.
make_node
make_key
run 0 snap --offline
[ "$(archives | wc -l)" -eq 1 ] || fail "no archive to complete"

completion=$src/dist/bash-completion/pmxsnap
complete_line() { # WORDS... (the last one is being completed) -> candidates, one per line
  bash -c 'source "$1"; shift
    COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
    _pmxsnap; printf "%s\n" "${COMPREPLY[@]}"' _ "$completion" "$@"
}
archive=$(archives | sed -n 1p)
[ "$(complete_line pmxsnap sn)" = snapshot ] || fail "pmxsnap sn<TAB>: $(complete_line pmxsnap sn)"
diff_words=$(complete_line pmxsnap --repo "$repo" diff '')
for word in live latest latest@ latest@pve1 "$archive"; do
  grep -qxF -- "$word" <<<"$diff_words" || fail "pmxsnap diff <TAB> lacks $word: $diff_words"
done
[ -z "$(complete_line pmxsnap --repo "$repo" diff live latest '')" ] || fail "diff takes two sources"
grep -qxF -- "$archive" <<<"$(complete_line pmxsnap diff --repo="$repo" live '')" ||
  fail "--repo=DIR after the command not used"
grep -qxF -- "$archive" <<<"$(complete_line pmxsnap --repo = "$repo" verify '')" ||
  fail "--repo = DIR (split by readline) not used"
printf 'repo = %s # comment\n[snapshot]\nrepo = /elsewhere\n' "$repo" >"$scratch/completion.conf"
grep -qxF -- "$archive" <<<"$(complete_line pmxsnap --config "$scratch/completion.conf" restore plan '')" ||
  fail "repo= of --config not used"
restore_words=$(complete_line pmxsnap --repo "$repo" restore file '')
for word in latest latest~1 latest@pve1 "$archive"; do
  grep -qxF -- "$word" <<<"$restore_words" || fail "pmxsnap restore file <TAB> lacks $word: $restore_words"
done
grep -qxF /etc/corosync/corosync.conf <<<"$(complete_line pmxsnap --repo "$repo" restore file latest '')" ||
  fail "pmxsnap restore file latest <TAB>: $(complete_line pmxsnap --repo "$repo" restore file latest '')"
[ "$(complete_line pmxsnap restore '' | sort | tr '\n' ' ')" = "apply extract file plan " ] ||
  fail "pmxsnap restore <TAB>: $(complete_line pmxsnap restore '')"
[ "$(complete_line pmxsnap restore plan --scenario '' | tr '\n' ' ')" = "auto single-node rejoin cluster file " ] ||
  fail "--scenario values"
[ "$(complete_line pmxsnap --repo "$repo" list --node '')" = pve1 ] || fail "--node names"
[ "$(complete_line pmxsnap --repo "$repo" list --cluster '')" = demo ] || fail "--cluster names"
mkdir "$scratch/a-directory"
[ "$(complete_line pmxsnap --root "$scratch/a-dir")" = "$scratch/a-directory" ] || fail "--root DIR"
[ -z "$(complete_line pmxsnap snapshot --note '')" ] || fail "--note offered candidates"
# It offers every command and every option the binary has (it may know
# options still being added on other branches).
commands=$(subcommands_of)
offered=$(complete_line pmxsnap '')
for command in $commands; do
  grep -qx "$command" <<<"$offered" || fail "completion does not offer command $command"
done
for command in $commands; do
  list=("$command")
  [ "$command" = restore ] && mapfile -t list < <(subcommands_of restore | sed 's/^/restore /')
  for words in "${list[@]}"; do
    read -ra argv <<<"$words"
    offered=$(complete_line pmxsnap "${argv[@]}" --)
    for option in $("$PMXSNAP" "${argv[@]}" --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
      grep -qx -- "$option" <<<"$offered" || fail "pmxsnap $words --<TAB> lacks $option"
    done
  done
done
pass "bash completion: commands, options (all the binary's), values, archives from --repo/--config, live/latest@NODE for diff"
