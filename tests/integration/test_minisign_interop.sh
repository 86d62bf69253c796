# Acceptance: minisign -V accepts every pmxsnap archive; pmxsnap accepts a
# signature made by minisign -S with a key from minisign -G -W; one flipped
# byte is rejected by both.
source "$TESTLIB"
need minisign
make_node --preset typical
make_key
run 0 snap
archive=$(archives | tail -n 1)

run 0 minisign -Vm "$archive" -p "$pub"
contains "$out" "Signature and comment signature verified"
contains "$out" "pmxsnap/1 cluster=demo node=pve1"
pass "minisign -V accepts the archive and shows the signed index"

run 0 "$PMXSNAP" verify --pubkey "$pub" "$archive"
pass "pmxsnap verify accepts it"

# A signature made by minisign itself, with the same trusted comment.
comment=$(sed -n 's/^trusted comment: //p' "$archive.minisig")
minisign -G -W -p "$scratch/m.pub" -s "$scratch/m.key" >/dev/null
cp "$archive.minisig" "$scratch/pmxsnap.minisig"
minisign -S -s "$scratch/m.key" -m "$archive" -t "$comment" -x "$archive.minisig" >/dev/null
run 0 "$PMXSNAP" verify --pubkey "$scratch/m.pub" "$archive"
pass "pmxsnap accepts minisign's signature"
run 1 "$PMXSNAP" verify --pubkey "$pub" "$archive"
contains "$out" "not trusted"
pass "and names an untrusted signer"
cp "$scratch/pmxsnap.minisig" "$archive.minisig"

# One flipped byte in the middle of the archive.
size=$(stat -c %s "$archive")
offset=$((size / 2))
byte=$(dd if="$archive" bs=1 skip=$offset count=1 2>/dev/null | od -An -tu1 | tr -d ' ')
printf "$(printf '\\%03o' $(((byte + 1) % 256)))" |
  dd of="$archive" bs=1 seek=$offset count=1 conv=notrunc 2>/dev/null
run 1 minisign -Vm "$archive" -p "$pub"
run 1 "$PMXSNAP" verify --pubkey "$pub" "$archive"
contains "$out" "FAILED"
pass "one flipped byte is rejected by minisign and by pmxsnap"
