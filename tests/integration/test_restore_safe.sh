# restore on a guess-free footing (issue 21), on fixture roots:
# - restore plan, extract, apply and file take the selector grammar
#   (latest, latest~1; doctor's `pmxsnap restore plan latest-good` is among
#   the printed commands run at the end);
# - restore file puts the archived /etc/corosync/corosync.conf back over a
#   truncated one, keeps the truncated one aside byte for byte, and refuses
#   (exit 2, nothing changed) without the reviewed digest or with another;
#   it refuses paths it does not restore, another node's archive for a
#   node's own files, and an archived corosync.conf that is itself cut short;
# - auto mode with the peers unknown (--offline) proposes no step, never
#   `pvecm create`, and asks for --scenario (exit 1), corosync broken or not;
# - another cluster's archive is a failed precondition of every plan;
# - every `pmxsnap ...` command these plans, and doctor on this root, print
#   is accepted by pmxsnap.
# - plan, extract and file authenticate the archive first: a snapshot
#   signed by an untrusted key whose index claims health=good (what
#   latest-good then picks) is refused, exit 1 naming the signature, and
#   read only with --no-verify, which their first line states.
source "$TESTLIB"
need jq zstd tar sha256sum
make_node --preset typical
make_key
conf=$scratch/root/etc/corosync/corosync.conf
hosts=$scratch/root/etc/hosts
g=(--root "$scratch/root" --repo "$repo" --pubkey "$pub")
sha() { sha256sum <"$1" | cut -d' ' -f1; }
member() { zstd -dc "$1" | tar -xO "$2"; }

SOURCE_DATE_EPOCH=1900000000 run 0 snap
echo "198.18.7.7 added-later" >>"$hosts"
SOURCE_DATE_EPOCH=1900003600 run 0 snap
older=$(archives | head -1); newer=$(archives | tail -1)
[ "$older" != "$newer" ] || fail "two snapshots expected"

# Selectors in every restore step.
run 0 "$PMXSNAP" restore plan latest "${g[@]}" --offline --scenario single-node
contains "$out" "archive: $newer (latest)"
contains "$out" "pmxsnap restore apply $newer"
run 0 "$PMXSNAP" restore plan latest~1 "${g[@]}" --offline --scenario single-node
contains "$out" "archive: $older (latest~1)"
run 0 "$PMXSNAP" restore extract latest~1 "${g[@]}" --to "$scratch/x-older"
cmp -s "$scratch/x-older/host/etc/hosts" <(member "$older" host/etc/hosts) || fail "extract latest~1 is not the older archive"
run 0 "$PMXSNAP" restore extract latest "${g[@]}" --to "$scratch/x-newer" /etc/hosts
grep -q added-later "$scratch/x-newer/host/etc/hosts" || fail "extract latest is not the newer archive"
run 0 "$PMXSNAP" restore apply latest "${g[@]}" --dry-run
contains "$out" "would install"
run 2 "$PMXSNAP" restore plan latest~5 "${g[@]}" --offline
one_line "$err"; contains "$err" "latest~5: only 2 snapshots"
run 2 "$PMXSNAP" restore extract "latest~x" "${g[@]}" --to "$scratch/x-bad"
one_line "$err"; contains "$err" "not a selector"
pass "restore plan/extract/apply take latest and latest~1 (plans name the archive they resolved to); latest~5 and latest~x are one-line errors"

# restore file /etc/corosync/corosync.conf over a truncated one.
good_sha=$(sha "$conf")
archived_mode=$(zstd -dc "$newer" | tar -tvf - host/etc/corosync/corosync.conf | cut -c1-10)
head -c 300 "$conf" >"$scratch/truncated"
cp "$scratch/truncated" "$conf"
cut_sha=$(sha "$conf")
unchanged() {
  [ "$(sha "$conf")" = "$cut_sha" ] || fail "a refused restore file changed corosync.conf"
  [ -z "$(ls "$conf".pmxsnap-* 2>/dev/null)" ] || fail "a refused restore file kept a copy"
  [ -z "$(find "$(dirname "$conf")" -name '.pmxsnap-tmp.*')" ] || fail "a temporary file was left"
}
run 2 "$PMXSNAP" restore file latest /etc/corosync/corosync.conf "${g[@]}" --expect-digest "$good_sha"
one_line "$err"; contains "$err" "changed since it was reviewed"; unchanged
run 2 "$PMXSNAP" restore file latest /etc/corosync/corosync.conf "${g[@]}" --expect-digest absent
one_line "$err"; unchanged
# The digest to give is the one diff prints for the live file.
run 1 "$PMXSNAP" diff latest live "${g[@]}" --offline --path /etc/corosync/corosync.conf --json
digest=$(jq -r '.changes[] | select(.path == "/etc/corosync/corosync.conf") | .expect_digest' <<<"$out")
[ "$digest" = "$cut_sha" ] || fail "diff's expect_digest for corosync.conf: $digest, live $cut_sha"
run 0 "$PMXSNAP" restore file latest /etc/corosync/corosync.conf "${g[@]}" --expect-digest "$digest"
cmp -s "$conf" <(member "$newer" host/etc/corosync/corosync.conf) || fail "corosync.conf is not the archived bytes"
kept=$(ls "$conf".pmxsnap-*)
cmp -s "$kept" "$scratch/truncated" || fail "the kept corosync.conf differs from the truncated one"
contains "$out" "kept the previous file as $kept"
contains "$out" "systemctl restart corosync"
[ "$(stat -c %A "$conf")" = "$archived_mode" ] || fail "mode $(stat -c %A "$conf"), archived $archived_mode"
[ -z "$(find "$(dirname "$conf")" -name '.pmxsnap-tmp.*')" ] || fail "a temporary file was left"
run 0 "$PMXSNAP" diff latest live "${g[@]}" --offline --path /etc/corosync/corosync.conf
pass "restore file latest /etc/corosync/corosync.conf: refused (exit 2, nothing changed) with a stale digest; with diff's digest the archived bytes and mode are back, the truncated file kept byte for byte"

# A missing node-local file: --expect-digest absent; --json names what happened.
rm "$hosts"
run 0 "$PMXSNAP" restore file latest~1 /etc/hosts "${g[@]}" --expect-digest absent --json
[ "$(jq -r '.schema, .previous_sha256, .kept' <<<"$out" | tr '\n' ' ')" = "pmxsnap.restore-file/1 null null " ] || fail "restore file --json: $out"
cmp -s "$hosts" <(member "$older" host/etc/hosts) || fail "/etc/hosts not restored from latest~1"
pass "restore file of an absent /etc/hosts with --expect-digest absent, from latest~1; --json"

# Paths it does not restore, another node's archive, an archived copy cut short.
for path in /etc/ssh/ssh_host_ed25519_key.pub /etc/fstab /etc/corosync/authkey; do
  run 2 "$PMXSNAP" restore file latest "$path" "${g[@]}" --force
  one_line "$err"; contains "$err" "node-local files"
done
echo pve9 >"$scratch/root/etc/hostname"
before=$(sha "$hosts")
run 2 "$PMXSNAP" restore file "$newer" /etc/hosts --root "$scratch/root" --pubkey "$pub" --expect-digest "$before"
one_line "$err"; contains "$err" "the archive is of node pve1, this host is pve9"
[ "$(sha "$hosts")" = "$before" ] || fail "another node's archive changed /etc/hosts"
run 0 "$PMXSNAP" restore file "$newer" /etc/hosts --root "$scratch/root" --pubkey "$pub" --force
contains "$err" "--force: going on although the archive is of node pve1"
echo pve1 >"$scratch/root/etc/hostname"
cp "$scratch/truncated" "$conf"
run 1 "$PMXSNAP" snapshot --root "$scratch/root" --repo "$scratch/repo-cut" --key "$key"
cut_archive=$(find "$scratch/repo-cut" -name '*.pmxsnap' | head -1)
[ -n "$cut_archive" ] || fail "no archive of the truncated state"
cp "$kept" "$conf" # any content: the archive is what is refused
run 1 "$PMXSNAP" restore file "$cut_archive" /etc/corosync/corosync.conf --root "$scratch/root" --pubkey "$pub" --force
one_line "$err"; contains "$err" "not restored"
cmp -s "$conf" "$kept" || fail "a refused archived copy changed corosync.conf"
run 0 "$PMXSNAP" restore file latest /etc/corosync/corosync.conf "${g[@]}" --force
pass "restore file refuses SSH keys, fstab, the authkey (exit 2), another node's hosts unless --force, and an archived corosync.conf that is cut short (exit 1, even with --force)"

# Auto mode with the peers unknown: no step, no pvecm create, asks for --scenario.
no_guess() {
  case "$1" in *"pvecm create"*) fail "an undecided plan printed pvecm create: $1";; esac
  contains "$1" "restore plan: undecided"
  contains "$1" "--scenario cluster"
  contains "$1" "--scenario rejoin"
  case "$1" in *"steps:"*) fail "an undecided plan printed steps: $1";; esac
}
run 1 "$PMXSNAP" restore plan latest "${g[@]}" --offline
no_guess "$out"
contains "$out" "not probed"
run 1 "$PMXSNAP" restore plan latest "${g[@]}" --offline --json
[ "$(jq -r '.decided, .scenario, (.steps | length), (.choices | length)' <<<"$out" | tr '\n' ' ')" = "false null 0 3 " ] || fail "undecided plan json: $out"
grep -q "pvecm create" <<<"$out" && fail "undecided json names pvecm create"
cp "$scratch/truncated" "$conf" # this node's corosync broken: still no guess
run 1 "$PMXSNAP" restore plan "$newer" --root "$scratch/root" --pubkey "$pub" --offline
no_guess "$out"
cp "$kept" "$conf"; run 0 "$PMXSNAP" restore file latest /etc/corosync/corosync.conf "${g[@]}" --force
pass "auto mode, peers not probed (corosync.conf good or truncated): undecided, exit 1, no pvecm create, the scenarios to choose from"

# Another cluster's archive: a failed precondition of every plan.
"$MKFIXTURE" --root "$scratch/other" --preset typical --cluster othercl >/dev/null
for scenario in auto single-node rejoin cluster file; do
  run 1 "$PMXSNAP" restore plan "$newer" --root "$scratch/other" --pubkey "$pub" --offline --scenario "$scenario"
  contains "$out" "failed  the archive is of cluster demo, this host is in cluster othercl"
done
pass "a cluster-name mismatch is a failed precondition (exit 1) in auto mode and every scenario"

# Every pmxsnap command the plans print is accepted: run with this test's
# --root/--repo/--pubkey/--offline, placeholders filled, apply as --dry-run.
: >"$scratch/commands"
collect() { jq -r '(.steps[].command, .choices[].command) | select(startswith("pmxsnap "))' <<<"$1" >>"$scratch/commands"; }
for args in "" "--scenario single-node" "--scenario rejoin" "--scenario cluster" \
  "--scenario file --file /etc/pve/storage.cfg" "--scenario file --file /etc/corosync/corosync.conf"; do
  # shellcheck disable=SC2086
  "$PMXSNAP" restore plan latest "${g[@]}" --offline --json $args >"$scratch/plan.json" || true
  collect "$(cat "$scratch/plan.json")"
done
# What doctor prints, from doctor itself: on this root with its db
# unreadable and its corosync.conf cut short, its decisions name the
# restore plan, the diff and the restore file of the last good snapshot.
db=$scratch/root/var/lib/pve-cluster/config.db
cp -p "$db" "$scratch/config.db.good"; cp -p "$conf" "$scratch/corosync.conf.good"
printf 'not a database' >"$db"; cp "$scratch/truncated" "$conf"
run 1 "$PMXSNAP" doctor "${g[@]}" --offline --json
cp -p "$scratch/config.db.good" "$db"; cp -p "$scratch/corosync.conf.good" "$conf"
# Neither copy of corosync.conf names the cluster now: doctor takes the
# repository's only one, as the selectors do, and names the archive.
contains "$(jq -r '.findings[] | select(.id == "pmxcfs.db") | .decision' <<<"$out")" "the last good snapshot, $(basename "$newer")"
jq -r '.findings[].decision // empty' <<<"$out" | grep -o '`pmxsnap [^`]*`' | tr -d '`' >"$scratch/doctor.commands" || true
for printed in "pmxsnap restore plan latest-good" "pmxsnap diff latest-good live" \
  "pmxsnap restore file latest-good /etc/corosync/corosync.conf"; do
  grep -qxF "$printed" "$scratch/doctor.commands" || fail "doctor did not print $printed: $(cat "$scratch/doctor.commands")"
done
cat "$scratch/doctor.commands" >>"$scratch/commands"
# apply --host-files-only says what it leaves out, and the command that restores corosync.conf.
run 0 "$PMXSNAP" restore apply latest "${g[@]}" --host-files-only --dry-run
contains "$out" "not installed: /etc/corosync/corosync.conf"
grep -o '`pmxsnap restore file [^`]*`' <<<"$out" | tr -d '`' >>"$scratch/commands"
grep -q "^pmxsnap restore file $newer /etc/corosync/corosync.conf$" "$scratch/commands" ||
  fail "apply --host-files-only does not name the restore file command: $out"
[ "$(wc -l <"$scratch/commands")" -ge 10 ] || fail "too few commands collected: $(cat "$scratch/commands")"
accept_printed_commands "$scratch/commands" "$scratch/root" "$repo"
pass "every pmxsnap command the plans, apply --host-files-only and doctor print ($checked distinct, $situational refused by the situation) is accepted"

# A forged "good": a snapshot in the repository signed by a key that is not
# trusted, its index saying health=good, is what latest-good picks (the
# selector reads the index as listed); every restore step refuses it.
cp "$hosts" "$scratch/hosts.before"
"$PMXSNAP" keygen --out "$scratch/forger/signing.key" >/dev/null
echo "198.18.6.6 forged" >>"$hosts"
cp "$hosts" "$scratch/hosts.forged"
SOURCE_DATE_EPOCH=1900007200 run 0 "$PMXSNAP" snapshot --root "$scratch/root" --repo "$repo" --key "$scratch/forger/signing.key"
forged=$(archives | tail -1)
[ "$forged" != "$newer" ] && grep -q ' health=good authkey=' "$forged.minisig" || fail "the forged snapshot: $forged $(sed -n 3p "$forged.minisig")"
cp "$scratch/hosts.before" "$hosts"
hosts_sha=$(sha "$hosts")
kept_hosts() { ls -d "$hosts".pmxsnap-* 2>/dev/null | wc -l; }
kept_before=$(kept_hosts)
refused() {
  [ -z "$out" ] || fail "a refused archive printed: $out"
  one_line "$err"
  contains "$err" "pmxsnap: $forged: signature: untrusted: signed by key "
  contains "$err" "--no-verify"
}
run 1 "$PMXSNAP" restore file latest-good /etc/hosts "${g[@]}"
refused
[ "$(sha "$hosts")" = "$hosts_sha" ] && [ "$(kept_hosts)" = "$kept_before" ] || fail "a refused restore file changed /etc/hosts"
run 1 "$PMXSNAP" restore file latest-good /etc/hosts "${g[@]}" --force
refused
run 1 "$PMXSNAP" restore extract latest-good "${g[@]}" --to "$scratch/x-forged"
refused
[ ! -e "$scratch/x-forged" ] || fail "a refused extract wrote: $(find "$scratch/x-forged")"
run 1 "$PMXSNAP" restore plan latest-good "${g[@]}" --offline --scenario single-node
refused
run 1 "$PMXSNAP" restore plan latest-good "${g[@]}" --offline --scenario single-node --json
[ "$(jq -r '.schema, .exit' <<<"$out" | tr '\n' ' ')" = "pmxsnap.error/1 1 " ] || fail "refusal --json: $out"
contains "$(jq -r .error.message <<<"$out")" "$forged: signature: untrusted"
pass "an archive signed by an untrusted key, its index claiming good: restore file (even --force), extract and plan of latest-good refuse it (exit 1, one line naming the signature), nothing written"

unverified="UNVERIFIED (--no-verify): the signature of $forged was not checked; what it holds may not be what was captured"
run 0 "$PMXSNAP" restore file latest-good /etc/hosts "${g[@]}" --no-verify
[ "$(sed -n 1p <<<"$out")" = "$unverified" ] || fail "restore file --no-verify, first line: $out"
contains "$(sed -n 2p <<<"$out")" "restored $hosts from host/etc/hosts"
cmp -s "$hosts" "$scratch/hosts.forged" || fail "restore file --no-verify did not restore the archive's bytes"
run 0 "$PMXSNAP" restore extract latest-good "${g[@]}" --no-verify --to "$scratch/x-forged"
[ "$(sed -n 1p <<<"$out")" = "$unverified" ] || fail "extract --no-verify, first line: $out"
cmp -s "$scratch/x-forged/host/etc/hosts" "$scratch/hosts.forged" || fail "extract --no-verify: not the archive's bytes"
run 0 "$PMXSNAP" restore plan latest-good "${g[@]}" --no-verify --offline --scenario single-node
[ "$(sed -n 1p <<<"$out")" = "$unverified" ] || fail "plan --no-verify, first line: $out"
contains "$out" "archive: $forged (latest-good)"
run 0 "$PMXSNAP" restore plan latest-good "${g[@]}" --no-verify --offline --scenario single-node --json
[ "$(jq -r '.verified, .schema' <<<"$out" | tr '\n' ' ')" = "false pmxsnap.restore-plan/1 " ] || fail "plan --no-verify --json: $out"
contains "$(jq -r '.warnings[]' <<<"$out")" "--no-verify: the signature of $forged was not checked"
[ -z "$err" ] || fail "--json wrote to stderr: $err"
run 0 "$PMXSNAP" restore file latest-good /etc/hosts "${g[@]}" --no-verify -q
[ -z "$out" ] && [ "$err" = "pmxsnap: warning: --no-verify: the signature of $forged was not checked" ] ||
  fail "restore file --no-verify -q: stdout: $out stderr: $err"
# --no-verify asks for no key at all.
run 0 "$PMXSNAP" restore extract latest-good --root "$scratch/root" --repo "$repo" --no-verify --to "$scratch/x-nokey" /etc/hosts
run 0 "$PMXSNAP" restore file latest~1 /etc/hosts "${g[@]}" --json
[ "$(jq -r .verified <<<"$out")" = true ] || fail "an authentic archive: verified $(jq -c .verified <<<"$out")"
pass "--no-verify: restore file, extract and plan read the forged archive and say so on their first line (--json: verified false and a warning; -q: the warning); no key needed"
