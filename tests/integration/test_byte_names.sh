# Names are bytes (issue 26): a pmxcfs db row named 99\xff.conf (not UTF-8)
# snapshots (exit 0, metrics written), verifies, extracts and restores byte
# for byte, and diffs in text (escaped, never the raw byte) and in JSON
# (valid JSON, the bytes in path_hex) against live and another archive. A
# row named with a literal backslash (99\\xff.conf) beside it stays apart.
source "$TESTLIB"
need sqlite3 zstd tar jq python3
make_node --preset typical
make_key
db=$scratch/root/var/lib/pve-cluster/config.db
raw=$(printf '99\xff.conf')       # the byte 0xFF: not UTF-8
lookalike='99\xff.conf'           # backslash, x, f, f: plain ASCII
shown='99\xff.conf'               # how text output shows the raw one
# New rows keep pmxcfs's rules (inode = version, the root's version the
# highest); the name is cast from bytes, so sqlite3 stores them as they are.
sqlite3 "$db" "
  insert into tree select max(inode) + 1, 0, max(inode) + 1, 1, 1760000300, 8,
    cast(x'3939ff2e636f6e66' as text), 'raw byte name' from tree;
  insert into tree select max(inode) + 1, 0, max(inode) + 1, 1, 1760000301, 8,
    '$lookalike', 'backslash name' from tree;
  update tree set version = (select max(inode) from tree) where inode = 0;"
[ "$(sqlite3 "$db" "select hex(name) from tree where data = 'raw byte name'")" = 3939FF2E636F6E66 ] ||
  fail "the fixture row does not hold the byte 0xFF"
hex() { od -An -v -tx1 | tr -d ' \n'; } # lowercase, as path_hex
has_raw_byte() { LC_ALL=C grep -q $'\xff' <<<"$1"; }

run 0 "$PMXSNAP" inspect "$db"
run 0 "$PMXSNAP" inspect "$db" --json
[ "$(jq '.violations | length' <<<"$out")" = 0 ] || fail "inspect: $out"
metrics=$scratch/textfile/pmxsnap.prom; mkdir -p "$scratch/textfile"
run 0 snap --metrics "$metrics"
grep -qx 'pmxsnap_snapshot_last_run_success 1' "$metrics" || fail "metrics: $(cat "$metrics")"
archive=$(archives | tail -1)
pass "a db with a name that is not UTF-8 snapshots: exit 0, success metrics"

# The manifest: valid JSON; the raw name escaped under path, its bytes in path_hex.
manifest=$(zstd -dc "$archive" | tar -xO MANIFEST.json 2>/dev/null)
python3 -m json.tool <<<"$manifest" >/dev/null || fail "MANIFEST.json is not valid JSON"
# Both show as pve/99\xff.conf under "path"; only the byte name has path_hex.
[ "$(jq -c --arg p "pve/$shown" '[.members[] | select(.path == $p) | .path_hex] | sort' <<<"$manifest")" = \
  "[null,\"$(printf 'pve/%s' "$raw" | hex)\"]" ] ||
  fail "manifest entries: $(jq -c '.members[] | select(.path | contains("xff"))' <<<"$manifest")"
[ "$(jq '[.members[] | select(has("path_hex"))] | length' <<<"$manifest")" = 1 ] ||
  fail "only the byte name has path_hex"
# GNU tar (and libarchive) give back the bytes of the tar member.
listing=$(zstd -dc "$archive" | LC_ALL=C tar -t --quoting-style=literal 2>/dev/null)
LC_ALL=C grep -qxF "pve/$raw" <<<"$listing" || fail "the tar member is not named with the raw bytes"
pass "MANIFEST.json: valid JSON, path escaped, path_hex the bytes; the tar member holds the bytes"

run 0 "$PMXSNAP" verify --pubkey "$pub" "$archive"
contains "$out" "restorable ok"
run 0 "$PMXSNAP" verify --pubkey "$pub" "$archive" --json
python3 -m json.tool <<<"$out" >/dev/null || fail "verify --json is not valid JSON: $out"
pass "verify: ok, restorable (pve/ equals the archived db), --json parses"

# restore extract: the whole archive, and the one file by its name.
run 0 "$PMXSNAP" restore extract "$archive" --pubkey "$pub" --to "$scratch/x"
[ "$(cat "$scratch/x/pve/$raw")" = "raw byte name" ] || fail "extract: the raw-named file"
[ "$(cat "$scratch/x/pve/$lookalike")" = "backslash name" ] || fail "extract: the backslash-named file"
run 0 "$PMXSNAP" restore extract "$archive" --pubkey "$pub" --to "$scratch/one" "/etc/pve/$raw"
[ "$(find "$scratch/one" -type f | wc -l)" = 1 ] && [ "$(cat "$scratch/one/pve/$raw")" = "raw byte name" ] ||
  fail "extract of one path: $(find "$scratch/one" -type f)"
run 2 "$PMXSNAP" restore extract "$archive" --pubkey "$pub" --to "$scratch/none" "/etc/pve/$(printf 'nope\xff')"
one_line "$err"; contains "$err" 'pve/nope\xff: not in'
has_raw_byte "$err" && fail "the error quoted the raw byte"
pass "restore extract writes the file under its exact bytes (whole archive and by path); an unknown one is a one-line error, escaped"

# Live changes: the raw-named file edited, the backslash one removed.
sqlite3 "$db" "
  update tree set data = 'raw byte name, edited', version = (select max(version) + 1 from tree),
    mtime = 1760000400 where name = cast(x'3939ff2e636f6e66' as text);
  delete from tree where name = '$lookalike';
  update tree set version = (select max(version) from tree) where inode = 0;"
# diff exits 1 when the sources differ.
diff_() { "$PMXSNAP" diff --root "$scratch/root" --repo "$repo" --pubkey "$pub" "$@"; }
run 1 diff_ latest live
has_raw_byte "$out$err" && fail "diff printed the raw byte to the terminal: $out"
contains "$out" "pve/$shown"        # the byte name, escaped
contains "$out" "pve/99\\\\xff.conf" # the backslash name, its backslash escaped
run 1 diff_ latest live --json
python3 -m json.tool <<<"$out" >/dev/null || fail "diff --json is not valid JSON"
change=$(jq -c '.changes[] | select(has("path_hex"))' <<<"$out")
[ "$(jq -r .path_hex <<<"$change")" = "$(printf '/etc/pve/%s' "$raw" | hex)" ] ||
  fail "diff --json: no lossless name for the changed file: $out"
[ "$(jq -r .status <<<"$change")" = modified ] || fail "diff --json: $change"
[ "$(jq -r --arg p "$lookalike" '[.changes[] | select((.path | endswith($p)) and (has("path_hex") | not)) | .status] | join(",")' <<<"$out")" = removed ] ||
  fail "diff --json: the backslash name: $out"
pass "diff against live: text shows 99\\xff.conf escaped, --json is valid with path_hex"

run 0 snap
second=$(archives | tail -1)
[ "$second" != "$archive" ] || fail "no second archive"
run 1 diff_ "$archive" "$second"
has_raw_byte "$out$err" && fail "diff printed the raw byte: $out"
contains "$out" "pve/$shown"
run 1 diff_ "$archive" "$second" --json
python3 -m json.tool <<<"$out" >/dev/null || fail "diff --json (two archives) is not valid JSON"
[ "$(jq '[.changes[] | select(has("path_hex"))] | length' <<<"$out")" = 1 ] || fail "diff --json two archives: $out"
pass "diff between two archives: text escaped, --json valid with path_hex"

run 0 "$PMXSNAP" inspect "$archive" --json
python3 -m json.tool <<<"$out" >/dev/null || fail "inspect --json of the archive: $out"
run 0 "$PMXSNAP" inspect "$archive"
has_raw_byte "$out$err" && fail "inspect printed the raw byte: $out"
run 1 "$PMXSNAP" restore plan "$second" --pubkey "$pub" --root "$scratch/root" --offline --json # undecided: peers not probed
python3 -m json.tool <<<"$out" >/dev/null || fail "restore plan --json: $out"
# A plan for the one file: its commands name it in bash's $'...' quoting,
# which pastes back to the same bytes.
run 0 "$PMXSNAP" restore plan "$second" --pubkey "$pub" --root "$scratch/root" --offline --scenario file --file "/etc/pve/$raw" --json
python3 -m json.tool <<<"$out" >/dev/null || fail "restore plan --scenario file --json: $out"
command=$(jq -r '.steps[] | .command | select(startswith("pmxsnap restore file"))' <<<"$out")
contains "$command" "\$'/etc/pve/$shown'"
[ "$(eval "printf '%s' \$'/etc/pve/$shown'" | hex)" = "$(printf '/etc/pve/%s' "$raw" | hex)" ] ||
  fail "the quoted name does not give the bytes back"
run 0 "$PMXSNAP" restore plan "$second" --pubkey "$pub" --root "$scratch/root" --offline --scenario file --file "/etc/pve/$raw"
has_raw_byte "$out$err" && fail "restore plan printed the raw byte: $out"
run 0 "$PMXSNAP" list --repo "$repo" --pubkey "$pub" --json
python3 -m json.tool <<<"$out" >/dev/null || fail "list --json: $out"
pass "inspect, restore plan and list: --json valid, text without the raw byte"

# restore apply: the archived db goes back byte for byte, the row's name
# with it (the live db changed since, at a newer version: --force).
run 0 "$PMXSNAP" restore apply --root "$scratch/root" --pubkey "$pub" "$archive" --yes --force
[ "$(sqlite3 "$db" "select hex(name) || ':' || data from tree where hex(name) = '3939FF2E636F6E66'")" = "3939FF2E636F6E66:raw byte name" ] ||
  fail "the restored db lacks the row: $(sqlite3 "$db" 'select hex(name), data from tree where inode > 0' | tail -3)"
[ "$(sqlite3 "$db" "select data from tree where name = '$lookalike'")" = "backslash name" ] ||
  fail "the restored db lacks the backslash row"
cmp -s "$db" <(zstd -dc "$archive" | tar -xO db/config.db 2>/dev/null) || fail "the restored db differs from the archived one"
run 0 diff_ "$archive" live
contains "$out" "identical"
pass "restore apply: the db back byte for byte, both names exact; diff says identical"

# restore file puts back the one byte-named file, on a mounted /etc/pve
# (bindfs standing in for pmxcfs's FUSE mount) that holds the edited one.
pve=$scratch/root/etc/pve
if command -v bindfs >/dev/null && [ "$(id -u)" -eq 0 ] && [ -c /dev/fuse ]; then
  run 0 "$PMXSNAP" restore extract "$second" --pubkey "$pub" --to "$scratch/now"
  [ "$(cat "$scratch/now/pve/$raw")" = "raw byte name, edited" ] || fail "the second archive lacks the edit"
  mkdir -p "$pve"
  bindfs "$scratch/now/pve" "$pve" || fail "bindfs"
  trap 'status_seen=$?; umount "$pve" 2>/dev/null || true; on_exit $status_seen' EXIT
  live_sha=$(sha256sum <"$pve/$raw" | cut -d' ' -f1)
  restore_file() { "$PMXSNAP" restore file "$archive" "/etc/pve/$raw" --root "$scratch/root" --pubkey "$pub" "$@"; }
  run 2 restore_file --expect-digest "$(printf x | sha256sum | cut -d' ' -f1)"
  one_line "$err"; contains "$err" "changed since it was reviewed"
  has_raw_byte "$err" && fail "restore file's error quoted the raw byte: $err"
  run 0 restore_file --expect-digest "$live_sha"
  has_raw_byte "$out$err" && fail "restore file printed the raw byte: $out"
  [ "$(cat "$pve/$raw")" = "raw byte name" ] || fail "restore file: $(cat "$pve/$raw")"
  [ ! -e "$pve/$lookalike" ] || fail "restore file brought back the backslash-named file too"
  [ -z "$(find "$pve" -name '.pmxsnap-tmp.*')" ] || fail "restore file left a temporary file"
  umount "$pve"
  trap on_exit EXIT
  pass "restore file puts back the byte-named file under its exact bytes, the reviewed digest checked, text escaped"
else
  skip_part "restore file of the byte-named file (needs root, /dev/fuse and bindfs)"
fi
