#!/usr/bin/env bash
# pmxsnap.conf(5) as documented: a [command] section applies to that command
# only, the environment sits between the file and the command line, and a
# key, section or value the file should not hold is refused with file:line.
source "$TESTLIB"
make_node
make_key
conf=$scratch/pmxsnap.conf
p() { "$PMXSNAP" --config "$conf" "$@"; }
# The repository list reads: its "repo", or the missing one its error names.
repo_of_list() {
  { p --json list "$@" || true; } |
    python3 -c 'import json,sys; d=json.load(sys.stdin); print(d.get("repo") or d["error"]["what"])'
}

cat >"$conf" <<CONF
# top: every command
repo = $scratch/top
[list]
repo = $scratch/list-only
CONF
run 0 p snapshot --root "$scratch/root" --key "$key"
[ -n "$(find "$scratch/top" -name '*.pmxsnap')" ] || fail "snapshot did not write into the top-level repo"
[ ! -e "$scratch/list-only" ] || fail "[list] repo= moved snapshot"
[ "$(repo_of_list)" = "$scratch/list-only" ] || fail "[list] repo= not applied to list"
# verify reads the top-level repo too: it finds and checks the snapshot there.
run 0 p verify --all --pubkey "$pub" --json
python3 -c '
import json, sys
d = json.loads(sys.argv[1])
paths = [a["archive"] for a in d["archives"]]
assert paths and all(p.startswith(sys.argv[2] + "/") for p in paths), paths' "$out" "$scratch/top" ||
  fail "[list] repo= moved verify --all: $out"
pass "[list] repo= applies to list only; snapshot and verify --all keep the top-level repo"

cat >"$conf" <<CONF
repo = $scratch/top
[snapshot]
repo = $scratch/snap-section
note = after the upgrade # a comment
[restore]
offline = yes
CONF
run 0 p snapshot --root "$scratch/root" --key "$key"
archive=$(find "$scratch/snap-section" -name '*.pmxsnap' | head -1)
[ -n "$archive" ] || fail "[snapshot] repo= did not win over the top-level repo"
manifest=$(zstd -dcq "$archive" | tar -xO MANIFEST.json)
contains "$manifest" '"note": "after the upgrade"'

pass "a command's section wins over the top; bare values keep their blanks"

# Environment: below the command line, above the file.
[ "$(PMXSNAP_REPO=$scratch/env repo_of_list)" = "$scratch/env" ] || fail "PMXSNAP_REPO not above the file"
[ "$(PMXSNAP_REPO=$scratch/env repo_of_list --repo "$scratch/flag")" = "$scratch/flag" ] ||
  fail "--repo not above PMXSNAP_REPO"
PMXSNAP_REPO=$scratch/env run 2 p --repo "$scratch/flag2" list
contains "$err" "$scratch/flag2: repository not found"
PMXSNAP_KEY=$key run 0 "$PMXSNAP" --config /dev/null snapshot --root "$scratch/root" --repo "$scratch/envkey"
[ -n "$(find "$scratch/envkey" -name '*.pmxsnap')" ] || fail "PMXSNAP_KEY not used"
PMXSNAP_KEY=$scratch/nonexistent.key run 2 "$PMXSNAP" --config /dev/null snapshot --root "$scratch/root" --repo "$scratch/envkey2"
one_line "$err"; contains "$err" "$scratch/nonexistent.key"
pass "PMXSNAP_REPO and PMXSNAP_KEY sit between the command line and the file"

# PMXSNAP_IDENTITY stands for --identity: an encrypted repository reads with it.
if command -v age-keygen >/dev/null; then
  age-keygen -o "$scratch/age.key" 2>/dev/null
  run 0 "$PMXSNAP" --config /dev/null snapshot --root "$scratch/root" --repo "$scratch/enc" --key "$key" \
    --recipient "$(age-keygen -y "$scratch/age.key")"
  els() { "$PMXSNAP" --config /dev/null ls latest --root "$scratch/root" --repo "$scratch/enc" --pubkey "$pub"; }
  PMXSNAP_IDENTITY=$scratch/age.key run 0 els
  contains "$out" "/etc/pve/storage.cfg"
  run 2 els
  one_line "$err"; contains "$err" "encrypted with age; give --identity FILE"
  pass "PMXSNAP_IDENTITY reads an encrypted repository; without it, exit 2 naming --identity"
else
  skip_part "PMXSNAP_IDENTITY on an encrypted repository (needs age-keygen)"
fi

# Every mistake in the file is refused, naming file and line, whatever runs.
refused() { # LINE EXPECTED-TEXT: the current $conf is refused by `list`
  run 2 p list
  one_line "$err"
  contains "$err" "pmxsnap: $conf:$1: "
  contains "$err" "$2"
}
printf 'repo = %s\n[list]\nkeep-daily = 3\n' "$scratch/top" >"$conf"
refused 3 "keep-daily: not an option of [list]"
printf '[prune]\nkeep-dayly = 3\n' >"$conf"
refused 2 "keep-dayly: not an option of [prune]"
printf '[snapshots]\nnote = x\n' >"$conf"
refused 1 "[snapshots]: no such command"
printf 'frobnicate = 1\n' >"$conf"
refused 1 "frobnicate: not an option of the global options"
printf '[snapshot]\nif-changed = maybe\n' >"$conf"
refused 2 "if-changed = maybe: not true or false"
printf 'repo = /a\n\nrepo = /b\n' >"$conf"
refused 3 "repo: set again"
printf '[list]\nrepo /a\n' >"$conf"
refused 2 "expected 'key = value'"
printf 'config = /etc/other.conf\n' >"$conf"
refused 1 "config: not an option"
pass "unknown keys, sections, bad flag values and duplicates are refused with file:line"

run 2 "$PMXSNAP" --config "$scratch/missing.conf" list
one_line "$err"; contains "$err" "$scratch/missing.conf"
pass "a --config file that does not exist is an error"
