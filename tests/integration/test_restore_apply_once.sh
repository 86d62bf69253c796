# restore apply reads the archive once: it installs the very bytes verify
# checked. The archive file is replaced by another, validly signed snapshot
# of the same node once verify is done (the apply-verified stop point), and
# rewritten in place between verify's signature and content levels (the
# verify-signed stop point); each time the db installed is still the
# verified archive's, not the replacement's, and the private copies apply
# made (the archive, the members it kept: the db and its secrets) are gone
# from TMPDIR afterwards. (Before, apply read the file again for its facts
# and its install, and installed the replacement both times.)
# An archive refused on the copy is named in the error as the operator gave it.
source "$TESTLIB"
need jq sqlite3 zstd tar sha256sum
make_node --preset typical
make_key
db=$scratch/root/var/lib/pve-cluster/config.db
archived_db_sha() { zstd -dc "$1" | tar -xO db/config.db | sha256sum | cut -d' ' -f1; }
export TMPDIR=$scratch/tmp
mkdir "$TMPDIR"

SOURCE_DATE_EPOCH=1900000000 run 0 snap
verified=$(archives | tail -1)
sqlite3 "$db" "update tree set version = version + 100 where inode = 0"
SOURCE_DATE_EPOCH=1900003600 run 0 snap
replacement=$(archives | tail -1)
[ "$verified" != "$replacement" ] || fail "two snapshots expected"
verified_sha=$(archived_db_sha "$verified")
replacement_sha=$(archived_db_sha "$replacement")
[ "$verified_sha" != "$replacement_sha" ] || fail "the two archives hold the same db"

# apply_stopped_at PHASE: restore apply of the verified archive, stopped at
# PHASE; sets $pid. The live db is newer than that archive: --force passes
# over the rollback refusal, which is not under test here.
apply_stopped_at() {
  PMXSNAP_TEST_STOP_AT=$1 "$PMXSNAP" restore apply "$verified" --root "$scratch/root" \
    --pubkey "$pub" --yes --force >"$scratch/out" 2>"$scratch/err" &
  pid=$!
  wait_stopped "$pid" "$1" "$scratch/err"
}
# continue_and_check WHAT: lets apply go on; it must install the verified
# db, not the replacement, and leave TMPDIR empty.
continue_and_check() {
  kill -CONT "$pid"
  set +e
  wait "$pid"
  status=$?
  set -e
  [ "$status" -eq 0 ] || fail "$1: apply: exit $status: $(cat "$scratch/err")"
  installed_sha=$(sha256sum <"$db" | cut -d' ' -f1)
  [ "$installed_sha" != "$replacement_sha" ] || fail "$1: apply installed the replacement"
  [ "$installed_sha" = "$verified_sha" ] || fail "$1: the installed db is not the verified archive's"
  [ -z "$(ls -A "$TMPDIR")" ] || fail "$1: left in TMPDIR: $(ls -A "$TMPDIR")"
}
cp -p "$verified" "$scratch/verified.keep"
cp -p "$verified.minisig" "$scratch/verified.minisig.keep"

# After verify: the file and its signature replaced by another snapshot's.
apply_stopped_at apply-verified
[ -n "$(ls -A "$TMPDIR")" ] || fail "no private copy of the members in TMPDIR while apply runs"
cp "$replacement" "$verified"
cp "$replacement.minisig" "$verified.minisig"
continue_and_check "replaced after verify"
pass "an archive replaced after verify: apply installs the verified db, not the replacement; TMPDIR empty"

# Between verify's signature level and its content level: the bytes
# rewritten in place (same inode), the signature left as it was. apply
# verifies a private copy made before either level, so it never sees them.
cp "$scratch/verified.keep" "$verified"
cp "$scratch/verified.minisig.keep" "$verified.minisig"
inode=$(stat -c %i "$verified")
apply_stopped_at verify-signed
cat "$replacement" >"$verified"
[ "$(stat -c %i "$verified")" = "$inode" ] || fail "the rewrite made a new file"
continue_and_check "rewritten between signature and content"
pass "an archive rewritten in place between verify's signature and content levels: apply installs the verified db"

# Refused on the copy, said of the archive: without its signature, exit 1
# in one line naming the archive's own .minisig, never the private copy.
cp "$scratch/verified.keep" "$verified"
rm "$verified.minisig"
run 1 "$PMXSNAP" restore apply "$verified" --root "$scratch/root" --pubkey "$pub" --yes --force
one_line "$err"
contains "$err" "not restorable: signature FAILED"
contains "$err" "(no $verified.minisig)"
case "$err" in *"$TMPDIR"*) fail "the rejection names the private copy: $err" ;; esac
[ -z "$(ls -A "$TMPDIR")" ] || fail "a refused apply left in TMPDIR: $(ls -A "$TMPDIR")"
pass "an archive without its signature: exit 1 in one line naming its own .minisig, not the private copy; TMPDIR empty"
