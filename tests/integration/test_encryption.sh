# Encrypted snapshots (age v1), end to end through the binary and the stock
# tools: `age -d | zstd -d | tar` reads what pmxsnap writes, pmxsnap reads
# what `age -r` encrypts, minisign verifies the encrypted file, and list,
# verify (signature level), prune-relevant listing and --if-changed work
# without the identity. The rejections: wrong identity, a flipped byte, a
# truncated file, --include-authkey without encryption.
source "$TESTLIB"
need jq age age-keygen minisign zstd tar
make_node --preset typical
make_key
age-keygen -o "$scratch/age.key" 2>/dev/null
recipient=$(age-keygen -y "$scratch/age.key")
age-keygen -o "$scratch/other.key" 2>/dev/null

run 2 snap --include-authkey
one_line "$err"
contains "$err" "--include-authkey: the corosync authkey is stored only in encrypted archives"
[ -z "$(archives)" ] || fail "--include-authkey without encryption wrote something"
pass "--include-authkey refused without a recipient, nothing written"

run 2 snap --recipient age1notarecipient
one_line "$err"
contains "$err" "--recipient age1notarecipient: not an age X25519 recipient"
pass "a malformed recipient: one line naming it"

run 2 snap --recipients-file "$scratch/no-such-file"
one_line "$err"
contains "$err" "$scratch/no-such-file"
printf '# only a comment\n\n' >"$scratch/empty-recipients"
run 2 snap --recipients-file "$scratch/empty-recipients"
one_line "$err"
contains "$err" "$scratch/empty-recipients: no keys in the file"
mv "$scratch/root/etc/corosync/authkey" "$scratch/authkey.away"
run 2 snap --recipient "$recipient" --include-authkey
one_line "$err"
contains "$err" "--include-authkey: $scratch/root/etc/corosync/authkey does not exist"
mv "$scratch/authkey.away" "$scratch/root/etc/corosync/authkey"
[ -z "$(archives)" ] || fail "a refused snapshot wrote something"
pass "a missing or empty recipients file, a missing authkey: exit 2, one line naming it, nothing written"

run 0 snap --json
plain=$(jq -r .archive <<<"$out")
run 0 snap --recipient "$recipient" --include-authkey --if-changed --json
encrypted=$(jq -r .archive <<<"$out")
[ "$(jq -r '.written, .encrypted' <<<"$out" | tr '\n' ' ')" = "true true " ] ||
  fail "switching encryption on must write a new archive: $out"
case "$encrypted" in *.pmxsnap.age) ;; *) fail "encrypted archive named $encrypted" ;; esac
[ "$(stat -c %a "$encrypted")" = 600 ] || fail "encrypted archive mode $(stat -c %a "$encrypted")"
pass "snapshot --recipient writes a 0600 .pmxsnap.age"

age -d -i "$scratch/age.key" "$encrypted" | zstd -dc | tar -t >"$scratch/members"
grep -qx MANIFEST.json "$scratch/members" || fail "age -d | zstd -d | tar -t: no MANIFEST.json"
grep -qx host/etc/corosync/authkey "$scratch/members" || fail "--include-authkey: no authkey member"
age -d -i "$scratch/age.key" "$encrypted" | zstd -dc | tar -xO host/etc/corosync/authkey |
  cmp - "$scratch/root/etc/corosync/authkey" || fail "the archived authkey differs from the node's"
minisign -Vq -p "$pub" -m "$encrypted" || fail "minisign -V rejects the encrypted archive"
pass "stock age -d | zstd -d | tar reads it, the authkey is in it, minisign -V verifies it"

run 0 "$PMXSNAP" list --repo "$repo" --key "$key" --json
[ "$(jq -r '[.snapshots[] | "\(.encrypted)/\(.signature)"] | join(" ")' <<<"$out")" = "false/ok true/ok" ] ||
  fail "list without the identity: $out"
run 1 "$PMXSNAP" verify --repo "$repo" --key "$key" "$encrypted" --json
[ "$(jq -r '[.archives[0].levels[].status] | join(",")' <<<"$out")" = "ok,skipped,skipped" ] ||
  fail "verify without identity: $out"
[ "$(jq -r '.archives[0].result' <<<"$out")" = partial ] || fail "verify without identity: $out"
contains "$(jq -r '.archives[0].levels[1].detail' <<<"$out")" "give --identity"
run 0 "$PMXSNAP" verify --repo "$repo" --key "$key" "$encrypted" --signature-only
run 0 snap --recipient "$recipient" --include-authkey --if-changed --json
[ "$(jq -r '.written' <<<"$out")" = false ] || fail "--if-changed rewrote an unchanged encrypted state"
pass "list, verify (signature) and --if-changed work without the identity"

run 0 "$PMXSNAP" verify --repo "$repo" --key "$key" --identity "$scratch/age.key" "$encrypted" --json
[ "$(jq -r '[.archives[0].levels[].status] | join(",")' <<<"$out")" = "ok,ok,ok" ] ||
  fail "verify with identity: $out"
run 0 "$PMXSNAP" inspect --identity "$scratch/age.key" "$encrypted" --json
[ "$(jq -r '.valid, .encrypted' <<<"$out" | tr '\n' ' ')" = "true true " ] || fail "inspect: $out"
run 1 "$PMXSNAP" diff --repo "$repo" --pubkey "$pub" --identity "$scratch/age.key" "$plain" "$encrypted" --stat
contains "$out" "/etc/corosync/authkey"
run 0 "$PMXSNAP" restore extract --pubkey "$pub" --identity "$scratch/age.key" "$encrypted" --to "$scratch/out"
cmp "$scratch/out/db/config.db" <(age -d -i "$scratch/age.key" "$encrypted" | zstd -dc | tar -xO db/config.db) ||
  fail "restore extract of the encrypted archive differs from age -d's"
# The authkey is a secret: diff names it, never shows its bytes (text or JSON).
authkey_hex=$(od -An -tx1 "$scratch/root/etc/corosync/authkey" | tr -d ' \n' | head -c 32)
authkey_b64=$(head -c 24 "$scratch/root/etc/corosync/authkey" | base64 | head -c 32)
for format in --stat "" --json; do
  run 1 "$PMXSNAP" diff --repo "$repo" --pubkey "$pub" --identity "$scratch/age.key" "$plain" "$encrypted" $format
  contains "$out" "/etc/corosync/authkey"
  case "$out" in *"$authkey_hex"* | *"$authkey_b64"*) fail "diff $format shows the authkey's bytes" ;; esac
done
pass "verify, inspect, diff and restore extract read it with --identity; diff never shows the authkey"

printf 'AGE-SECRET-KEY-1NOTAKEY\n' >"$scratch/bad.key"
chmod 600 "$scratch/bad.key"
run 2 "$PMXSNAP" inspect --identity "$scratch/bad.key" "$encrypted"
one_line "$err"
contains "$err" "$scratch/bad.key:1: not an age X25519 identity"
case "$err" in *NOTAKEY*) fail "the malformed identity was echoed: $err" ;; esac
pass "a malformed identity file: exit 2, one line naming file and line, the text not echoed"

run 2 "$PMXSNAP" inspect "$encrypted"
one_line "$err"
contains "$err" "encrypted with age; give --identity FILE"
run 2 "$PMXSNAP" inspect --identity "$scratch/other.key" "$encrypted"
one_line "$err"
contains "$err" "none of the 1 identity given can decrypt it (wrong --identity?)"
chmod 644 "$scratch/other.key"
run 2 "$PMXSNAP" inspect --identity "$scratch/other.key" "$encrypted"
contains "$err" "permissions 0644 are too open"
size=$(stat -c %s "$encrypted")
head -c $((size - 1000)) "$encrypted" >"$scratch/cut.pmxsnap.age"
run 1 "$PMXSNAP" inspect --identity "$scratch/age.key" "$scratch/cut.pmxsnap.age"
contains "$out" "truncated"
cp "$encrypted" "$scratch/flipped.pmxsnap.age"
printf '\x55' | dd of="$scratch/flipped.pmxsnap.age" bs=1 seek=$((size / 2)) conv=notrunc status=none
run 1 "$PMXSNAP" inspect --identity "$scratch/age.key" "$scratch/flipped.pmxsnap.age"
contains "$out" "damaged or truncated (age payload chunk"
pass "no identity, a wrong one, an open one, a truncated and a flipped file: each named"

age -r "$recipient" -o "$scratch/theirs.pmxsnap.age" "$plain"
run 0 "$PMXSNAP" inspect --identity "$scratch/age.key" "$scratch/theirs.pmxsnap.age" --json
[ "$(jq -r '.valid, .state' <<<"$out" | tr '\n' ' ')" = "true $(jq -r .state <(
  "$PMXSNAP" inspect "$plain" --json 2>/dev/null)) " ] || fail "pmxsnap reading age -r's file: $out"
pass "pmxsnap reads an archive that stock age -r encrypted"

echo "$recipient" >"$scratch/recipients"
echo "# a comment, and a blank line" >>"$scratch/recipients"
chmod 600 "$scratch/other.key"
age-keygen -y "$scratch/other.key" >>"$scratch/recipients"
echo 'x' >>"$scratch/root/etc/hosts"
run 0 snap --recipients-file "$scratch/recipients" --json
two=$(jq -r .archive <<<"$out")
for id in age.key other.key; do
  age -d -i "$scratch/$id" "$two" | zstd -dc | tar -t | grep -x MANIFEST.json >/dev/null ||
    fail "--recipients-file: $id cannot decrypt"
done
pass "--recipients-file encrypts to every recipient in it"
