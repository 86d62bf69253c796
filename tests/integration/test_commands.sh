# list, inspect and verify as scripts use them: exit codes (0 valid, 1
# invalid, 2 unreadable) and exactly one JSON document with its schema.
source "$TESTLIB"
need jq
make_node --preset typical
make_key
run 0 snap --json
[ "$(jq -r .schema <<<"$out")" = pmxsnap.snapshot/1 ] || fail "snapshot --json: $out"
archive=$(jq -r .archive <<<"$out")
[ -f "$archive" ] || fail "snapshot --json names no archive"
pass "snapshot --json"

run 0 "$PMXSNAP" list --repo "$repo" --key "$key" --json
[ "$(jq -r '.schema, (.snapshots | length), .snapshots[0].signature' <<<"$out" | tr '\n' ' ')" = "pmxsnap.list/1 1 ok " ] ||
  fail "list --json: $out"
pass "list --json: one snapshot, signature ok"

run 0 "$PMXSNAP" verify --repo "$repo" --key "$key" --latest --json
[ "$(jq -r '.schema, .ok, ([.archives[0].levels[].status] | join(","))' <<<"$out" | tr '\n' ' ')" = \
  "pmxsnap.verify/1 true ok,ok,ok " ] || fail "verify --json: $out"
# The documented schema (man/pmxsnap-verify.1): exactly these keys and values.
jq -e '(keys == ["archives","ok","schema"]) and all(.archives[];
         (keys == ["archive","archived_key_id","key_source","levels","ok","result","skipped"])
         and (.key_source == "host") and (.archived_key_id == null)
         and (.result | IN("ok","partial","failed")) and (.skipped | type == "array")
         and (.levels | length == 3) and all(.levels[];
           (keys == ["detail","level","problems","status","warnings"])
           and (.level | IN("signature","content","restorable"))
           and (.status | IN("ok","failed","skipped"))
           and (.problems | type == "array") and (.warnings | type == "array")))' <<<"$out" >/dev/null || fail "verify --json breaks its schema: $out"
pass "verify --latest --json: three levels ok, schema as documented"

run 1 "$PMXSNAP" verify --repo "$repo" --key "$key" --latest --max-decompressed 100K
contains "$out" "decompresses to more than 102400 bytes"
pass "verify --max-decompressed bounds what it reads"

run 0 "$PMXSNAP" inspect "$archive" --json
[ "$(jq -r '.kind, .valid' <<<"$out" | tr '\n' ' ')" = "archive true " ] || fail "inspect archive: $out"
run 0 "$PMXSNAP" inspect "$scratch/root/var/lib/pve-cluster/config.db" --json
[ "$(jq -r '.kind, .valid, (.violations | length)' <<<"$out" | tr '\n' ' ')" = "config.db true 0 " ] ||
  fail "inspect db: $out"
run 0 "$PMXSNAP" inspect "$scratch/root/etc/corosync/corosync.conf" --json
[ "$(jq -r '.cluster_name, .config_version, (.nodes | length)' <<<"$out" | tr '\n' ' ')" = "demo 3 3 " ] ||
  fail "inspect corosync.conf: $out"
pass "inspect: archive, db and corosync.conf are valid"

head -n 20 "$scratch/root/etc/corosync/corosync.conf" >"$scratch/truncated.conf"
run 1 "$PMXSNAP" inspect "$scratch/truncated.conf"
contains "$out" "truncated.conf:20: Missing closing brace"
run 1 "$PMXSNAP" inspect "$scratch/truncated.conf" --json
[ "$(jq -r '.valid, .error.line, .error.message' <<<"$out" | tr '\n' '|')" = "false|20|Missing closing brace|" ] ||
  fail "inspect truncated --json: $out"
[ "$(jq -r '.truncation[0].id' <<<"$out")" = ends-inside-section ] || fail "no truncation evidence: $out"
sed 's/nodeid: 2/nodeid: 1/' "$scratch/root/etc/corosync/corosync.conf" >"$scratch/dup.conf"
run 1 "$PMXSNAP" inspect "$scratch/dup.conf"
contains "$out" "error: Nodeid 1 appears twice in corosync.conf"
pass "a truncated corosync.conf is invalid (exit 1) with its line and the evidence; a duplicate nodeid too"

cp "$archive" "$scratch/damaged.pmxsnap"
printf 'x' | dd of="$scratch/damaged.pmxsnap" bs=1 seek=200 conv=notrunc 2>/dev/null
run 1 "$PMXSNAP" inspect "$scratch/damaged.pmxsnap"
contains "$out" "invalid archive"
pass "a damaged archive is invalid (exit 1)"

run 2 "$PMXSNAP" inspect "$scratch/does-not-exist"
one_line "$err"
contains "$err" "does-not-exist"
pass "an unreadable path is an error (exit 2)"

run 2 "$PMXSNAP" list --repo "$scratch/no-repo"
contains "$err" "repository not found"
run 2 "$PMXSNAP" verify --repo "$repo"
contains "$err" "name ARCHIVE files, or --latest or --all"
pass "usage and missing repository exit 2"

if command -v mandoc >/dev/null; then
  for page in "$(dirname "$TESTLIB")"/../../man/*.1; do
    lint=$(mandoc -Tlint "$page" 2>&1) || true
    [ -z "$lint" ] || fail "mandoc -Tlint $page: $lint"
  done
  pass "man pages lint clean"
fi
