# list authenticates what it lists with the one signed-index check that
# prune, verify and snapshot --if-changed use (repo::authenticate_index): a
# valid signature beside the wrong archive — a .minisig copied from another
# snapshot, or an archive and its signature copied into another node's
# directory — is `misplaced`, not ok; a signature by a key that is not
# trusted is `untrusted`; and list exits 1 when any listed snapshot fails.
source "$TESTLIB"
need jq
make_node --preset typical
"$MKFIXTURE" --root "$scratch/root2" --preset typical --node pve2 >/dev/null
make_key
SOURCE_DATE_EPOCH=1764000000 run 0 snap
SOURCE_DATE_EPOCH=1764003600 run 0 snap
SOURCE_DATE_EPOCH=1764000000 run 0 "$PMXSNAP" snapshot --root "$scratch/root2" --repo "$repo" --key "$key"
list() { "$PMXSNAP" list --repo "$repo" --pubkey "$pub" "$@"; }
statuses() { jq -r '[.snapshots[] | "\(.node)/\(.archive | split("/") | last)=\(.signature)"] | join(" ")' <<<"$out"; }

run 0 list --json
[ "$(statuses)" = "pve1/20251124T160000Z.pmxsnap=ok pve1/20251124T170000Z.pmxsnap=ok pve2/20251124T160000Z.pmxsnap=ok" ] ||
  fail "a clean repository: $(statuses)"
[ "$(jq -r .failed <<<"$out")" = 0 ] || fail "failed count: $out"
pass "a clean repository lists ok, exit 0"

# A valid signature from another snapshot of the same node beside an archive.
first=$repo/demo/pve1/20251124T160000Z.pmxsnap
second=$repo/demo/pve1/20251124T170000Z.pmxsnap
cp "$first.minisig" "$scratch/first.minisig"
cp "$second.minisig" "$first.minisig"
run 1 list --json
[ "$(statuses)" = "pve1/20251124T160000Z.pmxsnap=misplaced pve1/20251124T170000Z.pmxsnap=ok pve2/20251124T160000Z.pmxsnap=ok" ] ||
  fail "a signature copied from another snapshot: $(statuses)"
contains "$(jq -r '.snapshots[0].problem' <<<"$out")" "signed for file 20251124T170000Z.pmxsnap"
[ "$(jq -r .failed <<<"$out")" = 1 ] || fail "failed count: $out"
run 1 list
contains "$out" "misplaced"
contains "$err" "$first: misplaced: signed for file 20251124T170000Z.pmxsnap"
# The same function decides in verify and prune.
run 1 "$PMXSNAP" verify --pubkey "$pub" "$first"
contains "$out" "misplaced: signed for file 20251124T170000Z.pmxsnap"
run 0 "$PMXSNAP" prune --repo "$repo" --pubkey "$pub" --keep-last 1 --dry-run --json
[ "$(jq -r '.nodes[] | select(.node == "pve1") | .left[0].file' <<<"$out")" = 20251124T160000Z.pmxsnap ] ||
  fail "prune did not leave the misplaced one: $out"
contains "$(jq -r '.nodes[] | select(.node == "pve1") | .left[0].problem' <<<"$out")" "signed for file 20251124T170000Z.pmxsnap"
cp "$scratch/first.minisig" "$first.minisig"
pass "a .minisig copied from another snapshot: list says misplaced and exits 1; verify and prune agree"

# An archive and its own signature copied into another node's directory.
cp "$second" "$second.minisig" "$repo/demo/pve2/"
run 1 list --json --node pve2
[ "$(statuses)" = "pve2/20251124T160000Z.pmxsnap=ok pve2/20251124T170000Z.pmxsnap=misplaced" ] ||
  fail "an archive copied into another node's directory: $(statuses)"
contains "$(jq -r '.snapshots[1].problem' <<<"$out")" "signed for demo/pve1, but it lies in demo/pve2"
run 0 list --node pve1
run 1 "$PMXSNAP" verify --pubkey "$pub" "$repo/demo/pve2/20251124T170000Z.pmxsnap"
contains "$out" "misplaced: signed for demo/pve1, but it lies in demo/pve2"
rm "$repo/demo/pve2/20251124T170000Z.pmxsnap" "$repo/demo/pve2/20251124T170000Z.pmxsnap.minisig"
pass "an archive copied into another node's directory: misplaced in list (exit 1) and verify"

# --if-changed must not skip on a misplaced newest: pve2's own archive and
# signature under a newer name carry the very state pve2 has now.
p2=$repo/demo/pve2
SOURCE_DATE_EPOCH=1764003600 run 0 "$PMXSNAP" snapshot --root "$scratch/root2" --repo "$repo" --key "$key" --if-changed --json
[ "$(jq -r .written <<<"$out")" = false ] || fail "--if-changed wrote an unchanged state: $out"
cp "$p2/20251124T160000Z.pmxsnap" "$p2/20251124T180000Z.pmxsnap"
cp "$p2/20251124T160000Z.pmxsnap.minisig" "$p2/20251124T180000Z.pmxsnap.minisig"
SOURCE_DATE_EPOCH=1764010800 run 0 "$PMXSNAP" snapshot --root "$scratch/root2" --repo "$repo" --key "$key" --if-changed --json
[ "$(jq -r .written <<<"$out")" = true ] || fail "--if-changed skipped after a misplaced newest: $out"
rm "$p2/20251124T180000Z.pmxsnap" "$p2/20251124T180000Z.pmxsnap.minisig" "$p2/20251124T190000Z.pmxsnap"*
pass "--if-changed: unchanged skips, but a misplaced newest (renamed copy) does not count"

# Signed by a key that is not trusted.
"$PMXSNAP" keygen --out "$scratch/other/signing.key" >/dev/null
run 1 "$PMXSNAP" list --repo "$repo" --pubkey "$scratch/other/signing.pub" --json
[ "$(jq -r '[.snapshots[].signature] | unique | join(",")' <<<"$out")" = untrusted ] || fail "another key: $out"
# A signature that is missing or not one.
rm "$second.minisig"
echo garbage >"$first.minisig"
run 1 list --json --node pve1
[ "$(statuses)" = "pve1/20251124T160000Z.pmxsnap=malformed pve1/20251124T170000Z.pmxsnap=missing" ] ||
  fail "malformed and missing: $(statuses)"
pass "untrusted, malformed and missing signatures: list exits 1 and names each"
