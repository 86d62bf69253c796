# The exit-code contract of DESIGN.md for every command that reads archives
# (verify, restore extract/plan/file/apply, diff, inspect): an archive that is
# itself the finding — tampered, truncated, foreign (not a pmxsnap archive) —
# is exit 1; no trusted key is exit 2 with one line saying how to add one,
# alike in verify, list, prune, restore apply/extract/plan/file and diff
# (each checks the signature first); --pubkey naming a missing
# file is exit 2 naming it; an unreadable repository (a file where the
# directory should be, or a directory its user may not read) is exit 2 in
# one line naming it, never "internal error".
source "$TESTLIB"
need jq zstd tar python3
make_node --preset typical
make_key
run 0 snap
archive=$(archives | tail -1)

bad=$scratch/bad
mkdir -p "$bad"
flip() { # FILE OFFSET: one byte inverted
  python3 -c "
import sys; p=sys.argv[1]; b=bytearray(open(p,'rb').read()); b[int(sys.argv[2])]^=0xff; open(p,'wb').write(b)" "$1" "$2"
}
# Tampered early (in MANIFEST.json's frame) and in the middle (in a member).
cp "$archive" "$bad/tampered.pmxsnap"; flip "$bad/tampered.pmxsnap" 200
cp "$archive" "$bad/damaged.pmxsnap"; flip "$bad/damaged.pmxsnap" $(($(stat -c %s "$archive") / 2))
head -c $(($(stat -c %s "$archive") / 2)) "$archive" >"$bad/truncated.pmxsnap"
mkdir -p "$scratch/other/etc"; echo "not a snapshot" >"$scratch/other/etc/motd"
tar -C "$scratch/other" -cf - etc | zstd -q >"$bad/foreign.pmxsnap"
for kind in tampered damaged truncated foreign; do
  cp "$archive.minisig" "$bad/$kind.pmxsnap.minisig" # a signature beside it, as in a repo
done

no_internal() { case "$1" in *"internal error"*) fail "internal error in: $1";; esac; }

n=0
for kind in tampered damaged truncated foreign; do
  x=$bad/$kind.pmxsnap
  run 1 "$PMXSNAP" verify --pubkey "$pub" "$x"
  contains "$out" "FAILED"
  run 1 "$PMXSNAP" inspect "$x"
  contains "$out" "invalid archive"
  n=$((n + 1))
  # The restore steps authenticate every byte first, as diff does.
  run 1 "$PMXSNAP" restore extract "$x" --pubkey "$pub" --to "$scratch/extract-$n"
  one_line "$err"; no_internal "$err"; contains "$err" "pmxsnap: $x: signature: "
  run 1 "$PMXSNAP" restore plan "$x" --pubkey "$pub" --root "$scratch/root" --offline
  one_line "$err"; no_internal "$err"; contains "$err" "pmxsnap: $x: signature: "
  run 1 "$PMXSNAP" restore file "$x" /etc/pve/storage.cfg --pubkey "$pub" --root "$scratch/root" --force
  one_line "$err"; no_internal "$err"; contains "$err" "pmxsnap: $x: signature: "
  # Unchecked (--no-verify), the safe reader still finds the damage.
  run 1 "$PMXSNAP" restore extract "$x" --no-verify --to "$scratch/extract-unchecked-$n"
  one_line "$err"; no_internal "$err"; contains "$err" "pmxsnap: $x: "
  run 1 "$PMXSNAP" restore plan "$x" --no-verify --root "$scratch/root" --offline
  one_line "$err"; no_internal "$err"; contains "$err" "pmxsnap: $x: "
  run 1 "$PMXSNAP" restore apply "$x" --root "$scratch/root" --pubkey "$pub" --dry-run
  one_line "$err"; no_internal "$err"; contains "$err" "pmxsnap: $x: "
  # diff authenticates every byte first, so a member damaged where diff
  # would not read it is refused too.
  run 1 "$PMXSNAP" diff --root "$scratch/root" --offline --pubkey "$pub" "$x" "$archive"
  one_line "$err"; no_internal "$err"; contains "$err" "pmxsnap: $x: signature: "
  pass "$kind archive: exit 1 in verify, inspect, restore extract/plan/file/apply and diff"
done

# The same commands on an archive that is not there: an error (exit 2), not a finding.
missing=$scratch/missing.pmxsnap
for cmd in "verify --pubkey $pub $missing" "inspect $missing" \
  "restore extract $missing --pubkey $pub --to $scratch/extract-none" \
  "restore plan $missing --pubkey $pub --root $scratch/root --offline" \
  "restore file $missing /etc/pve/storage.cfg --pubkey $pub --root $scratch/root --force" \
  "diff --root $scratch/root --offline --pubkey $pub $missing $archive"; do
  # shellcheck disable=SC2086
  run 2 "$PMXSNAP" $cmd
  one_line "$err"; no_internal "$err"; contains "$err" "missing.pmxsnap"
done
pass "a missing archive: exit 2, one line naming it, in the same commands"

# No trusted key: the same exit code and the same one line everywhere. The
# keys in /etc/pmxsnap/trusted.d are always trusted (no option moves it), so
# on a host that has it this part cannot run; --config /dev/null keeps a
# host pmxsnap.conf (a pubkey= there) out.
if [ ! -e /etc/pmxsnap/trusted.d ]; then
  nokey=$scratch/nokey/signing.key # no .pub beside it
  for cmd in "verify $archive" "list" "prune --keep-last 1 --dry-run" \
    "restore apply $archive --root $scratch/root --dry-run" "diff --root $scratch/root --offline $archive live" \
    "restore extract $archive --to $scratch/extract-nokey" "restore plan $archive --root $scratch/root --offline" \
    "restore file $archive /etc/pve/storage.cfg --root $scratch/root --force"; do
    # shellcheck disable=SC2086
    run 2 "$PMXSNAP" --config /dev/null $cmd --repo "$repo" --key "$nokey"
    one_line "$err"; contains "$err" "no trusted public key"; contains "$err" "--pubkey FILE"
    contains "$err" "trusted.d"
  done
  [ ! -e "$scratch/extract-nokey" ] || fail "restore extract without a key wrote files"
  pass "no trusted key: exit 2 and one line saying how to add one, in verify, list, prune, restore apply/extract/plan/file and diff"
else
  skip_part "no trusted key (/etc/pmxsnap/trusted.d exists on this machine)"
fi

# --pubkey naming a file that is not there: an error naming it, never
# "signatures not checked".
for cmd in "verify $archive" "list" "prune --keep-last 1 --dry-run" \
  "restore apply $archive --root $scratch/root --dry-run" "diff --root $scratch/root --offline $archive live" \
  "restore extract $archive --to $scratch/extract-badkey" "restore plan $archive --root $scratch/root --offline" \
  "restore file $archive /etc/pve/storage.cfg --root $scratch/root --force"; do
  # shellcheck disable=SC2086
  run 2 "$PMXSNAP" $cmd --repo "$repo" --pubkey /nonexistent/signing.pub
  one_line "$err"; contains "$err" "/nonexistent/signing.pub"
  case "$err" in *"not checked"*) fail "--pubkey missing, went on: $err";; esac
done
pass "--pubkey /nonexistent: exit 2 naming the file, in verify, list, prune, restore apply/extract/plan/file and diff"

# An unreadable repository: a file where the directory should be.
echo "not a directory" >"$scratch/repo-file"
for cmd in "list" "verify --all" "verify --latest" "prune --keep-last 1 --dry-run" \
  "diff --root $scratch/root --offline latest live"; do
  # shellcheck disable=SC2086
  run 2 "$PMXSNAP" $cmd --repo "$scratch/repo-file" --pubkey "$pub"
  one_line "$err"; no_internal "$err"; contains "$err" "repo-file"
done
# ... and a file where a cluster's node directory should be.
cp -a "$repo" "$scratch/repo2"
node_dir=$(dirname "$(find "$scratch/repo2" -name '*.pmxsnap' | head -1)")
rm -rf "$node_dir"; echo x >"$node_dir"
run 2 snap --repo "$scratch/repo2"
one_line "$err"; no_internal "$err"; contains "$err" "$node_dir"
pass "a file where the repository or a node directory should be: exit 2, one line naming it"

# ... and a directory its user may not read (as nobody: root reads anything).
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null && id nobody >/dev/null 2>&1; then
  chmod 711 "$scratch" "$scratch/keys"; chmod 644 "$pub"
  cp -a "$repo" "$scratch/locked"
  chmod 000 "$scratch/locked"
  as_nobody() { setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups "$@"; }
  if as_nobody test -x "$PMXSNAP"; then
    for cmd in "list" "verify --all" "prune --keep-last 1 --dry-run"; do
      # shellcheck disable=SC2086
      run 2 as_nobody "$PMXSNAP" --config /dev/null $cmd --repo "$scratch/locked" --pubkey "$pub"
      one_line "$err"; no_internal "$err"; contains "$err" "$scratch/locked"
      contains "$err" "Permission denied"
    done
    pass "a repository its user may not read: exit 2, one line naming it (list, verify --all, prune)"
  else
    skip_part "a repository its user may not read (nobody cannot run $PMXSNAP here)"
  fi
  chmod 700 "$scratch/locked"
else
  skip_part "a repository its user may not read (needs root, setpriv and the user nobody)"
fi
