#!/usr/bin/env bash
# Trust from the cluster (issue 28): keygen --publish puts the node's public
# key in /etc/pve/pmxsnap/keys/<node>.pub (here the fixture root's etc/pve,
# as --root reads it); list, verify and status trust the published keys
# beside trusted.d, and a published key is what its node's directory must
# be signed with: another trusted key there is a finding (foreign). verify
# --trust-archived-keys trusts a key an archive carries in its own db's
# pmxsnap/keys only when asked, only when that key signed it, and says so.
source "$TESTLIB"
need jq minisign sqlite3
make_node
make_key
nokey=$scratch/nowhere/signing.key # no .pub beside it: only what is trusted elsewhere
trusted=$scratch/trusted.d
mkdir -p "$trusted" "$scratch/bare/etc"
echo rescue >"$scratch/bare/etc/hostname" # a rescue system: no cluster, no keys
g=(--root "$scratch/root" --repo "$repo" --trusted-dir "$trusted" --key "$nokey")
published=$scratch/root/etc/pve/pmxsnap/keys/pve1.pub
other=$scratch/other/signing.key
"$PMXSNAP" keygen --out "$other" >/dev/null
id_of() { sed -n '1s/^untrusted comment: minisign public key //p' "$1"; } # minisign's own line
pve1_id=$(id_of "$pub") other_id=$(id_of "$scratch/other/signing.pub")

# --- keygen --publish ---------------------------------------------------------
# The fixture has no etc/pve (pmxcfs is not running there): refused.
run 2 "$PMXSNAP" keygen --publish --root "$scratch/root" --out "$key"
one_line "$err"; contains "$err" "$scratch/root/etc/pve: not mounted by pmxcfs"
[ ! -e "$scratch/root/etc/pve" ] || fail "a refused publish created etc/pve"
mkdir "$scratch/root/etc/pve" # under --root, this directory stands for the mounted pmxcfs
run 0 "$PMXSNAP" keygen --publish --root "$scratch/root" --out "$key" --json
[ "$(jq -r '"\(.created) \(.published) \(.publish_changed) \(.key_id)"' <<<"$out")" = "false $published true $pve1_id" ] ||
  fail "publish: $out"
cmp -s "$published" "$pub" || fail "the published key is not signing.pub"
before=$(stat -c %Y.%i "$published")
run 0 "$PMXSNAP" keygen --publish --root "$scratch/root" --out "$key"
contains "$out" "already published as $published: nothing changed"
[ "$(stat -c %Y.%i "$published")" = "$before" ] || fail "publishing the same key again rewrote the file"
run 2 "$PMXSNAP" keygen --publish --root "$scratch/root" --out "$other"
one_line "$err"; contains "$err" "node pve1 already published key"; contains "$err" "--force"
cmp -s "$published" "$pub" || fail "a refused publish changed the published key"
run 0 "$PMXSNAP" keygen --publish --root "$scratch/root" --out "$other" --force
contains "$out" "replacing key"
run 0 "$PMXSNAP" keygen --publish --root "$scratch/root" --out "$key" --force
cmp -s "$published" "$pub" || fail "--force did not put the key back"
[ -z "$(find "$scratch/root/etc/pve/pmxsnap/keys" -name '.pmxsnap-tmp*')" ] || fail "a temporary file left"
pass "keygen --publish: refused without /etc/pve, publishes the pair, again a no-op, another key refused unless --force"

# --- published keys are trusted ----------------------------------------------
SOURCE_DATE_EPOCH=$(($(date +%s) - 60)) run 0 snap
first=$(ls "$repo"/demo/pve1/*.pmxsnap)
run 0 minisign -Vm "$first" -p "$published"
run 0 "$PMXSNAP" list "${g[@]}" --json
[ "$(jq -r '.snapshots[0].signature' <<<"$out")" = ok ] || fail "published key not trusted: $out"
run 0 "$PMXSNAP" verify --latest "${g[@]}"
run 2 "$PMXSNAP" list --repo "$repo" --trusted-dir "$trusted" --key "$nokey" --root "$scratch/bare"
one_line "$err"; contains "$err" "no trusted public key"; contains "$err" "keygen --publish"
pass "a key published in the fixture's /etc/pve is trusted by list and verify (minisign agrees), nothing else is"

cp "$pub" "$trusted/pve1.pub"
run 0 "$PMXSNAP" list --repo "$repo" --trusted-dir "$trusted" --key "$nokey" --root "$scratch/bare" --json
[ "$(jq -r '.snapshots[0].signature' <<<"$out")" = ok ] || fail "trusted.d: $out"
rm "$trusted/pve1.pub"
pass "a key in trusted.d still works"

# --- a trusted key that is not pve1's published one, in pve1's directory ----
cp "$scratch/other/signing.pub" "$trusted/other.pub"
SOURCE_DATE_EPOCH=$(date +%s) run 0 "$PMXSNAP" snapshot --root "$scratch/root" --repo "$repo" --key "$other"
second=$(ls "$repo"/demo/pve1/*.pmxsnap | tail -1)
run 0 minisign -Vm "$second" -p "$scratch/other/signing.pub"
expected="signed by key $other_id, but node pve1 published key $pve1_id (/etc/pve/pmxsnap/keys/pve1.pub)"
run 1 "$PMXSNAP" list "${g[@]}" --json
[ "$(jq -r '[.snapshots[].signature] | join(" ")' <<<"$out")" = "ok foreign" ] || fail "list: $out"
contains "$(jq -r '.snapshots[1].problem' <<<"$out")" "$expected"
run 1 "$PMXSNAP" list "${g[@]}"
contains "$out" foreign
run 1 "$PMXSNAP" verify "$second" "${g[@]}"
contains "$out" "foreign: $expected"
run 1 "$PMXSNAP" status "${g[@]}" --json
[ "$(jq -r '.nodes[] | select(.node == "pve1") | .signature' <<<"$out")" = foreign ] || fail "status: $out"
jq -e --arg e "$expected" '[.findings[] | select(.node == "pve1" and .kind == "signature"
  and (.message | contains($e)))] | length == 1' <<<"$out" >/dev/null || fail "status findings: $out"
for browse in "ls $second" "cat $second /etc/hosts"; do
  run 1 "$PMXSNAP" $browse "${g[@]}"
  one_line "$err"; contains "$err" "$second: signature: foreign: $expected"
  [ -z "$out" ] || fail "$browse printed what a foreign archive holds: $out"
done
pass "another trusted key signing in pve1's directory: foreign in list, verify and status, refused by ls and cat (exit 1), naming both key ids"
rm "$second" "$second.minisig"

# --- keys carried in the archive (--trust-archived-keys) ----------------------
# Published through pmxcfs the key is a row of the db; the fixture's db gets
# that row (pmxcfs's rules: inode = version, the root's version the highest).
db=$scratch/root/var/lib/pve-cluster/config.db
sqlite3 "$db" "
  insert into tree select max(inode) + 1, 0, max(inode) + 1, 1, 1760000300, 4, 'pmxsnap', NULL from tree;
  insert into tree select max(inode) + 1, max(inode), max(inode) + 1, 1, 1760000300, 4, 'keys', NULL from tree;
  insert into tree select max(inode) + 1, max(inode), max(inode) + 1, 1, 1760000300, 8, 'pve1.pub',
    readfile('$pub') from tree;
  update tree set version = (select max(inode) from tree) where inode = 0;"
SOURCE_DATE_EPOCH=$(($(date +%s) + 60)) run 0 snap
third=$(ls "$repo"/demo/pve1/*.pmxsnap | tail -1)
rescue=(--root "$scratch/bare" --trusted-dir "$trusted" --key "$nokey")
run 1 "$PMXSNAP" verify "$third" "${rescue[@]}" --json
[ "$(jq -r '.archives[0].levels[0].status' <<<"$out")" = failed ] || fail "trusted without the flag: $out"
contains "$out" "untrusted"
run 0 "$PMXSNAP" verify "$third" "${rescue[@]}" --trust-archived-keys
contains "$out" "signed by key $pve1_id, published for demo/pve1 INSIDE THIS ARCHIVE ITSELF"
run 0 "$PMXSNAP" verify "$third" "${rescue[@]}" --trust-archived-keys --json
[ "$(jq -r '.archives[0] | "\(.key_source) \(.archived_key_id)"' <<<"$out")" = "archive $pve1_id" ] ||
  fail "verify --json: $out"
# An archive carrying pve1's key but signed by another untrusted key stays untrusted.
rm "$trusted/other.pub"
SOURCE_DATE_EPOCH=$(($(date +%s) + 120)) run 0 "$PMXSNAP" snapshot --root "$scratch/root" --repo "$repo" --key "$other"
fourth=$(ls "$repo"/demo/pve1/*.pmxsnap | tail -1)
run 1 "$PMXSNAP" verify "$fourth" "${rescue[@]}" --trust-archived-keys --json
[ "$(jq -r '.archives[0].key_source' <<<"$out")" = host ] || fail "an archived key that did not sign it: $out"
contains "$out" "untrusted"
pass "--trust-archived-keys: off, the archive's own key is not used; on, it is, only when it signed, and said"
