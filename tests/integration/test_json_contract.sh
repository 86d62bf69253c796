#!/usr/bin/env bash
# --json: standard output holds exactly one JSON document whatever happens,
# an error included (schema pmxsnap.error/1), and standard error stays
# silent unless -v.
source "$TESTLIB"
make_node
make_key
snap >/dev/null
archive=$(archives | head -1)
export PMXSNAP_REPO=$repo
g=(--config /dev/null --root "$scratch/root" --offline)

# document SCHEMA EXIT: stdout ($out) is one JSON document with that schema.
document() { # SCHEMA [EXIT]
  printf '%s' "$out" | python3 -c '
import json, sys
text = sys.stdin.read()
doc, end = json.JSONDecoder().raw_decode(text)
assert text[end:].strip() == "", "more than one document"
assert doc["schema"] == sys.argv[1], doc["schema"]
if doc["schema"] == "pmxsnap.error/1":
    assert doc["exit"] == int(sys.argv[2]), doc
    assert "what" in doc["error"], doc
    assert doc["error"]["message"] and doc["error"]["why"], doc
' "$1" "${2:-0}" || fail "not one $1 document: $out"
  [ -z "$err" ] || fail "stderr not silent under --json: $err"
}
error_case() { # EXIT ARGS...
  local want=$1; shift
  run "$want" "$PMXSNAP" "${g[@]}" --json "$@"
  document pmxsnap.error/1 "$want"
}

error_case 2 verify "$scratch/nonexistent.pmxsnap" --pubkey "$pub"
error_case 2 inspect "$scratch/nonexistent.db"
error_case 2 diff "$scratch/nonexistent.pmxsnap" live
error_case 2 restore plan "$scratch/nonexistent.pmxsnap"
error_case 2 restore apply "$scratch/nonexistent.pmxsnap"
error_case 2 restore extract "$archive"
error_case 2 snapshot --key "$scratch/nonexistent.key"
error_case 2 keygen --out "$key"
error_case 2 prune --pubkey "$pub"
error_case 2 verify --frobnicate
error_case 2 frobnicate
contains "$out" '"what": "frobnicate"'
error_case 2 doctor --log "$scratch/nonexistent.log"
error_case 2 ls "$scratch/nonexistent.pmxsnap" --pubkey "$pub"
error_case 2 cat "$archive" /etc/pve/no-such-file.cfg --pubkey "$pub"
error_case 2 restore file "$archive" /etc/pve/storage.cfg --pubkey "$pub"
error_case 2 list --repo "$scratch/nonexistent-repo"
error_case 2 status --pubkey "$pub" --stale soon
# An archive that is itself the finding: exit 1, in the same one document.
tampered=$scratch/tampered.pmxsnap
cp "$archive" "$tampered"
cp "$archive.minisig" "$tampered.minisig"
python3 -c "
import sys; p=sys.argv[1]; b=bytearray(open(p,'rb').read()); b[len(b)//2]^=0xff; open(p,'wb').write(b)" "$tampered"
error_case 1 restore extract "$tampered" --pubkey "$pub" --to "$scratch/extracted"
contains "$out" "tampered.pmxsnap"
pass "errors are one pmxsnap.error/1 document (exit 2, and exit 1 for a tampered archive), stderr silent"

run 2 "$PMXSNAP" "${g[@]}" --json -v verify "$scratch/nonexistent.pmxsnap" --pubkey "$pub"
contains "$err" "nonexistent.pmxsnap"
pass "-v shows the error line on stderr too"

run 0 "$PMXSNAP" "${g[@]}" --json list --pubkey "$pub"
document pmxsnap.list/1
# One name for one thing: the capture time is captured_at in every command.
inspected=$("$PMXSNAP" "${g[@]}" --json inspect "$archive" | python3 -c 'import json,sys; print(json.load(sys.stdin)["captured_at"])')
listed=$(printf '%s' "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["snapshots"][0]["captured_at"])')
[ "$inspected" = "$listed" ] || fail "captured_at: inspect says $inspected, list $listed"
run 0 "$PMXSNAP" "${g[@]}" --json prune --pubkey "$pub" --keep-last 1 --dry-run
document pmxsnap.prune/1
printf '%s' "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
entries = [e for n in d["nodes"] for k in ("kept", "removed", "left") for e in n[k]]
assert entries, "prune --json lists no archive"
for e in entries:
    assert "captured_at" in e, e
    assert e["captured"] == e["captured_at"], e' || fail "prune --json: an entry without captured_at: $out"
run 0 "$PMXSNAP" "${g[@]}" --json verify "$archive" --pubkey "$pub"
document pmxsnap.verify/1
run 0 "$PMXSNAP" "${g[@]}" --json snapshot --key "$key" --if-changed
document pmxsnap.snapshot/1
run 0 "$PMXSNAP" "${g[@]}" --json diff "$archive" live --pubkey "$pub"
document pmxsnap.diff/1
# One node of three has snapshots: the other two are findings (exit 1).
run 1 "$PMXSNAP" "${g[@]}" --json status --pubkey "$pub"
document pmxsnap.status/1
pass "success documents keep stderr silent"
