# What checks an archive's signature reads the bytes it checked: restore
# extract, file and plan, diff, cat and ls go on, once the check is done (the
# archive-authenticated stop point, trust::authenticate_copy), with the archive
# rewritten in place (same inode, its signature left as it was), and what
# they write or say is still the checked archive's; the private copy they
# read is gone from TMPDIR afterwards. (Before, they opened the file again
# after the check and wrote or compared the rewrite's bytes.) A refusal
# names the archive as the operator gave it. restore apply's own read once
# is test_restore_apply_once.
source "$TESTLIB"
need jq zstd tar sha256sum sqlite3
make_node --preset typical
make_key
hosts=$scratch/root/etc/hosts
db=$scratch/root/var/lib/pve-cluster/config.db
export TMPDIR=$scratch/tmp
mkdir "$TMPDIR"
sha_of() { sha256sum | cut -d' ' -f1; }
member_sha() { zstd -dc "$1" | tar -xO "$2" | sha_of; }

SOURCE_DATE_EPOCH=1900000000 run 0 snap
verified=$(archives | tail -1)
echo "198.18.9.9 rewritten.example rewritten" >>"$hosts"
sqlite3 "$db" "update tree set version = version + 100 where inode = 0"
SOURCE_DATE_EPOCH=1900003600 run 0 snap
replacement=$(archives | tail -1)
verified_sha=$(member_sha "$verified" host/etc/hosts)
replacement_sha=$(member_sha "$replacement" host/etc/hosts)
[ "$verified_sha" != "$replacement_sha" ] || fail "the two archives hold the same /etc/hosts"
cp -p "$verified" "$scratch/verified.keep"

# stopped_after_check POINT ARGS...: pmxsnap ARGS, stopped at POINT, once
# the signature is checked; then the archive's bytes are rewritten in place.
# Sets $pid.
stopped_after_check() {
  local point=$1
  shift
  PMXSNAP_TEST_STOP_AT=$point "$PMXSNAP" "$@" >"$scratch/out" 2>"$scratch/err" &
  pid=$!
  wait_stopped "$pid" "$point" "$scratch/err"
  local inode
  inode=$(stat -c %i "$verified")
  cat "$replacement" >"$verified"
  [ "$(stat -c %i "$verified")" = "$inode" ] || fail "the rewrite made a new file"
}
# finish WHAT [STATUS]: lets it go on; exit STATUS (default 0) expected,
# TMPDIR empty, and the verified archive put back for the next part.
finish() {
  kill -CONT "$pid"
  set +e
  wait "$pid"
  status=$?
  set -e
  [ "$status" -eq "${2:-0}" ] || fail "$1: exit $status: $(cat "$scratch/err")"
  [ -z "$(ls -A "$TMPDIR")" ] || fail "$1: left in TMPDIR: $(ls -A "$TMPDIR")"
  cp "$scratch/verified.keep" "$verified"
}

stopped_after_check archive-authenticated restore extract "$verified" --pubkey "$pub" --to "$scratch/x" /etc/hosts
finish "extract"
[ -f "$scratch/x/host/etc/hosts" ] || fail "extract wrote no host/etc/hosts: $(find "$scratch/x")"
[ "$(sha_of <"$scratch/x/host/etc/hosts")" = "$verified_sha" ] ||
  fail "extract wrote the bytes put in place after the check"
pass "restore extract writes the checked archive's bytes, not those rewritten in place after the check; TMPDIR empty"

stopped_after_check archive-authenticated restore file "$verified" /etc/hosts --root "$scratch/root" --pubkey "$pub" --force
finish "file"
[ "$(sha_of <"$hosts")" = "$verified_sha" ] || fail "restore file put back the bytes put in place after the check"
pass "restore file puts back the checked archive's /etc/hosts, not the rewrite's; TMPDIR empty"

# diff against the live node, whose /etc/hosts is now the checked
# archive's again: nothing differs there; the rewrite's would (exit 1).
diff_hosts() { "$PMXSNAP" diff "$1" live --root "$scratch/root" --offline --pubkey "$pub" --path /etc/hosts --stat; }
run 1 diff_hosts "$replacement"
run 0 diff_hosts "$verified"
stopped_after_check archive-authenticated diff "$verified" live --root "$scratch/root" --offline \
  --pubkey "$pub" --path /etc/hosts --stat
finish "diff"
pass "diff compares the checked archive's /etc/hosts, not the rewrite's; TMPDIR empty"

stopped_after_check archive-authenticated cat "$verified" /etc/hosts --root "$scratch/root" --pubkey "$pub"
finish "cat"
[ "$(sha_of <"$scratch/out")" = "$verified_sha" ] || fail "cat printed the bytes put in place after the check"
stopped_after_check archive-authenticated --json ls "$verified" /etc/hosts --root "$scratch/root" --pubkey "$pub"
finish "ls"
[ "$(jq -r '.members[0].sha256' "$scratch/out")" = "$verified_sha" ] || fail "ls listed the rewrite's /etc/hosts: $(cat "$scratch/out")"
pass "cat prints and ls lists the checked archive's /etc/hosts, not the rewrite's; TMPDIR empty"

# The plan's preconditions compare the archive's db version with the live
# db's (the checked archive's is 100 older; the rewrite's is not older):
# a rollback, refused without --force, so the plan exits 1.
verified_version=$(zstd -dc "$verified" | tar -xO db/config.db >"$scratch/v.db" &&
  sqlite3 "$scratch/v.db" "select version from tree where inode = 0")
stopped_after_check archive-authenticated --json restore plan "$verified" --root "$scratch/root" --pubkey "$pub" \
  --offline --scenario single-node
finish "plan" 1
contains "$(jq -r '.preconditions[].what' "$scratch/out")" "newer than the archive's ($verified_version)"
pass "restore plan's facts are the checked archive's (db version $verified_version), not the rewrite's"

# verify reads the file once per level: an archive rewritten between the
# signature's read and the content's is FAILED, not ok for bytes no
# signature covers (here another valid snapshot's: each level alone passes).
stopped_after_check verify-signed --json verify "$verified" --root "$scratch/root" --pubkey "$pub"
finish "verify" 1
[ "$(jq -r '.archives[0].levels[] | select(.level == "content") | .status' "$scratch/out")" = failed ] ||
  fail "verify of an archive rewritten after its signature level: $(cat "$scratch/out")"
contains "$(cat "$scratch/out")" "the file changed while it was being verified"
run 0 "$PMXSNAP" verify "$verified" --root "$scratch/root" --pubkey "$pub"
pass "verify fails an archive rewritten in place between its signature and content levels, and passes it untouched"

# Refused on the copy, said of the archive: exit 1 in one line naming the
# archive as given and its own .minisig, never the private copy.
rm "$verified.minisig"
run 1 "$PMXSNAP" restore extract "$verified" --pubkey "$pub" --to "$scratch/y"
one_line "$err"
contains "$err" "$verified: signature:"
case "$err" in *"$TMPDIR"*) fail "the refusal names the private copy: $err" ;; esac
[ -z "$(ls -A "$TMPDIR")" ] || fail "a refused extract left in TMPDIR: $(ls -A "$TMPDIR")"
[ ! -e "$scratch/y" ] || fail "a refused extract made $scratch/y"
pass "an archive without its signature: extract exits 1 in one line naming it, not the private copy; nothing written"
